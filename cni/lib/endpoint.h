// What the agent is told about an attachment, from the plugin's own facts.
#pragma once
#include <string>

#include "cni/lib/config.h"
#include "cni/lib/environment.h"
#include "cni/lib/pod_network.h"
#include "cni/proto/endpoint_registry.pb.h"

namespace skiff::cni {

v1::Endpoint make_endpoint(const Environment& env, const NetConf& conf, const PodNetwork& net, Ipv4 gateway);
v1::UnregisterRequest make_unregister(const Environment& env, const NetConf& conf, const std::string& host_ifname,
                                      const std::vector<std::string>& pod_ips);

}  // namespace skiff::cni
