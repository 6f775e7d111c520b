// Service: the fields the load balancer and DNS act on, validated the way
// the API server would validate them, so a static manifest gets the same
// verdict as `kubectl apply`.
#include <set>
#include <utility>

#include "parse_common.h"

namespace skiff::kube {

namespace {

using detail::Field;
using detail::FieldReader;

constexpr int32_t kDefaultAffinityTimeout = 10800;
constexpr int32_t kMaxAffinityTimeout = 86400;

ServiceType read_service_type(FieldReader& r, const Field& field) {
  auto text = r.string(field);
  if (!text || text->empty() || *text == "ClusterIP") return ServiceType::ClusterIP;
  if (*text == "NodePort") return ServiceType::NodePort;
  if (*text == "LoadBalancer") return ServiceType::LoadBalancer;
  if (*text == "ExternalName") return ServiceType::ExternalName;
  r.fail(field, "unsupported service type \"" + *text + "\"");
  return ServiceType::ClusterIP;
}

TrafficPolicy read_traffic_policy(FieldReader& r, const Field& field, bool accept_legacy_global) {
  auto text = r.string(field);
  if (!text || text->empty() || *text == "Cluster") return TrafficPolicy::Cluster;
  if (*text == "Local") return TrafficPolicy::Local;
  // Before Kubernetes 1.22 externalTrafficPolicy spelled Cluster "Global".
  if (accept_legacy_global && *text == "Global") return TrafficPolicy::Cluster;
  r.fail(field, "must be Cluster or Local, got \"" + *text + "\"");
  return TrafficPolicy::Cluster;
}

std::vector<net::IpAddr> read_ip_list(FieldReader& r, const Field& list) {
  std::vector<net::IpAddr> out;
  const size_t n = r.array(list);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    const Field item = list[i];
    if (!item.present()) {
      r.fail(item, "must be an IP address, got null");
      break;
    }
    if (auto ip = r.ip(item)) out.push_back(*ip);
  }
  return out;
}

// clusterIPs wins over clusterIP (it is the newer, dual-stack field and the
// API server keeps clusterIPs[0] == clusterIP). "None" means headless; an
// empty value means not allocated (static manifests may leave it out).
void read_cluster_ips(FieldReader& r, const Field& spec, Service& svc) {
  std::vector<std::pair<std::string, Field>> texts;
  const Field plural = spec["clusterIPs"];
  if (const size_t n = r.array(plural); n > 0) {
    for (size_t i = 0; i < n && r.ok(); ++i) {
      auto text = r.string(plural[i]);
      if (r.ok() && !text) r.fail(plural[i], "must be an IP address or \"None\", got null");
      if (text) texts.emplace_back(std::move(*text), plural[i]);
    }
  } else if (auto text = r.string(spec["clusterIP"])) {
    texts.emplace_back(std::move(*text), spec["clusterIP"]);
  }
  for (auto& [text, field] : texts) {
    if (!r.ok()) return;
    if (text == "None") {
      svc.headless = true;
    } else if (!text.empty()) {
      if (auto ip = r.ip(field)) svc.cluster_ips.push_back(*ip);
    }
  }
  if (svc.headless && !svc.cluster_ips.empty()) {
    r.fail(plural.present() ? plural : spec["clusterIP"], "\"None\" cannot be combined with addresses");
  }
}

IntOrString read_target_port(FieldReader& r, const Field& field, int32_t port) {
  IntOrString target;
  if (!field.present()) {
    target.number = port;
  } else if (field.value->is_string()) {
    target.name = field.value->get<std::string>();
    if (target.name.empty()) {
      target.number = port;
    } else if (!detail::is_iana_service_name(target.name)) {
      r.fail(field, "must be a port number or a port name (lowercase letters, digits and '-', at most 15), got \"" +
                        target.name + "\"");
    }
  } else {
    // 0 is the API's own "unset" and defaults to the service port.
    target.number = r.port(field, /*allow_zero=*/true).value_or(0);
    if (target.number == 0) target.number = port;
  }
  return target;
}

void read_ports(FieldReader& r, const Field& list, Service& svc) {
  const size_t n = r.array(list);
  std::set<std::string> names;
  std::set<std::pair<int32_t, Protocol>> port_protocols;
  for (size_t i = 0; i < n && r.ok(); ++i) {
    const Field item = list[i];
    if (!r.object(item)) {
      if (r.ok()) r.fail(item, "must be an object, got null");
      return;
    }
    ServicePort sp;
    sp.name = r.string(item["name"]).value_or("");
    sp.protocol = detail::read_protocol(r, item["protocol"]);
    auto port = r.port(item["port"]);
    if (r.ok() && !port) r.fail(item["port"], "required");
    if (!r.ok()) return;
    sp.port = *port;
    sp.target_port = read_target_port(r, item["targetPort"], sp.port);
    sp.node_port = r.port(item["nodePort"], /*allow_zero=*/true).value_or(0);
    if (!r.ok()) return;
    // Kubernetes needs names to tell ports apart once there is more than one.
    if (n > 1 && sp.name.empty()) {
      r.fail(item["name"], "required when the service has more than one port");
      return;
    }
    if (!sp.name.empty() && !names.insert(sp.name).second) {
      r.fail(item["name"], "duplicate port name \"" + sp.name + "\"");
      return;
    }
    if (!port_protocols.emplace(sp.port, sp.protocol).second) {
      r.fail(item["port"], "duplicate port " + std::to_string(sp.port) + "/" + to_string(sp.protocol));
      return;
    }
    svc.ports.push_back(std::move(sp));
  }
}

void read_session_affinity(FieldReader& r, const Field& spec, Service& svc) {
  const Field mode = spec["sessionAffinity"];
  auto text = r.string(mode);
  if (!text || text->empty() || *text == "None") {
    svc.session_affinity_client_ip = false;
  } else if (*text == "ClientIP") {
    svc.session_affinity_client_ip = true;
  } else {
    r.fail(mode, "must be None or ClientIP, got \"" + *text + "\"");
    return;
  }
  svc.session_affinity_timeout = kDefaultAffinityTimeout;
  // The timeout only means something with ClientIP affinity.
  if (!svc.session_affinity_client_ip) return;
  const Field config = spec["sessionAffinityConfig"];
  if (!r.object(config) || !r.object(config["clientIP"])) return;
  const Field timeout = config["clientIP"]["timeoutSeconds"];
  if (auto seconds = r.integer(timeout)) {
    if (*seconds < 1 || *seconds > kMaxAffinityTimeout) {
      r.fail(timeout, "must be between 1 and 86400, got " + std::to_string(*seconds));
      return;
    }
    svc.session_affinity_timeout = static_cast<int32_t>(*seconds);
  }
}

void read_load_balancer_status(FieldReader& r, const Field& status, Service& svc) {
  if (!r.object(status) || !r.object(status["loadBalancer"])) return;
  const Field ingress = status["loadBalancer"]["ingress"];
  const size_t n = r.array(ingress);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    // Entries with only a hostname (some cloud LBs) carry no IP to serve.
    if (!r.object(ingress[i])) continue;
    if (auto ip = r.ip(ingress[i]["ip"])) svc.load_balancer_ips.push_back(*ip);
  }
}

}  // namespace

std::expected<Service, ParseError> parse_service(const nlohmann::json& obj) {
  FieldReader r(detail::describe_object("Service", obj, /*namespaced=*/true));
  const Field doc = detail::root(obj);
  Service svc;
  svc.meta = detail::read_object_meta(r, doc, "Service", /*namespaced=*/true);
  if (!r.ok()) return std::unexpected(r.error());

  const Field spec = doc["spec"];
  if (!r.object(spec)) {
    if (r.ok()) r.fail(spec, "required");
    return std::unexpected(r.error());
  }
  svc.type = read_service_type(r, spec["type"]);
  if (svc.type == ServiceType::ExternalName) {
    if (auto name = r.required_string(spec["externalName"])) svc.external_name = std::move(*name);
  } else {
    read_cluster_ips(r, spec, svc);
  }
  svc.external_ips = read_ip_list(r, spec["externalIPs"]);
  read_ports(r, spec["ports"], svc);
  svc.selector = r.string_map(spec["selector"]);
  read_session_affinity(r, spec, svc);
  svc.external_traffic_policy = read_traffic_policy(r, spec["externalTrafficPolicy"], /*accept_legacy_global=*/true);
  svc.internal_traffic_policy = read_traffic_policy(r, spec["internalTrafficPolicy"], /*accept_legacy_global=*/false);
  svc.publish_not_ready_addresses = r.boolean(spec["publishNotReadyAddresses"]).value_or(false);
  read_load_balancer_status(r, doc["status"], svc);
  if (!r.ok()) return std::unexpected(r.error());
  return svc;
}

}  // namespace skiff::kube
