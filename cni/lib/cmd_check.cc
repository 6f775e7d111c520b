// CHECK: the pod's interface, addresses and routes from prevResult that this
// plugin created are still in place, and so are the untracked parts (the
// host veth and its route, the lease).
#include <linux/rtnetlink.h>

#include <algorithm>

#include "cni/lib/commands.h"
#include "cni/lib/ipam.h"
#include "cni/lib/netlink.h"
#include "cni/lib/netns.h"
#include "cni/lib/result.h"
#include "cni/lib/veth_name.h"

namespace skiff::cni {
namespace {

std::unexpected<Error> mismatch(std::string msg, std::string details = {}) {
  return fail(ErrorCode::kCheckFailed, "CHECK failed: " + std::move(msg), std::move(details));
}

bool has_route(const std::vector<RouteInfo>& routes, Ipv4Cidr dst, std::optional<Ipv4> gw, int oif) {
  return std::ranges::any_of(routes, [&](const RouteInfo& r) {
    return r.dst == dst && r.oif == oif && (!gw || (r.gw && *r.gw == *gw));
  });
}

}  // namespace

Status cmd_check(const Environment& env, const NetConf& conf) {
  if (!conf.prev_result)
    return fail(ErrorCode::kInvalidConfig, "invalid network config: CHECK needs \"prevResult\"");
  auto prev = decode_result(*conf.prev_result);
  if (!prev) return std::unexpected(prev.error());

  // Our pod interface in prevResult: the one named CNI_IFNAME inside a sandbox.
  auto ours = std::ranges::find_if(prev->interfaces,
                                   [&](const ResultInterface& i) { return i.name == env.ifname && !i.sandbox.empty(); });
  if (ours == prev->interfaces.end())
    return mismatch("prevResult has no interface " + env.ifname + " in a sandbox");
  int our_index = static_cast<int>(ours - prev->interfaces.begin());

  auto netns = Netns::open(env.netns);
  if (!netns) return std::unexpected(netns.error());
  auto pod_nl = Netlink::open_in(netns->fd());
  if (!pod_nl) return std::unexpected(pod_nl.error());
  auto host_nl = Netlink::open();
  if (!host_nl) return std::unexpected(host_nl.error());

  auto pod = pod_nl->link(env.ifname);
  if (!pod) return std::unexpected(pod.error());
  if (!*pod) return mismatch("interface " + env.ifname + " is missing from " + env.netns);
  if (!ours->mac.empty() && (*pod)->mac != ours->mac)
    return mismatch("interface " + env.ifname + " has MAC " + (*pod)->mac + ", prevResult says " + ours->mac);
  if ((*pod)->kind != "veth") return mismatch("interface " + env.ifname + " is a " + (*pod)->kind + ", not a veth");
  if (!(*pod)->up) return mismatch("interface " + env.ifname + " is down");
  if ((*pod)->mtu != conf.mtu)
    return mismatch("interface " + env.ifname + " has MTU " + std::to_string((*pod)->mtu) + ", config says " +
                    std::to_string(conf.mtu));

  std::string host_ifname = host_veth_name(env.container_id, env.ifname);
  auto host = host_nl->link(host_ifname);
  if (!host) return std::unexpected(host.error());
  if (!*host) return mismatch("host veth " + host_ifname + " is missing");
  if (!(*host)->up) return mismatch("host veth " + host_ifname + " is down");

  auto addrs = pod_nl->addresses();
  if (!addrs) return std::unexpected(addrs.error());
  auto pod_routes = pod_nl->routes();
  if (!pod_routes) return std::unexpected(pod_routes.error());
  auto host_routes = host_nl->routes();
  if (!host_routes) return std::unexpected(host_routes.error());

  std::vector<Ipv4> our_ips;
  for (const auto& ip : prev->ips) {
    if (ip.interface != our_index) continue;  // another plugin's address
    our_ips.push_back(ip.address.addr);
    bool present = std::ranges::any_of(
        *addrs, [&](const AddrInfo& a) { return a.index == (*pod)->index && a.addr == ip.address; });
    if (!present) return mismatch("address " + ip.address.str() + " is missing from " + env.ifname);
    if (!has_route(*host_routes, Ipv4Cidr{ip.address.addr, 32}, std::nullopt, (*host)->index))
      return mismatch("host route " + ip.address.addr.str() + "/32 dev " + host_ifname + " is missing");
    if (ip.gateway && !has_route(*pod_routes, Ipv4Cidr{*ip.gateway, 32}, std::nullopt, (*pod)->index))
      return mismatch("route to the gateway " + ip.gateway->str() + " dev " + env.ifname + " is missing");
  }
  if (our_ips.empty()) return mismatch("prevResult has no address on " + env.ifname);

  // Only the routes our config adds; later plugins may have added their own to prevResult.
  for (const auto& r : prev->routes) {
    bool configured = std::ranges::any_of(conf.routes, [&](const RouteSpec& s) { return s.dst == r.dst; });
    if (!configured) continue;
    if (!has_route(*pod_routes, r.dst, r.gw, (*pod)->index))
      return mismatch("route " + r.dst.str() + (r.gw ? " via " + r.gw->str() : "") + " is missing from " + env.netns);
  }

  auto ipam = Ipam::open(conf.ranges, conf.lease_dir());
  if (!ipam) return std::unexpected(ipam.error());
  auto lease = ipam->find(env.container_id, env.ifname);
  if (!lease) return std::unexpected(lease.error());
  if (!*lease) return mismatch("no address is leased to " + env.container_id + "/" + env.ifname);
  if (std::ranges::find(our_ips, (*lease)->ip) == our_ips.end())
    return mismatch("leased address " + (*lease)->ip.str() + " is not the one in prevResult");
  return {};
}

}  // namespace skiff::cni
