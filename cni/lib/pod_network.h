// The routed point-to-point wiring of one pod (as Cilium and the ptp plugin do):
//   pod:  <ifname> with <pod ip>/32, "<gateway> dev <ifname> scope link",
//         then the configured routes (default: "default via <gateway>")
//   node: <host veth> with <gateway>/32 (the same address on every pod's veth,
//         so the pod's ARP for its gateway is answered), "<pod ip>/32 dev <host veth>"
#pragma once
#include <string>
#include <vector>

#include "cni/lib/config.h"
#include "cni/lib/error.h"
#include "cni/lib/netlink.h"
#include "cni/lib/netns.h"

namespace skiff::cni {

struct PodNetworkSpec {
  std::string host_ifname;
  std::string pod_ifname;
  int mtu = 1500;
  Ipv4 pod_ip;
  Ipv4 gateway;
  std::vector<RouteSpec> routes;
};

struct PodNetwork {
  LinkInfo host;
  LinkInfo pod;
  Ipv4Cidr pod_address;
  std::vector<RouteInfo> routes;  // the configured routes as installed in the pod
};

// Creates and configures both ends. On failure part of it may exist: the
// caller undoes it by deleting host_ifname, which removes the pair.
Result<PodNetwork> setup_pod_network(Netlink& host_nl, Netlink& pod_nl, const Netns& netns, const PodNetworkSpec& spec);

// The routes the pod gets for spec.routes, gateway filled in.
std::vector<RouteInfo> pod_routes(const PodNetworkSpec& spec, int pod_index);

}  // namespace skiff::cni
