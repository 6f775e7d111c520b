// A synthetic cluster for the data-plane benchmarks: N services with their
// endpoints, rendered three ways from the same description so every mode is
// programmed with the same thing: Kubernetes manifests (what Skiff reads),
// and the rules kube-proxy's iptables and nftables modes would write
// (kube_proxy_rules.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace skiff::perf {

struct SynthEndpoint {
  uint32_t ip = 0;  // host byte order
  uint16_t port = 0;
};

struct SynthService {
  std::string ns;
  std::string name;
  std::string port_name;
  bool udp = false;
  uint32_t cluster_ip = 0;
  uint32_t lb_ip = 0;  // 0: a ClusterIP service; else a LoadBalancer with this ingress IP
  bool local_policy = false;  // externalTrafficPolicy: Local (LoadBalancer only)
  uint16_t port = 0;
  std::vector<SynthEndpoint> endpoints;
};

struct ClusterLayout {
  size_t services = 10000;
  size_t endpoints_per_service = 10;
  bool udp = false;
  bool mixed = false;  // even-numbered services UDP, odd ones TCP (overrides udp)
  bool load_balancer = false;  // LoadBalancer services (ingress IP 10.210.x.y, no nodePorts)
  bool local_policy = false;
  uint16_t port = 80;
  uint16_t target_port = 8080;
  // 0: every endpoint has its own address (10.128.0.0/9). Otherwise the
  // endpoints live in this many backend pods, pod p (1..P) owning 10.244.p.0/24.
  size_t backend_pods = 0;
  std::string node_name = "perf-node";
  std::string pod_cidr = "10.244.0.0/16";  // kube-proxy's --cluster-cidr
};

std::string ipv4_str(uint32_t ip);
uint32_t cluster_ip_of(size_t index);  // 10.96.0.0/16 (and up)
uint32_t lb_ip_of(size_t index);       // 10.210.0.0/16 (and up)
// The address of endpoint `e` of service `s` under `layout`.
SynthEndpoint endpoint_of(const ClusterLayout& layout, size_t s, size_t e);

std::vector<SynthService> make_services(const ClusterLayout& layout);

// Standard Kubernetes objects (discovery.k8s.io/v1 EndpointSlice), as the
// agent reads them from --manifests.
nlohmann::json service_manifest(const SynthService& svc);
nlohmann::json endpoint_slice_manifest(const SynthService& svc, const std::string& node_name);

}  // namespace skiff::perf
