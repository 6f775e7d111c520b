// Cache of forwarded answers, positive and negative (RFC 2308), bounded by
// entry count (LRU) and by TTL caps like CoreDNS's `cache 30`. Entries keep
// the encoded answer; hits are rendered with TTLs aged by the time spent
// in the cache.
#pragma once
#include <chrono>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "skiff/dns/encoded_response.h"
#include "skiff/dns/zone_index.h"

namespace skiff::dns {

using Clock = std::chrono::steady_clock;

// An upstream answer re-encoded for the cache: its records with TTLs capped
// at `ttl`, the time it may be cached (0: do not cache, e.g. SERVFAIL).
struct CacheableAnswer {
  EncodedResponse response;
  uint32_t ttl = 0;
};
std::optional<CacheableAnswer> encode_upstream_answer(const Message& m, std::string_view qname, uint16_t qtype,
                                                      uint16_t qclass, uint32_t max_ttl, uint32_t max_negative_ttl);

class ResponseCache {
 public:
  ResponseCache(size_t capacity) : capacity_(capacity) {}

  struct Hit {
    const EncodedResponse* response;
    uint32_t age_seconds;
  };
  // Key: lowercase qname + type + class + DO bit (see make_key).
  std::optional<Hit> find(std::string_view key, Clock::time_point now);
  void insert(std::string key, EncodedResponse r, uint32_t ttl, Clock::time_point now);
  size_t size() const { return map_.size(); }

  // Writes the key into `buf` (>= 260 bytes) and returns its view.
  static std::string_view make_key(char* buf, std::string_view lower_qname, uint16_t qtype, uint16_t qclass,
                                   bool dnssec_ok);

 private:
  struct Node {
    std::string key;
    EncodedResponse response;
    Clock::time_point stored;
    Clock::time_point expires;
  };
  size_t capacity_;
  std::list<Node> lru_;  // front = most recently used
  std::unordered_map<std::string_view, std::list<Node>::iterator, StringHash, std::equal_to<>> map_;
};

}  // namespace skiff::dns
