// STATUS (can ADD succeed now?) and GC (drop what the runtime no longer knows).
#include <spdlog/spdlog.h>

#include "cni/lib/agent_client.h"
#include "cni/lib/commands.h"
#include "cni/lib/ipam.h"
#include "cni/lib/netlink.h"
#include "cni/lib/veth_name.h"

namespace skiff::cni {

Status cmd_status(const NetConf& conf) {
  auto ipam = Ipam::open(conf.ranges, conf.lease_dir());
  if (!ipam)
    return fail(ErrorCode::kNotAvailable, "lease store " + conf.lease_dir() + " is not usable: " + ipam.error().msg);
  auto free = ipam->free_count();
  if (!free)
    return fail(ErrorCode::kNotAvailable, "lease store " + conf.lease_dir() + " is not readable: " + free.error().msg);
  if (*free == 0) return fail(ErrorCode::kNotAvailable, "no free pod address left in the configured ranges");

  // With an agent configured, ADD needs it (it attaches the data plane), so
  // readiness is the agent's own answer; a missing socket is "not ready".
  if (!conf.agent_socket.empty()) {
    AgentClient agent(conf.agent_socket, conf.agent_timeout_ms);
    auto st = agent.status();
    if (!st) return fail(ErrorCode::kNotAvailable, st.error().msg, st.error().details);
    if (!st->ready)
      return fail(ErrorCode::kNotAvailable, "skiff agent is not ready" + (st->reason.empty() ? "" : ": " + st->reason));
  }
  return {};
}

Status cmd_gc(const NetConf& conf) {
  // Without the list we cannot tell live attachments from stale ones: do nothing rather than everything.
  if (!conf.valid_attachments) {
    spdlog::warn("GC without cni.dev/valid-attachments: nothing released");
    return {};
  }
  auto ipam = Ipam::open(conf.ranges, conf.lease_dir());
  if (!ipam) return std::unexpected(ipam.error());
  auto released = ipam->gc(*conf.valid_attachments);
  if (!released) return std::unexpected(released.error());

  auto host_nl = Netlink::open();
  std::optional<AgentClient> agent;
  if (!conf.agent_socket.empty()) agent.emplace(conf.agent_socket, conf.agent_timeout_ms);
  // GC goes on past errors (SPEC.md): one stuck attachment must not keep the rest.
  for (const auto& lease : *released) {
    spdlog::info("GC: released {} of {}/{}", lease.ip.str(), lease.container_id, lease.ifname);
    if (lease.corrupt) continue;
    std::string host_ifname = host_veth_name(lease.container_id, lease.ifname);
    if (host_nl) {
      if (auto d = host_nl->delete_link(host_ifname); !d) spdlog::warn("GC: {}", d.error().msg);
    }
    if (agent) {
      v1::UnregisterRequest req;
      req.set_container_id(lease.container_id);
      req.set_ifname(lease.ifname);
      req.set_network_name(conf.name);
      req.set_host_ifname(host_ifname);
      req.add_pod_ips(Ipv4Cidr{lease.ip, 32}.str());
      if (auto s = agent->unregister_endpoint(req); !s) spdlog::warn("GC: {}", s.error().msg);
    }
  }
  return {};
}

}  // namespace skiff::cni
