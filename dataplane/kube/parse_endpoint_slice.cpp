// EndpointSlice (discovery.k8s.io/v1): the backends of a Service, their
// conditions and the resolved target ports.
#include <set>

#include "parse_common.h"

namespace skiff::kube {

namespace {

using detail::Field;
using detail::FieldReader;

constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";

std::optional<AddressType> read_address_type(FieldReader& r, const Field& field) {
  auto text = r.required_string(field);
  if (!text) return std::nullopt;
  if (*text == "IPv4") return AddressType::IPv4;
  if (*text == "IPv6") return AddressType::IPv6;
  if (*text == "FQDN") return AddressType::FQDN;
  r.fail(field, "must be IPv4, IPv6 or FQDN, got \"" + *text + "\"");
  return std::nullopt;
}

// The API's defaulting: unset ready means ready, unset serving takes ready's
// value, unset terminating means not terminating.
EndpointConditions read_conditions(FieldReader& r, const Field& field) {
  EndpointConditions c;
  if (!r.object(field)) return c;
  c.ready = r.boolean(field["ready"]).value_or(true);
  c.serving = r.boolean(field["serving"]).value_or(c.ready);
  c.terminating = r.boolean(field["terminating"]).value_or(false);
  return c;
}

void read_addresses(FieldReader& r, const Field& list, AddressType type, Endpoint& ep) {
  const size_t n = r.array(list);
  if (r.ok() && n == 0) {
    r.fail(list, "at least one address is required");
    return;
  }
  for (size_t i = 0; i < n && r.ok(); ++i) {
    const Field item = list[i];
    auto text = r.string(item);
    if (!r.ok()) return;
    if (!text || text->empty()) {
      r.fail(item, "must be an address, got an empty value");
      return;
    }
    // FQDN slices name hosts, not addresses; the data plane cannot use them.
    if (type == AddressType::FQDN) continue;
    auto ip = r.ip(item);
    if (!ip) return;
    const bool want_v4 = type == AddressType::IPv4;
    if (ip->is_v4() != want_v4) {
      r.fail(item, std::string("must be an ") + (want_v4 ? "IPv4" : "IPv6") + " address (addressType), got \"" +
                       *text + "\"");
      return;
    }
    ep.addresses.push_back(*ip);
  }
}

std::optional<ObjectReference> read_target_ref(FieldReader& r, const Field& field) {
  if (!r.object(field)) return std::nullopt;
  ObjectReference ref;
  ref.kind = r.string(field["kind"]).value_or("");
  ref.ns = r.string(field["namespace"]).value_or("");
  ref.name = r.string(field["name"]).value_or("");
  return ref;
}

void read_endpoints(FieldReader& r, const Field& list, EndpointSlice& slice) {
  const size_t n = r.array(list);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    const Field item = list[i];
    if (!r.object(item)) {
      if (r.ok()) r.fail(item, "must be an object, got null");
      return;
    }
    Endpoint ep;
    read_addresses(r, item["addresses"], slice.address_type, ep);
    ep.conditions = read_conditions(r, item["conditions"]);
    ep.hostname = r.string(item["hostname"]);
    ep.node_name = r.string(item["nodeName"]);
    ep.zone = r.string(item["zone"]);
    ep.target_ref = read_target_ref(r, item["targetRef"]);
    slice.endpoints.push_back(std::move(ep));
  }
}

void read_ports(FieldReader& r, const Field& list, EndpointSlice& slice) {
  const size_t n = r.array(list);
  std::set<std::string> names;
  for (size_t i = 0; i < n && r.ok(); ++i) {
    const Field item = list[i];
    if (!r.object(item)) {
      if (r.ok()) r.fail(item, "must be an object, got null");
      return;
    }
    EndpointPort port;
    port.name = r.string(item["name"]).value_or("");
    port.protocol = detail::read_protocol(r, item["protocol"]);
    port.port = r.port(item["port"]);
    if (!r.ok()) return;
    if (!names.insert(port.name).second) {
      r.fail(item["name"], "duplicate port name \"" + port.name + "\"");
      return;
    }
    slice.ports.push_back(std::move(port));
  }
}

}  // namespace

std::expected<EndpointSlice, ParseError> parse_endpoint_slice(const nlohmann::json& obj) {
  FieldReader r(detail::describe_object("EndpointSlice", obj, /*namespaced=*/true));
  const Field doc = detail::root(obj);
  EndpointSlice slice;
  slice.meta = detail::read_object_meta(r, doc, "EndpointSlice", /*namespaced=*/true);
  if (!r.ok()) return std::unexpected(r.error());

  // Without the label the slice belongs to no service; the load balancer
  // cannot use it, so it is rejected rather than silently ignored.
  auto label = slice.meta.labels.find(kServiceNameLabel);
  if (label == slice.meta.labels.end() || label->second.empty()) {
    r.fail(doc["metadata"]["labels"][kServiceNameLabel], "required (the service this slice belongs to)");
    return std::unexpected(r.error());
  }
  slice.service_name = label->second;

  if (auto type = read_address_type(r, doc["addressType"])) slice.address_type = *type;
  if (!r.ok()) return std::unexpected(r.error());
  read_endpoints(r, doc["endpoints"], slice);
  read_ports(r, doc["ports"], slice);
  if (!r.ok()) return std::unexpected(r.error());
  return slice;
}

}  // namespace skiff::kube
