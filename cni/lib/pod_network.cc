#include "cni/lib/pod_network.h"

#include <linux/rtnetlink.h>

namespace skiff::cni {

std::vector<RouteInfo> pod_routes(const PodNetworkSpec& spec, int pod_index) {
  std::vector<RouteInfo> out;
  for (const auto& r : spec.routes) {
    RouteInfo route;
    route.dst = r.dst;
    route.gw = r.gw.value_or(spec.gateway);
    route.oif = pod_index;
    route.scope = RT_SCOPE_UNIVERSE;
    out.push_back(route);
  }
  return out;
}

Result<PodNetwork> setup_pod_network(Netlink& host_nl, Netlink& pod_nl, const Netns& netns, const PodNetworkSpec& spec) {
  if (auto s = host_nl.create_veth(spec.host_ifname, spec.pod_ifname, netns.fd(), spec.mtu); !s)
    return std::unexpected(s.error());

  auto host = host_nl.link(spec.host_ifname);
  if (!host) return std::unexpected(host.error());
  auto pod = pod_nl.link(spec.pod_ifname);
  if (!pod) return std::unexpected(pod.error());
  if (!*host || !*pod)
    return fail(ErrorCode::kNetlink, "veth pair " + spec.host_ifname + " / " + spec.pod_ifname + " vanished after creation");

  PodNetwork net{**host, **pod, Ipv4Cidr{spec.pod_ip, 32}, {}};
  int pod_index = net.pod.index;

  // Pod side first: the host-side route needs the link up, and the link only
  // gets carrier once both ends are up.
  if (auto s = pod_nl.set_up(pod_index); !s) return std::unexpected(s.error());
  if (auto s = pod_nl.add_address(pod_index, net.pod_address); !s) return std::unexpected(s.error());
  RouteInfo to_gateway{Ipv4Cidr{spec.gateway, 32}, std::nullopt, pod_index, RT_SCOPE_LINK, std::nullopt};
  if (auto s = pod_nl.add_route(to_gateway); !s) return std::unexpected(s.error());
  net.routes = pod_routes(spec, pod_index);
  for (const auto& r : net.routes)
    if (auto s = pod_nl.add_route(r); !s) return std::unexpected(s.error());

  int host_index = net.host.index;
  if (auto s = host_nl.add_address(host_index, Ipv4Cidr{spec.gateway, 32}); !s) return std::unexpected(s.error());
  if (auto s = host_nl.set_up(host_index); !s) return std::unexpected(s.error());
  RouteInfo to_pod{Ipv4Cidr{spec.pod_ip, 32}, std::nullopt, host_index, RT_SCOPE_LINK, std::nullopt};
  if (auto s = host_nl.add_route(to_pod); !s) return std::unexpected(s.error());

  // Re-read for the final state (MACs are set by the kernel, flags changed).
  if (auto h = host_nl.link(host_index); h && *h) net.host = **h;
  if (auto p = pod_nl.link(pod_index); p && *p) net.pod = **p;
  return net;
}

}  // namespace skiff::cni
