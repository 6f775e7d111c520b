// Counters of the DNS server, rendered as Prometheus text. Single-threaded
// plain integers: the server runs on one event loop.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "skiff/dns/protocol.h"

namespace skiff::dns {

enum class Transport : uint8_t { Udp, Tcp };

class Metrics {
 public:
  static constexpr std::array<uint16_t, 10> kTypes = {rrtype::A,   rrtype::AAAA, rrtype::SRV, rrtype::PTR,
                                                      rrtype::TXT, rrtype::CNAME, rrtype::SOA, rrtype::NS,
                                                      rrtype::MX,  rrtype::ANY};
  static constexpr std::array<double, 12> kLatencyBuckets = {0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                             0.025,   0.05,   0.1,   0.25,   0.5,   1.0};

  void query(Transport t, uint16_t qtype) {
    size_t i = 0;
    while (i < kTypes.size() && kTypes[i] != qtype) ++i;
    ++queries_[static_cast<size_t>(t)][i];
  }
  void response(Rcode r) { ++responses_[rcode_slot(r)]; }
  void cache_hit() { ++cache_hits_; }
  void cache_miss() { ++cache_misses_; }
  void upstream_result(double seconds, bool ok);
  void malformed() { ++malformed_; }
  void rate_limited() { ++rate_limited_; }
  void tcp_rejected() { ++tcp_rejected_; }
  void loop_detected() { loop_detected_ = 1; }

  struct Gauges {
    size_t cache_entries = 0;
    size_t zone_names = 0;
    size_t zone_records = 0;
    size_t pending_upstream = 0;
    size_t tcp_connections = 0;
  };
  std::string prometheus(const Gauges& g) const;

  uint64_t responses(Rcode r) const { return responses_[rcode_slot(r)]; }
  uint64_t cache_hits() const { return cache_hits_; }
  uint64_t cache_misses() const { return cache_misses_; }
  uint64_t rate_limited_count() const { return rate_limited_; }
  uint64_t total_queries() const;

 private:
  static size_t rcode_slot(Rcode r) { return static_cast<uint8_t>(r) < 6 ? static_cast<uint8_t>(r) : 6; }
  std::array<std::array<uint64_t, kTypes.size() + 1>, 2> queries_{};
  std::array<uint64_t, 7> responses_{};
  std::array<uint64_t, kLatencyBuckets.size() + 1> latency_{};
  double latency_sum_ = 0;
  uint64_t upstream_errors_ = 0;
  uint64_t cache_hits_ = 0, cache_misses_ = 0, malformed_ = 0, rate_limited_ = 0, tcp_rejected_ = 0;
  int loop_detected_ = 0;
};

}  // namespace skiff::dns
