// Service + EndpointSlices -> frontends with their backends. Each Service
// port yields one frontend per ClusterIP, per node address (NodePort), per
// externalIP and per LoadBalancer ingress IP; traffic policies decide which
// backends each may use.
#include "skiff/lb/frontends.h"

#include <arpa/inet.h>

#include <map>

#include "endpoint_selection.h"
#include "skiff/bpf/service_map.h"

namespace skiff::lb {

namespace {

using detail::BackendSelection;

class FrontendBuilder {
 public:
  FrontendBuilder(const kube::Service& service, ServiceFrontends& out)
      : service_(service), out_(out), object_("Service " + service.meta.key()) {}

  void add_port(size_t index, std::span<const kube::EndpointSlice* const> slices, const NodeInfo& node) {
    const kube::ServicePort& port = service_.ports[index];
    const std::string field = "spec.ports[" + std::to_string(index) + "]";
    if (port.protocol == kube::Protocol::SCTP) {
      problem(field + ".protocol", "SCTP is not supported by the data plane; port skipped");
      return;
    }
    const auto endpoints = detail::collect_port_endpoints(port, slices, node.name);
    if (!endpoints.resolved && port.target_port.is_name() && has_ipv4_endpoints(slices)) {
      problem(field + ".targetPort",
              "named port \"" + port.target_port.name + "\" is not resolved by any EndpointSlice; no backends");
    }
    const BackendSelection cluster = detail::select_backends(endpoints, /*local_only=*/false);
    const BackendSelection local = detail::select_backends(endpoints, /*local_only=*/true);
    const uint8_t proto = port.protocol == kube::Protocol::UDP ? SKIFF_PROTO_UDP : SKIFF_PROTO_TCP;

    auto add = [&](const net::IpAddr& ip, int32_t frontend_port, uint16_t flags, kube::TrafficPolicy policy) {
      if (!ip.is_v4()) return;  // the map ABI is IPv4 only for now
      FrontendState fe;
      fe.key = L4Addr{ip.v4_be(), htons(static_cast<uint16_t>(frontend_port)), proto};
      fe.service = service_.meta.key();
      fe.port_name = port.name;
      fe.flags = flags;
      fe.affinity_timeout =
          service_.session_affinity_client_ip ? static_cast<uint32_t>(service_.session_affinity_timeout) : 0;
      const BackendSelection* chosen = &cluster;
      if (policy == kube::TrafficPolicy::Local) {
        chosen = &local;
        fe.flags |= SKIFF_SVC_F_LOCAL;
        // kube-proxy drops (rather than rejects) when the service has
        // endpoints but none on this node: the client may retry elsewhere.
        if (local.active.empty() && !cluster.active.empty()) fe.flags |= SKIFF_SVC_F_DROP_NO_BACKEND;
      }
      fe.active = chosen->active;
      fe.draining = chosen->draining;
      insert(std::move(fe), field);
    };

    for (const auto& ip : service_.cluster_ips) add(ip, port.port, 0, service_.internal_traffic_policy);
    const bool has_node_port = service_.type == kube::ServiceType::NodePort ||
                               service_.type == kube::ServiceType::LoadBalancer;
    if (has_node_port && port.node_port != 0) {
      for (const auto& ip : node.addresses) {
        add(ip, port.node_port, SKIFF_SVC_F_NODEPORT, service_.external_traffic_policy);
      }
    }
    for (const auto& ip : service_.external_ips) {
      add(ip, port.port, SKIFF_SVC_F_EXTERNAL, service_.external_traffic_policy);
    }
    if (service_.type == kube::ServiceType::LoadBalancer) {
      for (const auto& ip : service_.load_balancer_ips) {
        add(ip, port.port, SKIFF_SVC_F_EXTERNAL, service_.external_traffic_policy);
      }
    }
  }

  void finish() {
    out_.frontends.reserve(by_key_.size());
    for (auto& [key, fe] : by_key_) out_.frontends.push_back(std::move(fe));
  }

 private:
  // Two routes to the same address:port (an externalIP that is also a node
  // address, a repeated ingress IP): the first wins; a conflicting one is
  // reported rather than silently merged.
  void insert(FrontendState fe, const std::string& field) {
    auto [it, inserted] = by_key_.try_emplace(fe.key, fe);
    if (!inserted && it->second != fe) {
      problem(field, "frontend " + fe.key.str() + " is already used by another port or address of this service");
    }
  }

  void problem(std::string field, std::string reason) {
    out_.problems.push_back(kube::ParseError{object_, std::move(field), std::move(reason)});
  }

  bool has_ipv4_endpoints(std::span<const kube::EndpointSlice* const> slices) const {
    for (const auto* slice : slices) {
      if (slice != nullptr && slice->address_type == kube::AddressType::IPv4 && !slice->endpoints.empty()) return true;
    }
    return false;
  }

  const kube::Service& service_;
  ServiceFrontends& out_;
  std::string object_;
  std::map<L4Addr, FrontendState> by_key_;
};

// Only the slices that really belong to this service count, whatever the
// caller passed.
std::vector<const kube::EndpointSlice*> own_slices(const kube::Service& service,
                                                   std::span<const kube::EndpointSlice* const> slices) {
  std::vector<const kube::EndpointSlice*> out;
  out.reserve(slices.size());
  for (const auto* slice : slices) {
    if (slice != nullptr && slice->meta.ns == service.meta.ns && slice->service_name == service.meta.name) {
      out.push_back(slice);
    }
  }
  return out;
}

}  // namespace

ServiceFrontends compute_frontends(const kube::Service& service,
                                   std::span<const kube::EndpointSlice* const> slices,
                                   const NodeInfo& node) {
  ServiceFrontends out;
  // Headless services are answered by DNS alone; ExternalName is a CNAME.
  if (service.headless || service.type == kube::ServiceType::ExternalName) return out;
  const auto mine = own_slices(service, slices);
  FrontendBuilder builder(service, out);
  for (size_t i = 0; i < service.ports.size(); ++i) builder.add_port(i, mine, node);
  builder.finish();
  return out;
}

}  // namespace skiff::lb
