#include "skiff/dns/resolver.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <random>

#include "skiff/dns/kube_records.h"
#include "skiff/dns/message_builder.h"
#include "skiff/dns/name.h"

namespace skiff::dns {

namespace {

std::vector<uint8_t> build_upstream_query(std::string_view qname, uint16_t qtype, bool dnssec_ok, uint16_t udp) {
  // Written field by field (GCC 12 warns falsely on initializer-list inserts).
  std::vector<uint8_t> q(kHeaderSize + qname.size() + 4 + kOptRecordSize, 0);
  uint8_t* p = q.data();
  put16(p + 2, flag::RD);
  put16(p + 4, 1);
  put16(p + 10, 1);
  std::memcpy(p + kHeaderSize, qname.data(), qname.size());
  uint8_t* t = p + kHeaderSize + qname.size();
  put16(t, qtype);
  put16(t + 2, rrclass::IN);
  // OPT: root owner (t[4] = 0), type, payload size, DO bit.
  put16(t + 5, rrtype::OPT);
  put16(t + 7, udp);
  t[11] = dnssec_ok ? 0x80 : 0;
  return q;
}

}  // namespace

Resolver::Resolver(const DnsConfig& cfg, ZoneIndex& index, Metrics& metrics)
    : cfg_(cfg), index_(index), metrics_(metrics), cache_(cfg.cache_size) {
  pod_zone_ = *prepend_label("pod", index_.zone());
  svc_zone_ = *prepend_label("svc", index_.zone());
  for (const auto& d : cfg.search_domains)
    if (auto w = name_from_text(d)) search_domains_.push_back(lowercase(*w));
}

Resolver::~Resolver() { *alive_ = false; }

void Resolver::shutdown() {
  shut_down_ = true;
  inflight_.clear();
}

size_t Resolver::handle(std::span<const uint8_t> in, Transport t, std::span<uint8_t> out, Responder& responder) {
  auto parsed = parse_query(in);
  if (!parsed) {
    metrics_.malformed();
    if (!parsed.error().respond) return 0;
    metrics_.response(parsed.error().rcode);
    return render_header_error(in, parsed.error().rcode, out);
  }
  const Query& q = *parsed;
  metrics_.query(t, q.qtype);
  const size_t limit = t == Transport::Udp ? std::min<size_t>(q.udp_size, cfg_.max_udp_size) : 65535;
  const uint16_t adv = cfg_.advertised_udp_size;
  auto error = [&](Rcode rc) {
    metrics_.response(rc);
    return render_error(q, true, rc, adv, out);
  };
  if (q.has_edns && q.edns_version > 0) return error(Rcode::BadVers);
  if (q.opcode != 0) return error(Rcode::NotImp);
  if (q.qclass != rrclass::IN) return error(Rcode::Refused);
  if (q.qtype == rrtype::AXFR || q.qtype == rrtype::IXFR) return error(Rcode::Refused);
  if (q.qtype == rrtype::MAILA || q.qtype == rrtype::MAILB) return error(Rcode::NotImp);

  const std::string_view name = q.lower_name();
  if (!probe_name_.empty() && name == probe_name_ && ++probe_seen_ > 2 && !loop_detected_) {
    loop_detected_ = true;
    metrics_.loop_detected();
    spdlog::error("dns: forwarding loop detected: our probe {} came back {} times; forwarding disabled",
                  name_to_text(probe_name_), probe_seen_);
  }

  const std::string_view apex = index_.apex_of(name);
  if (!apex.empty()) {
    const bool cluster = apex.size() == index_.zone().size();
    if (cluster && !synced_()) return error(Rcode::ServFail);
    auto r = index_.lookup(name, q.qtype);
    if (r.kind == ZoneIndex::Kind::Answer) {
      if (!r.response->chase_target.empty()) {
        chase(q, limit, *r.response, responder);
        return 0;
      }
      metrics_.response(r.response->rcode());
      return render(*r.response, q, {.limit = limit, .advertised_udp_size = adv}, out);
    }
    if (cluster) {
      if (r.kind == ZoneIndex::Kind::NxDomain) {
        if (size_t n = pod_answer(q, limit, out)) return n;
        if (cfg_.search_completion && complete_search(q, limit, responder)) return 0;
      }
      const Rcode rc = r.kind == ZoneIndex::Kind::NoData ? Rcode::NoError : Rcode::NxDomain;
      metrics_.response(rc);
      return render_negative(q, rc, apex.size(), index_.soa_rdata(), index_.ttl(), adv, out);
    }
    // Reverse zones: what the cluster does not know goes upstream
    // (CoreDNS's `fallthrough in-addr.arpa ip6.arpa`).
  }
  return forward(q, limit, out, responder);
}

size_t Resolver::pod_answer(const Query& q, size_t limit, std::span<uint8_t> out) {
  if (!cfg_.pods_insecure) return 0;
  const std::string_view name = q.lower_name();
  const std::string_view ns_name = parent_name(name);
  if (parent_name(ns_name) != pod_zone_ || !index_.exists(ns_name)) return 0;
  auto ip = parse_dashed_ip(first_label(name));
  if (!ip) return 0;
  const uint16_t adv = cfg_.advertised_udp_size;
  const uint16_t want = ip->is_v4() ? rrtype::A : rrtype::AAAA;
  if (q.qtype != want) {
    metrics_.response(Rcode::NoError);
    return render_negative(q, Rcode::NoError, index_.zone().size(), index_.soa_rdata(), index_.ttl(), adv, out);
  }
  MessageBuilder b(name, q.qtype, rrclass::IN, flag::AA);
  b.add(Section::Answer, name, want, rrclass::IN, index_.ttl(),
        ip->is_v4() ? rdata_a(ip->bytes.data()) : rdata_aaaa(ip->bytes.data()));
  auto resp = std::move(b).finish();
  metrics_.response(Rcode::NoError);
  return render(resp, q, {.limit = limit, .advertised_udp_size = adv}, out);
}

size_t Resolver::forward(const Query& q, size_t limit, std::span<uint8_t> out, Responder& responder) {
  char kb[kMaxNameLength + 8];
  auto key = ResponseCache::make_key(kb, q.lower_name(), q.qtype, q.qclass, q.dnssec_ok);
  if (auto hit = cache_.find(key, Clock::now())) {
    metrics_.cache_hit();
    metrics_.response(hit->response->rcode());
    return render(*hit->response, q, {.limit = limit, .age_seconds = hit->age_seconds,
                                      .advertised_udp_size = cfg_.advertised_udp_size}, out);
  }
  metrics_.cache_miss();
  auto send = responder.defer();
  upstream(q.lower_name(), q.qtype, q.dnssec_ok, false,
           [this, q, limit, send = std::move(send)](const EncodedResponse* r, uint32_t age) {
             send_rendered(send, r, q, limit, age);
           });
  return 0;
}

void Resolver::send_rendered(const std::function<void(std::span<const uint8_t>)>& send, const EncodedResponse* r,
                             const Query& q, size_t limit, uint32_t age) {
  size_t n;
  if (r && r->qname_len == q.qname_len) {
    n = render(*r, q, {.limit = limit, .age_seconds = age, .advertised_udp_size = cfg_.advertised_udp_size}, scratch_);
    metrics_.response(r->rcode());
  } else {
    n = render_error(q, true, Rcode::ServFail, cfg_.advertised_udp_size, scratch_);
    metrics_.response(Rcode::ServFail);
  }
  if (n) send({scratch_.data(), n});
}

void Resolver::upstream(std::string_view lower_qname, uint16_t qtype, bool dnssec_ok, bool bypass, UpstreamDone done) {
  char kb[kMaxNameLength + 8];
  std::string key(ResponseCache::make_key(kb, lower_qname, qtype, rrclass::IN, dnssec_ok));
  if (!bypass) {
    if (auto hit = cache_.find(key, Clock::now())) {
      metrics_.cache_hit();
      done(hit->response, hit->age_seconds);
      return;
    }
  }
  if (!forwarder_ || loop_detected_ || shut_down_ || inflight_.size() >= cfg_.max_pending_upstream) {
    done(nullptr, 0);
    return;
  }
  if (bypass) key += std::to_string(probe_seen_) + "#" + std::to_string(inflight_.size());  // never coalesce
  auto [it, fresh] = inflight_.try_emplace(key);
  it->second.push_back(std::move(done));
  if (!fresh) return;  // the same question is already on its way upstream

  const auto start = Clock::now();
  auto query = build_upstream_query(lower_qname, qtype, dnssec_ok, cfg_.advertised_udp_size);
  forwarder_->send(query, [this, alive = alive_, key, bypass, qname = std::string(lower_qname), qtype,
                           start](std::expected<std::span<const uint8_t>, int> result) {
    if (!*alive) return;
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    metrics_.upstream_result(secs, result.has_value());
    auto node = inflight_.extract(key);
    if (node.empty() || shut_down_) return;
    std::optional<CacheableAnswer> ans;
    if (result) {
      if (auto m = parse_message(*result); m && m->questions.size() == 1 && m->questions[0].type == qtype &&
                                           lowercase(m->questions[0].name) == qname) {
        ans = encode_upstream_answer(*m, qname, qtype, rrclass::IN, cfg_.cache_max_ttl, cfg_.cache_max_negative_ttl);
      } else {
        spdlog::debug("dns: unusable upstream answer for {}", name_to_text(qname));
      }
    }
    const EncodedResponse* resp = nullptr;
    if (ans && ans->ttl > 0 && !bypass) {
      cache_.insert(node.key(), std::move(ans->response), ans->ttl, Clock::now());
      if (auto hit = cache_.find(node.key(), Clock::now())) resp = hit->response;
    } else if (ans) {
      resp = &ans->response;
    }
    for (auto& w : node.mapped()) w(resp, 0);
  });
}

void Resolver::chase(const Query& q, size_t limit, const EncodedResponse& cname, Responder& responder) {
  auto m = parse_message(cname.wire);
  if (!m || m->answers.empty()) return;
  ResourceRecord first = m->answers.front();
  upstream(cname.chase_target, q.qtype, q.dnssec_ok, false,
           [this, q, limit, first, send = responder.defer()](const EncodedResponse* r, uint32_t age) {
             MessageBuilder b(q.lower_name(), q.qtype, rrclass::IN, flag::AA);
             b.add(Section::Answer, first.name, first.type, first.cls, first.ttl, first.rdata);
             Rcode rc = Rcode::ServFail;
             if (r) {
               rc = r->rcode();
               if (auto up = parse_message(r->wire)) {
                 for (const auto& a : up->answers)
                   b.add(Section::Answer, a.name, a.type, a.cls, a.ttl > age ? a.ttl - age : 0, a.rdata);
               }
             }
             b.set_rcode(rc);
             auto resp = std::move(b).finish();
             send_rendered(send, &resp, q, limit, 0);
           });
}

bool Resolver::complete_search(const Query& q, size_t limit, Responder& responder) {
  // Only the first expansion <x>.<ns>.svc.<zone> of a dotted x, with <ns>
  // an existing namespace; see the header comment.
  const std::string_view name = q.lower_name();
  if (q.qtype != rrtype::A && q.qtype != rrtype::AAAA) return false;
  const size_t tail = svc_zone_.size();
  if (name.size() <= tail || name.substr(name.size() - tail) != svc_zone_) return false;
  // Find <ns>.svc.<zone>: the last label before svc.<zone>.
  std::string_view rest = name;
  std::string_view ns_name;
  int labels = 0;
  while (rest.size() > tail) {
    if (parent_name(rest).size() == tail) ns_name = rest;
    rest = parent_name(rest);
    ++labels;
  }
  if (labels < 3 || ns_name.empty() || !index_.exists(ns_name)) return false;  // x needs a dot
  std::string base(name.substr(0, name.size() - ns_name.size()));
  base.push_back('\0');
  // The remaining cluster expansions must be NXDOMAIN for the answer to be
  // the one the client would reach.
  for (const std::string& z : {svc_zone_, index_.zone()}) {
    std::string cand = base.substr(0, base.size() - 1) + z;
    if (cand.size() > kMaxNameLength) return false;
    if (index_.lookup(cand, q.qtype).kind != ZoneIndex::Kind::NxDomain) return false;
  }
  auto walk = std::make_shared<SearchWalk>(SearchWalk{q, limit, {}, 0, responder.defer()});
  for (const auto& d : search_domains_) {
    std::string cand = base.substr(0, base.size() - 1) + d;
    if (cand.size() <= kMaxNameLength) walk->steps.push_back(std::move(cand));
  }
  walk->steps.push_back(base);
  search_step(walk);
  return true;
}

void Resolver::search_step(std::shared_ptr<SearchWalk> walk) {
  const std::string step = walk->steps[walk->i];
  upstream(step, walk->q.qtype, walk->q.dnssec_ok, false, [this, walk](const EncodedResponse* r, uint32_t age) {
    const bool found = r && r->rcode() == Rcode::NoError && r->an > 0;
    if (!found && ++walk->i < walk->steps.size()) {
      search_step(walk);
      return;
    }
    const Query& q = walk->q;
    if (!found) {
      // Negative: the plain NXDOMAIN, so the client searches on as usual.
      size_t n = render_negative(q, Rcode::NxDomain, index_.zone().size(), index_.soa_rdata(), index_.ttl(),
                                 cfg_.advertised_udp_size, scratch_);
      metrics_.response(Rcode::NxDomain);
      if (n) walk->send({scratch_.data(), n});
      return;
    }
    MessageBuilder b(q.lower_name(), q.qtype, rrclass::IN, 0);
    b.add(Section::Answer, q.lower_name(), rrtype::CNAME, rrclass::IN, index_.ttl(), walk->steps[walk->i]);
    if (auto up = parse_message(r->wire))
      for (const auto& a : up->answers)
        b.add(Section::Answer, a.name, a.type, a.cls, a.ttl > age ? a.ttl - age : 0, a.rdata);
    auto resp = std::move(b).finish();
    send_rendered(walk->send, &resp, q, walk->limit, 0);
  });
}

void Resolver::start_loop_probe() {
  if (!forwarder_ || !cfg_.loop_detect) return;
  std::random_device rd;
  std::mt19937_64 gen(rd());
  probe_name_ = *name_from_text(std::to_string(gen() >> 1) + "." + std::to_string(gen() >> 1));
  upstream(probe_name_, rrtype::HINFO, false, true, [](const EncodedResponse*, uint32_t) {});
}

}  // namespace skiff::dns
