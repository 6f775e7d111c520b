#include "synthetic_services.h"

#include <nlohmann/json.hpp>

namespace skiff::perf {

std::string ipv4_str(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." +
         std::to_string((ip >> 8) & 0xff) + "." + std::to_string(ip & 0xff);
}

namespace {
// 250 addresses per /24 (.1 to .250), so no address ends in .0 or .255.
uint32_t spread(uint32_t base, size_t index) {
  return base + static_cast<uint32_t>((index / 250) << 8) + static_cast<uint32_t>(index % 250 + 1);
}
}  // namespace

uint32_t cluster_ip_of(size_t index) { return spread(0x0a600000u, index); }  // 10.96.0.0
uint32_t lb_ip_of(size_t index) { return spread(0x0ad20000u, index); }       // 10.210.0.0

SynthEndpoint endpoint_of(const ClusterLayout& layout, size_t s, size_t e) {
  if (layout.backend_pods == 0) {
    // 10.128.0.0/9, one address per endpoint.
    return {0x0a800000u + static_cast<uint32_t>(s * layout.endpoints_per_service + e + 1), layout.target_port};
  }
  // Pod p (1-based) answers for 10.244.p.2-251 (.1 is its own address):
  // spread the services' endpoints over the pods and their addresses.
  const size_t pod = 1 + (s + e) % layout.backend_pods;
  const size_t host = 2 + (s * layout.endpoints_per_service + e) % 250;
  return {0x0af40000u + static_cast<uint32_t>(pod << 8) + static_cast<uint32_t>(host), layout.target_port};
}

std::vector<SynthService> make_services(const ClusterLayout& layout) {
  std::vector<SynthService> out;
  out.reserve(layout.services);
  for (size_t s = 0; s < layout.services; ++s) {
    SynthService svc;
    svc.ns = "perf";
    svc.name = "svc-" + std::to_string(s);
    svc.port_name = "p";
    svc.udp = layout.mixed ? s % 2 == 0 : layout.udp;
    svc.cluster_ip = cluster_ip_of(s);
    svc.lb_ip = layout.load_balancer ? lb_ip_of(s) : 0;
    svc.local_policy = layout.load_balancer && layout.local_policy;
    svc.port = layout.port;
    for (size_t e = 0; e < layout.endpoints_per_service; ++e) svc.endpoints.push_back(endpoint_of(layout, s, e));
    out.push_back(std::move(svc));
  }
  return out;
}

nlohmann::json service_manifest(const SynthService& svc) {
  nlohmann::json spec = {
      {"type", svc.lb_ip ? "LoadBalancer" : "ClusterIP"},
      {"clusterIP", ipv4_str(svc.cluster_ip)},
      {"clusterIPs", {ipv4_str(svc.cluster_ip)}},
      {"ports",
       {{{"name", svc.port_name},
         {"protocol", svc.udp ? "UDP" : "TCP"},
         {"port", svc.port},
         {"targetPort", svc.endpoints.empty() ? svc.port : svc.endpoints.front().port}}}},
  };
  nlohmann::json obj = {{"apiVersion", "v1"},
                        {"kind", "Service"},
                        {"metadata", {{"namespace", svc.ns}, {"name", svc.name}}},
                        {"spec", spec}};
  if (svc.lb_ip) {
    // No nodePorts: 10,000 services would not fit in 30000-32767.
    obj["spec"]["allocateLoadBalancerNodePorts"] = false;
    obj["spec"]["externalTrafficPolicy"] = svc.local_policy ? "Local" : "Cluster";
    obj["status"] = {{"loadBalancer", {{"ingress", {{{"ip", ipv4_str(svc.lb_ip)}}}}}}};
  }
  return obj;
}

nlohmann::json endpoint_slice_manifest(const SynthService& svc, const std::string& node_name) {
  nlohmann::json endpoints = nlohmann::json::array();
  for (const auto& ep : svc.endpoints) {
    endpoints.push_back({{"addresses", {ipv4_str(ep.ip)}},
                         {"conditions", {{"ready", true}, {"serving", true}, {"terminating", false}}},
                         {"nodeName", node_name}});
  }
  const uint16_t target = svc.endpoints.empty() ? svc.port : svc.endpoints.front().port;
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata",
           {{"namespace", svc.ns},
            {"name", svc.name + "-1"},
            {"labels", {{"kubernetes.io/service-name", svc.name}}}}},
          {"addressType", "IPv4"},
          {"endpoints", endpoints},
          {"ports", {{{"name", svc.port_name}, {"protocol", svc.udp ? "UDP" : "TCP"}, {"port", target}}}}};
}

}  // namespace skiff::perf
