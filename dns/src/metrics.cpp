#include "skiff/dns/metrics.h"

#include <fmt/format.h>

namespace skiff::dns {

void Metrics::upstream_result(double seconds, bool ok) {
  if (!ok) ++upstream_errors_;
  size_t i = 0;
  while (i < kLatencyBuckets.size() && seconds > kLatencyBuckets[i]) ++i;
  ++latency_[i];
  latency_sum_ += seconds;
}

uint64_t Metrics::total_queries() const {
  uint64_t n = 0;
  for (const auto& t : queries_)
    for (uint64_t v : t) n += v;
  return n;
}

std::string Metrics::prometheus(const Gauges& g) const {
  std::string out;
  auto line = [&](std::string_view s) {
    out.append(s);
    out.push_back('\n');
  };
  line("# HELP skiff_dns_requests_total DNS queries received, by transport and query type.");
  line("# TYPE skiff_dns_requests_total counter");
  for (size_t t = 0; t < 2; ++t) {
    for (size_t i = 0; i <= kTypes.size(); ++i) {
      std::string_view type = i < kTypes.size() ? type_name(kTypes[i]) : "other";
      line(fmt::format("skiff_dns_requests_total{{proto=\"{}\",type=\"{}\"}} {}", t == 0 ? "udp" : "tcp", type,
                       queries_[t][i]));
    }
  }
  line("# HELP skiff_dns_responses_total DNS responses sent, by rcode.");
  line("# TYPE skiff_dns_responses_total counter");
  static constexpr Rcode kRcodes[] = {Rcode::NoError, Rcode::FormErr, Rcode::ServFail,
                                      Rcode::NxDomain, Rcode::NotImp, Rcode::Refused};
  for (size_t i = 0; i < 6; ++i)
    line(fmt::format("skiff_dns_responses_total{{rcode=\"{}\"}} {}", rcode_name(kRcodes[i]), responses_[i]));
  line(fmt::format("skiff_dns_responses_total{{rcode=\"other\"}} {}", responses_[6]));
  line("# TYPE skiff_dns_cache_hits_total counter");
  line(fmt::format("skiff_dns_cache_hits_total {}", cache_hits_));
  line("# TYPE skiff_dns_cache_misses_total counter");
  line(fmt::format("skiff_dns_cache_misses_total {}", cache_misses_));
  line("# TYPE skiff_dns_cache_entries gauge");
  line(fmt::format("skiff_dns_cache_entries {}", g.cache_entries));
  line("# HELP skiff_dns_upstream_request_duration_seconds Forwarded query latency.");
  line("# TYPE skiff_dns_upstream_request_duration_seconds histogram");
  uint64_t cum = 0;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cum += latency_[i];
    line(fmt::format("skiff_dns_upstream_request_duration_seconds_bucket{{le=\"{}\"}} {}", kLatencyBuckets[i], cum));
  }
  cum += latency_.back();
  line(fmt::format("skiff_dns_upstream_request_duration_seconds_bucket{{le=\"+Inf\"}} {}", cum));
  line(fmt::format("skiff_dns_upstream_request_duration_seconds_sum {}", latency_sum_));
  line(fmt::format("skiff_dns_upstream_request_duration_seconds_count {}", cum));
  line("# TYPE skiff_dns_upstream_errors_total counter");
  line(fmt::format("skiff_dns_upstream_errors_total {}", upstream_errors_));
  line("# TYPE skiff_dns_malformed_requests_total counter");
  line(fmt::format("skiff_dns_malformed_requests_total {}", malformed_));
  line("# TYPE skiff_dns_rate_limited_total counter");
  line(fmt::format("skiff_dns_rate_limited_total {}", rate_limited_));
  line("# TYPE skiff_dns_tcp_rejected_total counter");
  line(fmt::format("skiff_dns_tcp_rejected_total {}", tcp_rejected_));
  line("# TYPE skiff_dns_tcp_connections gauge");
  line(fmt::format("skiff_dns_tcp_connections {}", g.tcp_connections));
  line("# TYPE skiff_dns_upstream_pending gauge");
  line(fmt::format("skiff_dns_upstream_pending {}", g.pending_upstream));
  line("# TYPE skiff_dns_zone_names gauge");
  line(fmt::format("skiff_dns_zone_names {}", g.zone_names));
  line("# TYPE skiff_dns_zone_records gauge");
  line(fmt::format("skiff_dns_zone_records {}", g.zone_records));
  line("# HELP skiff_dns_forward_loop_detected 1 when a forwarding loop was seen (forwarding disabled).");
  line("# TYPE skiff_dns_forward_loop_detected gauge");
  line(fmt::format("skiff_dns_forward_loop_detected {}", loop_detected_));
  return out;
}

}  // namespace skiff::dns
