// Which endpoints of one Service port take new flows and which only drain,
// following kube-proxy's rules: ready endpoints; if none is ready, the ones
// that are serving and terminating; other terminating ones drain. Internal
// to skiff_lb_model.
#pragma once
#include <map>
#include <span>
#include <string>
#include <vector>

#include "skiff/lb/frontends.h"

namespace skiff::lb::detail {

struct EndpointCandidate {
  bool local = false;
  bool ready = false;
  bool serving = false;
  bool terminating = false;
};

// Endpoints of one Service port, keyed (and so deduplicated) by backend
// address:port. `resolved`: some slice carried the port.
struct PortEndpoints {
  std::map<L4Addr, EndpointCandidate> by_backend;
  bool resolved = false;
};

PortEndpoints collect_port_endpoints(const kube::ServicePort& port,
                                     std::span<const kube::EndpointSlice* const> slices,
                                     const std::string& node_name);

struct BackendSelection {
  std::vector<BackendState> active;
  std::vector<BackendState> draining;
};

// local_only: the Local traffic policy's view, endpoints on this node only.
BackendSelection select_backends(const PortEndpoints& endpoints, bool local_only);

}  // namespace skiff::lb::detail
