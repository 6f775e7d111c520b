// Pure functions from Kubernetes objects to what the BPF maps must hold: the
// frontends of a Service, each with the backends that take new flows and the
// terminating ones that only drain. No kernel, no I/O: unit-testable as is.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "skiff/kube/objects.h"
#include "skiff/kube/parse.h"

namespace skiff::lb {

// Address and port in network byte order, as the maps hold them.
struct L4Addr {
  uint32_t addr_be = 0;
  uint16_t port_be = 0;
  uint8_t proto = 0;  // SKIFF_PROTO_*
  auto operator<=>(const L4Addr&) const = default;
  std::string str() const;  // "10.96.0.10:53/udp"
};

struct BackendState {
  L4Addr addr;
  bool local = false;        // the endpoint's nodeName is this node
  bool terminating = false;  // serving-and-terminating fallback or draining
  auto operator<=>(const BackendState&) const = default;
};

struct FrontendState {
  L4Addr key;
  std::string service;    // "ns/name"
  std::string port_name;  // the Service port's name ("" when unnamed)
  uint16_t flags = 0;     // SKIFF_SVC_F_*
  uint32_t affinity_timeout = 0;
  std::vector<BackendState> active;    // take new flows; sorted, no duplicates
  std::vector<BackendState> draining;  // terminating, not in `active`: existing flows only
  bool operator==(const FrontendState&) const = default;
};

struct NodeInfo {
  std::string name;                      // matched against endpoints' nodeName
  std::vector<net::IpAddr> addresses;    // NodePort frontends answer on these
};

struct ServiceFrontends {
  std::vector<FrontendState> frontends;  // sorted by key
  std::vector<kube::ParseError> problems;  // e.g. a named targetPort no slice resolves
};

// Slices not labelled for this service (same namespace, service-name label)
// are ignored. Frontends and backends are IPv4 only (the map ABI is); IPv6
// ones are skipped silently, SCTP ports with a problem.
ServiceFrontends compute_frontends(const kube::Service& service,
                                   std::span<const kube::EndpointSlice* const> slices,
                                   const NodeInfo& node);

}  // namespace skiff::lb
