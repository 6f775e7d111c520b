#include "skiff/dns/response_cache.h"

#include <algorithm>
#include <cstring>

#include "skiff/dns/message_builder.h"

namespace skiff::dns {

std::optional<CacheableAnswer> encode_upstream_answer(const Message& m, std::string_view qname, uint16_t qtype,
                                                      uint16_t qclass, uint32_t max_ttl, uint32_t max_negative_ttl) {
  if (m.questions.size() != 1) return std::nullopt;
  const Rcode rc = m.rcode();
  // Our answer is not authoritative; keep AD only as the upstream set it.
  MessageBuilder b(qname, qtype, qclass, static_cast<uint16_t>(m.flags & flag::AD));
  b.set_rcode(static_cast<uint8_t>(rc) < 16 ? rc : Rcode::ServFail);

  uint32_t ttl = UINT32_MAX;
  const bool positive = rc == Rcode::NoError && !m.answers.empty();
  const bool negative = rc == Rcode::NxDomain || (rc == Rcode::NoError && m.answers.empty());
  if (positive) {
    for (const auto& r : m.answers) ttl = std::min(ttl, r.ttl);
    ttl = std::min(ttl, max_ttl);
  } else if (negative) {
    ttl = std::min<uint32_t>(max_negative_ttl, 5);  // no SOA: cache briefly
    for (const auto& r : m.authority) {
      if (r.type != rrtype::SOA || r.rdata.size() < 22) continue;
      uint32_t minimum = get32(reinterpret_cast<const uint8_t*>(r.rdata.data()) + r.rdata.size() - 4);
      ttl = std::min({r.ttl, minimum, max_negative_ttl});
    }
  } else {
    ttl = 0;  // SERVFAIL, REFUSED, ...: relay, never cache
  }
  // Records carry at most the cache lifetime so ageing stays consistent.
  auto add_all = [&](Section s, const std::vector<ResourceRecord>& rs) {
    for (const auto& r : rs) b.add(s, r.name, r.type, r.cls, ttl ? std::min(r.ttl, ttl) : r.ttl, r.rdata);
  };
  add_all(Section::Answer, m.answers);
  add_all(Section::Authority, m.authority);
  add_all(Section::Additional, m.additional);
  return CacheableAnswer{std::move(b).finish(), ttl};
}

std::string_view ResponseCache::make_key(char* buf, std::string_view lower_qname, uint16_t qtype, uint16_t qclass,
                                         bool dnssec_ok) {
  std::memcpy(buf, lower_qname.data(), lower_qname.size());
  size_t n = lower_qname.size();
  put16(reinterpret_cast<uint8_t*>(buf + n), qtype);
  put16(reinterpret_cast<uint8_t*>(buf + n + 2), qclass);
  buf[n + 4] = dnssec_ok ? 1 : 0;
  return {buf, n + 5};
}

std::optional<ResponseCache::Hit> ResponseCache::find(std::string_view key, Clock::time_point now) {
  auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  auto node = it->second;
  if (now >= node->expires) {
    map_.erase(it);
    lru_.erase(node);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, node);
  auto age = std::chrono::duration_cast<std::chrono::seconds>(now - node->stored).count();
  return Hit{&node->response, static_cast<uint32_t>(age)};
}

void ResponseCache::insert(std::string key, EncodedResponse r, uint32_t ttl, Clock::time_point now) {
  if (ttl == 0 || capacity_ == 0) return;
  if (auto it = map_.find(key); it != map_.end()) {
    lru_.erase(it->second);
    map_.erase(it);
  }
  while (map_.size() >= capacity_ && !lru_.empty()) {
    map_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(Node{std::move(key), std::move(r), now, now + std::chrono::seconds(ttl)});
  map_.emplace(lru_.front().key, lru_.begin());
}

}  // namespace skiff::dns
