// The query pipeline shared by the UDP and TCP listeners: parse, answer
// cluster names from the ZoneIndex, answer pod names (`pods insecure`),
// forward everything else through the cache and the Forwarder.
//
// Hot path (cluster name or cache hit): parse into a stack Query, one hash
// lookup, copy the prepared bytes, patch id/flags/question: no allocation.
//
// Search-path expansions (ndots:5): a pod resolving "example.com" first asks
// example.com.<ns>.svc.<zone>, example.com.svc.<zone>, example.com.<zone>.
// All are inside the cluster zone, so they are answered NXDOMAIN from the
// index at once, without any upstream round trip; that alone removes the
// upstream amplification. With `search_completion: true` the server goes
// further on the *first* expansion (<x>.<ns>.svc.<zone>, x with a dot, ns an
// existing namespace): it checks the remaining cluster expansions in the
// index, then resolves x (through the node's search domains first, in the
// client's order) and, if found, answers "<query> CNAME <found>" plus the
// found records, so the client is done in one round trip. Unlike CoreDNS
// autopath it needs no pod-IP-to-namespace mapping (the namespace is in the
// query name, so IP reuse cannot give the wrong namespace) and a negative
// result is answered with the plain NXDOMAIN, so the client continues its
// own search normally and every later step is a cache or index hit.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "skiff/dns/config.h"
#include "skiff/dns/forwarder.h"
#include "skiff/dns/metrics.h"
#include "skiff/dns/response_cache.h"
#include "skiff/dns/zone_index.h"

namespace skiff::dns {

// How an answer that is not ready at once (forwarded) reaches the client.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual std::function<void(std::span<const uint8_t>)> defer() = 0;
};

class Resolver {
 public:
  Resolver(const DnsConfig& cfg, ZoneIndex& index, Metrics& metrics);
  ~Resolver();

  void set_forwarder(Forwarder* f) { forwarder_ = f; }
  void set_synced(std::function<bool()> synced) { synced_ = std::move(synced); }

  // Handles one request. Returns the size of the answer written to `out`,
  // or 0 when nothing is to be sent now (dropped, or answered later through
  // `responder`).
  size_t handle(std::span<const uint8_t> request, Transport t, std::span<uint8_t> out, Responder& responder);

  // Sends the loop-detection probe (CoreDNS `loop`): a random name that
  // must never come back to us through the upstreams.
  void start_loop_probe();
  bool loop_detected() const { return loop_detected_; }

  // Drops waiters before the forwarder goes away.
  void shutdown();
  size_t pending_upstream() const { return inflight_.size(); }
  ResponseCache& cache() { return cache_; }

 private:
  using UpstreamDone = std::function<void(const EncodedResponse*, uint32_t age)>;
  struct SearchWalk {
    Query q;
    size_t limit;
    std::vector<std::string> steps;  // wire names, in the client's search order
    size_t i = 0;
    std::function<void(std::span<const uint8_t>)> send;
  };

  size_t forward(const Query& q, size_t limit, std::span<uint8_t> out, Responder& responder);
  size_t pod_answer(const Query& q, size_t limit, std::span<uint8_t> out);
  void chase(const Query& q, size_t limit, const EncodedResponse& cname, Responder& responder);
  bool complete_search(const Query& q, size_t limit, Responder& responder);
  void search_step(std::shared_ptr<SearchWalk> walk);
  void upstream(std::string_view lower_qname, uint16_t qtype, bool dnssec_ok, bool bypass_cache, UpstreamDone done);
  void send_rendered(const std::function<void(std::span<const uint8_t>)>& send, const EncodedResponse* r,
                     const Query& q, size_t limit, uint32_t age);

  const DnsConfig& cfg_;
  ZoneIndex& index_;
  Metrics& metrics_;
  ResponseCache cache_;
  Forwarder* forwarder_ = nullptr;
  std::function<bool()> synced_ = [] { return true; };
  std::string pod_zone_;  // pod.<zone>
  std::string svc_zone_;  // svc.<zone>
  std::vector<std::string> search_domains_;  // wire form
  std::unordered_map<std::string, std::vector<UpstreamDone>> inflight_;
  std::string probe_name_;
  int probe_seen_ = 0;
  bool loop_detected_ = false;
  bool shut_down_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::array<uint8_t, 65535> scratch_{};
};

}  // namespace skiff::dns
