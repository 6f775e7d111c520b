// Builders for Services and EndpointSlices in the LB model tests.
#pragma once
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "skiff/bpf/abi.h"
#include "skiff/kube/objects.h"
#include "skiff/lb/frontends.h"

namespace skiff::lb::testing {

inline net::IpAddr ip(const char* text) { return *net::IpAddr::parse(text); }

inline L4Addr l4(const char* addr, uint16_t port, uint8_t proto = SKIFF_PROTO_TCP) {
  return L4Addr{ip(addr).v4_be(), htons(port), proto};
}

inline kube::Service service(const char* cluster_ip = "10.96.0.10") {
  kube::Service svc;
  svc.meta.ns = "shop";
  svc.meta.name = "web";
  if (cluster_ip != nullptr) svc.cluster_ips.push_back(ip(cluster_ip));
  kube::ServicePort port;
  port.name = "http";
  port.port = 80;
  port.target_port.number = 8080;
  svc.ports.push_back(port);
  return svc;
}

struct EndpointSpec {
  const char* address;
  const char* node = "node-a";
  bool ready = true;
  bool serving = true;
  bool terminating = false;
};

inline kube::EndpointSlice slice(const std::string& name, std::vector<EndpointSpec> endpoints,
                                 std::vector<kube::EndpointPort> ports = {{"http", kube::Protocol::TCP, 8080}},
                                 kube::AddressType type = kube::AddressType::IPv4) {
  kube::EndpointSlice s;
  s.meta.ns = "shop";
  s.meta.name = name;
  s.service_name = "web";
  s.address_type = type;
  s.ports = std::move(ports);
  for (const auto& spec : endpoints) {
    kube::Endpoint ep;
    ep.addresses.push_back(ip(spec.address));
    if (spec.node != nullptr) ep.node_name = spec.node;
    ep.conditions = {spec.ready, spec.serving, spec.terminating};
    s.endpoints.push_back(std::move(ep));
  }
  return s;
}

inline NodeInfo node_a() { return NodeInfo{"node-a", {ip("192.168.1.10"), ip("172.16.0.10"), ip("fd00::10")}}; }

inline std::vector<L4Addr> addrs(const std::vector<BackendState>& backends) {
  std::vector<L4Addr> out;
  for (const auto& b : backends) out.push_back(b.addr);
  return out;
}

}  // namespace skiff::lb::testing
