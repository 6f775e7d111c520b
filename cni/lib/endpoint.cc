#include "cni/lib/endpoint.h"

namespace skiff::cni {

v1::Endpoint make_endpoint(const Environment& env, const NetConf& conf, const PodNetwork& net, Ipv4 gateway) {
  v1::Endpoint ep;
  ep.set_container_id(env.container_id);
  ep.set_ifname(env.ifname);
  ep.set_netns_path(env.netns);
  ep.set_host_ifname(net.host.name);
  ep.set_host_ifindex(static_cast<uint32_t>(net.host.index));
  ep.set_host_mac(net.host.mac);
  ep.set_pod_mac(net.pod.mac);
  ep.add_pod_ips(net.pod_address.str());
  ep.set_gateway(gateway.str());
  ep.set_mtu(static_cast<uint32_t>(conf.mtu));
  // Set by kubelet/containerd; absent when another runtime (or a test) calls us.
  ep.set_pod_namespace(env.arg("K8S_POD_NAMESPACE"));
  ep.set_pod_name(env.arg("K8S_POD_NAME"));
  ep.set_pod_uid(env.arg("K8S_POD_UID"));
  ep.set_network_name(conf.name);
  return ep;
}

v1::UnregisterRequest make_unregister(const Environment& env, const NetConf& conf, const std::string& host_ifname,
                                      const std::vector<std::string>& pod_ips) {
  v1::UnregisterRequest req;
  req.set_container_id(env.container_id);
  req.set_ifname(env.ifname);
  req.set_network_name(conf.name);
  req.set_host_ifname(host_ifname);
  for (const auto& ip : pod_ips) req.add_pod_ips(ip);
  return req;
}

}  // namespace skiff::cni
