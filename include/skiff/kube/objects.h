// The typed view of the Kubernetes objects the node side consumes (Service,
// EndpointSlice, Pod, Namespace). Parsed from the standard JSON schema by
// kube/parse.h; only the fields Skiff acts on are kept.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skiff/net/ip.h"

namespace skiff::kube {

struct ObjectMeta {
  std::string ns;  // empty for cluster-scoped objects
  std::string name;
  std::string uid;
  std::string resource_version;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string key() const { return ns.empty() ? name : ns + "/" + name; }
};

enum class Protocol : uint8_t { TCP, UDP, SCTP };
const char* to_string(Protocol);

// targetPort: a number, or the name of a container port resolved through
// the EndpointSlice's ports.
struct IntOrString {
  int32_t number = 0;
  std::string name;
  bool is_name() const { return !name.empty(); }
};

struct ServicePort {
  std::string name;
  Protocol protocol = Protocol::TCP;
  int32_t port = 0;
  IntOrString target_port;  // defaults to port
  int32_t node_port = 0;    // 0: none
};

enum class ServiceType : uint8_t { ClusterIP, NodePort, LoadBalancer, ExternalName };
enum class TrafficPolicy : uint8_t { Cluster, Local };

struct Service {
  ObjectMeta meta;
  ServiceType type = ServiceType::ClusterIP;
  bool headless = false;                  // clusterIP: None
  std::vector<net::IpAddr> cluster_ips;   // empty when headless or ExternalName
  std::vector<net::IpAddr> external_ips;
  std::vector<net::IpAddr> load_balancer_ips;  // status.loadBalancer.ingress[].ip
  std::vector<ServicePort> ports;
  std::map<std::string, std::string> selector;
  bool session_affinity_client_ip = false;
  int32_t session_affinity_timeout = 10800;  // seconds
  TrafficPolicy external_traffic_policy = TrafficPolicy::Cluster;
  TrafficPolicy internal_traffic_policy = TrafficPolicy::Cluster;
  std::string external_name;  // ExternalName only
  bool publish_not_ready_addresses = false;
};

// EndpointConditions: unset ready means true, unset serving takes ready's
// value, unset terminating means false (the EndpointSlice API's own rule);
// parse applies it.
struct EndpointConditions {
  bool ready = true;
  bool serving = true;
  bool terminating = false;
};

struct ObjectReference {
  std::string kind;
  std::string ns;
  std::string name;
};

struct Endpoint {
  std::vector<net::IpAddr> addresses;
  EndpointConditions conditions;
  std::optional<std::string> hostname;
  std::optional<std::string> node_name;
  std::optional<std::string> zone;
  std::optional<ObjectReference> target_ref;
};

struct EndpointPort {
  std::string name;  // empty: unnamed
  Protocol protocol = Protocol::TCP;
  std::optional<int32_t> port;  // unset: all ports (not usable for LB)
};

enum class AddressType : uint8_t { IPv4, IPv6, FQDN };

struct EndpointSlice {
  ObjectMeta meta;
  std::string service_name;  // label kubernetes.io/service-name
  AddressType address_type = AddressType::IPv4;
  std::vector<Endpoint> endpoints;
  std::vector<EndpointPort> ports;
};

struct Pod {
  ObjectMeta meta;
  std::string node_name;
  std::string hostname;
  std::string subdomain;
  bool host_network = false;
  std::string phase;
  bool ready = false;  // condition Ready is True
  std::vector<net::IpAddr> pod_ips;
};

struct Namespace {
  ObjectMeta meta;
};

}  // namespace skiff::kube
