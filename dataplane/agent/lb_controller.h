// Keeps the load balancer maps equal to what the ObjectCache says: on each
// commit it recomputes only the services whose Service or EndpointSlices
// changed, and hands the result to the writer. Problems in objects are logged
// with the object's namespace/name; other services are unaffected.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "lb_map_writer.h"
#include "skiff/kube/object_cache.h"
#include "skiff/lb/frontends.h"

namespace skiff::agent {

struct LbSyncStats {
  uint64_t syncs = 0;
  uint64_t services_applied = 0;
  uint64_t errors = 0;  // map full and the like (also logged)
  double last_sync_seconds = 0;
};

class LbController {
 public:
  LbController(kube::ObjectCache& cache, lb::LbMapWriter& writer, lb::NodeInfo node);
  const LbSyncStats& stats() const { return stats_; }
  // Frontends this node answers itself (the cluster DNS address): never
  // programmed, whatever Service claims them. Set before the first sync.
  void serve_locally(std::vector<lb::L4Addr> frontends) { local_ = std::move(frontends); }

 private:
  void on_events(const kube::ObjectCache& cache, const std::vector<kube::ObjectEvent>& events);
  void sync_service(const kube::ObjectCache& cache, const std::string& key);

  lb::LbMapWriter& writer_;
  lb::NodeInfo node_;
  std::vector<lb::L4Addr> local_;
  bool initial_sync_done_ = false;
  LbSyncStats stats_;
};

}  // namespace skiff::agent
