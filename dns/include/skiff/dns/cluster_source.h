// Keeps a ZoneIndex in step with an ObjectCache: builds everything once,
// then on each commit refreshes only the services, pods and namespaces the
// events name (an EndpointSlice event refreshes its one service).
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "skiff/dns/zone_index.h"
#include "skiff/kube/object_cache.h"

namespace skiff::dns {

class ClusterSource {
 public:
  ClusterSource(kube::ObjectCache& cache, ZoneIndex& index);
  ~ClusterSource();
  ClusterSource(const ClusterSource&) = delete;
  ClusterSource& operator=(const ClusterSource&) = delete;

 private:
  struct State;
  // Shared with the cache's listener, which outlives us (ObjectCache has no
  // unsubscribe): the listener holds a weak reference.
  std::shared_ptr<State> state_;
};

}  // namespace skiff::dns
