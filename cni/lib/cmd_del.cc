// DEL: best effort and idempotent. Everything is found from (container id,
// ifname) alone, so it works with an empty prevResult, after the netns is
// gone (the kernel then already removed the veth pair) and when repeated.
#include <spdlog/spdlog.h>

#include "cni/lib/agent_client.h"
#include "cni/lib/commands.h"
#include "cni/lib/endpoint.h"
#include "cni/lib/ipam.h"
#include "cni/lib/netlink.h"
#include "cni/lib/veth_name.h"

namespace skiff::cni {

Status cmd_del(const Environment& env, const NetConf& conf) {
  std::string host_ifname = host_veth_name(env.container_id, env.ifname);

  // Deleting the host end removes the pod end too, wherever the netns is.
  auto host_nl = Netlink::open();
  if (!host_nl) return std::unexpected(host_nl.error());
  auto deleted = host_nl->delete_link(host_ifname);
  if (!deleted) return std::unexpected(deleted.error());  // the runtime retries DEL
  if (!*deleted) spdlog::info("DEL {}/{}: no host veth {}", env.container_id, env.ifname, host_ifname);

  auto ipam = Ipam::open(conf.ranges, conf.lease_dir());
  if (!ipam) return std::unexpected(ipam.error());
  auto released = ipam->release(env.container_id, env.ifname);
  if (!released) return std::unexpected(released.error());

  if (!conf.agent_socket.empty()) {
    std::vector<std::string> ips;
    for (const auto& l : *released) ips.push_back(Ipv4Cidr{l.ip, 32}.str());
    AgentClient agent(conf.agent_socket, conf.agent_timeout_ms);
    // Not fatal: an agent that was down reconciles from links and leases when it starts.
    if (auto s = agent.unregister_endpoint(make_unregister(env, conf, host_ifname, ips)); !s)
      spdlog::warn("DEL {}/{}: {}", env.container_id, env.ifname, s.error().msg);
  }
  return {};
}

}  // namespace skiff::cni
