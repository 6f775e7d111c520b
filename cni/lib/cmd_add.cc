// ADD: lease an address, create and wire the veth pair, tell the agent.
#include <spdlog/spdlog.h>

#include "cni/lib/agent_client.h"
#include "cni/lib/commands.h"
#include "cni/lib/endpoint.h"
#include "cni/lib/ipam.h"
#include "cni/lib/netlink.h"
#include "cni/lib/netns.h"
#include "cni/lib/pod_network.h"
#include "cni/lib/result.h"
#include "cni/lib/undo_stack.h"
#include "cni/lib/veth_name.h"

namespace skiff::cni {

Result<nlohmann::json> cmd_add(const Environment& env, const NetConf& conf) {
  auto netns = Netns::open(env.netns);
  if (!netns) return std::unexpected(netns.error());
  auto pod_nl = Netlink::open_in(netns->fd());
  if (!pod_nl) return std::unexpected(pod_nl.error());
  auto host_nl = Netlink::open();
  if (!host_nl) return std::unexpected(host_nl.error());

  auto existing = pod_nl->link(env.ifname);
  if (!existing) return std::unexpected(existing.error());
  if (*existing)
    return fail(ErrorCode::kInvalidEnvironment,
                "CNI_IFNAME " + env.ifname + " already exists in network namespace " + env.netns,
                "the spec requires ADD to fail rather than reuse an existing interface");

  auto ipam = Ipam::open(conf.ranges, conf.lease_dir());
  if (!ipam) return std::unexpected(ipam.error());

  // Every step below that changes state pushes its undo; a return before
  // commit() runs them. Declared after the handles the undos use, so they
  // are still open then; the undos capture everything else by value.
  UndoStack undo;

  auto alloc = ipam->allocate(env.container_id, env.ifname);
  if (!alloc) return std::unexpected(alloc.error());
  // A lease this ADD did not create belongs to an earlier ADD of the same
  // attachment; leave it for that attachment's DEL.
  if (alloc->created)
    undo.push([&ipam, &env, ip = alloc->lease.ip] {
      if (auto r = ipam->release(env.container_id, env.ifname); !r)
        spdlog::error("rollback: cannot release {}: {}", ip.str(), r.error().msg);
    });

  PodNetworkSpec spec{host_veth_name(env.container_id, env.ifname), env.ifname, conf.mtu, alloc->lease.ip,
                      alloc->range.gateway, conf.routes};

  // The pod end is absent (checked above), so a host end of this name is
  // what a crashed ADD of the same attachment left: remove it and go on.
  // No live ADD can own it: runtimes never run two operations for one
  // container at once (SPEC.md, "Lifecycle & Ordering").
  if (auto stale = host_nl->link(spec.host_ifname); stale && *stale) {
    spdlog::warn("removing stale host veth {} left by an earlier ADD of {}/{}", spec.host_ifname, env.container_id,
                 env.ifname);
    if (auto d = host_nl->delete_link(spec.host_ifname); !d) return std::unexpected(d.error());
  }

  undo.push([&host_nl, name = spec.host_ifname] {
    if (auto d = host_nl->delete_link(name); !d) spdlog::error("rollback: cannot delete {}: {}", name, d.error().msg);
  });
  auto net = setup_pod_network(*host_nl, *pod_nl, *netns, spec);
  if (!net) return std::unexpected(with_context(net.error(), "setting up " + env.ifname + ": "));

  if (!conf.agent_socket.empty()) {
    AgentClient agent(conf.agent_socket, conf.agent_timeout_ms);
    if (auto s = agent.register_endpoint(make_endpoint(env, conf, *net, spec.gateway)); !s)
      return std::unexpected(s.error());
  }

  CniResult result;
  result.interfaces.push_back({net->host.name, net->host.mac, "", net->host.mtu});
  result.interfaces.push_back({net->pod.name, net->pod.mac, env.netns, net->pod.mtu});
  result.ips.push_back({net->pod_address, spec.gateway, 1});
  for (const auto& r : net->routes) result.routes.push_back({r.dst, r.gw});
  result.dns = conf.dns;

  undo.commit();
  spdlog::info("ADD {}/{}: {} on {} (host {})", env.container_id, env.ifname, net->pod_address.str(), net->pod.name,
               net->host.name);
  if (conf.prev_result) return merge_into_prev_result(*conf.prev_result, result, conf.cni_version);
  return encode_result(result, conf.cni_version);
}

}  // namespace skiff::cni
