#include "endpoint_selection.h"

#include <arpa/inet.h>

#include "skiff/bpf/abi.h"

namespace skiff::lb::detail {

namespace {

uint8_t protocol_number(kube::Protocol protocol) {
  return protocol == kube::Protocol::UDP ? SKIFF_PROTO_UDP : SKIFF_PROTO_TCP;
}

// The slice port that serves this Service port: same name and protocol (the
// EndpointSlice controller names slice ports after the Service's ports and
// has already resolved named targetPorts into numbers).
const kube::EndpointPort* matching_port(const kube::EndpointSlice& slice, const kube::ServicePort& port) {
  for (const auto& candidate : slice.ports) {
    if (candidate.name == port.name && candidate.protocol == port.protocol && candidate.port) return &candidate;
  }
  return nullptr;
}

// The same endpoint may sit in two slices while the controller moves it;
// the more usable view wins.
void merge(EndpointCandidate& into, const EndpointCandidate& from) {
  into.local = into.local || from.local;
  into.ready = into.ready || from.ready;
  into.serving = into.serving || from.serving;
  into.terminating = into.terminating && from.terminating;
}

}  // namespace

PortEndpoints collect_port_endpoints(const kube::ServicePort& port,
                                     std::span<const kube::EndpointSlice* const> slices,
                                     const std::string& node_name) {
  PortEndpoints out;
  for (const kube::EndpointSlice* slice : slices) {
    if (slice == nullptr || slice->address_type != kube::AddressType::IPv4) continue;
    const kube::EndpointPort* slice_port = matching_port(*slice, port);
    if (slice_port == nullptr) continue;
    out.resolved = true;
    const uint16_t port_be = htons(static_cast<uint16_t>(*slice_port->port));
    for (const auto& endpoint : slice->endpoints) {
      EndpointCandidate candidate;
      candidate.local = !node_name.empty() && endpoint.node_name == node_name;
      candidate.ready = endpoint.conditions.ready;
      candidate.serving = endpoint.conditions.serving;
      candidate.terminating = endpoint.conditions.terminating;
      for (const auto& address : endpoint.addresses) {
        if (!address.is_v4()) continue;
        const L4Addr backend{address.v4_be(), port_be, protocol_number(port.protocol)};
        auto [it, inserted] = out.by_backend.emplace(backend, candidate);
        if (!inserted) merge(it->second, candidate);
      }
    }
  }
  return out;
}

BackendSelection select_backends(const PortEndpoints& endpoints, bool local_only) {
  BackendSelection out;
  auto in_scope = [&](const EndpointCandidate& c) { return !local_only || c.local; };
  for (const auto& [addr, c] : endpoints.by_backend) {
    if (in_scope(c) && c.ready) out.active.push_back({addr, c.local, false});
  }
  // Only when nothing is ready do serving-but-terminating endpoints take new
  // flows, so a rolling update with no ready pod left still answers.
  const bool fallback = out.active.empty();
  for (const auto& [addr, c] : endpoints.by_backend) {
    if (!in_scope(c) || c.ready || !c.terminating) continue;
    if (fallback && c.serving) {
      out.active.push_back({addr, c.local, true});
    } else {
      out.draining.push_back({addr, c.local, true});
    }
  }
  // by_backend is ordered by address, so both lists are sorted and unique.
  return out;
}

}  // namespace skiff::lb::detail
