// Pod: what DNS (hostname/subdomain records) and the agent (host network,
// node, addresses, readiness) need.
#include "parse_common.h"

namespace skiff::kube {

namespace {

using detail::Field;
using detail::FieldReader;

void read_spec(FieldReader& r, const Field& spec, Pod& pod) {
  if (!r.object(spec)) return;
  pod.hostname = r.string(spec["hostname"]).value_or("");
  pod.subdomain = r.string(spec["subdomain"]).value_or("");
  pod.node_name = r.string(spec["nodeName"]).value_or("");
  pod.host_network = r.boolean(spec["hostNetwork"]).value_or(false);
}

// podIPs lists every family; podIP is the first of them and the only field
// older API servers fill, so it is used when podIPs is absent.
void read_pod_ips(FieldReader& r, const Field& status, Pod& pod) {
  const Field list = status["podIPs"];
  const size_t n = r.array(list);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    if (!r.object(list[i])) {
      if (r.ok()) r.fail(list[i], "must be an object, got null");
      return;
    }
    if (auto ip = r.ip(list[i]["ip"])) pod.pod_ips.push_back(*ip);
  }
  if (!r.ok()) return;
  if (auto ip = r.ip(status["podIP"])) {
    if (pod.pod_ips.empty()) pod.pod_ips.push_back(*ip);
  }
}

bool read_ready_condition(FieldReader& r, const Field& list) {
  const size_t n = r.array(list);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    if (!r.object(list[i])) continue;
    if (r.string(list[i]["type"]) == "Ready") return r.string(list[i]["status"]) == "True";
  }
  return false;
}

void read_status(FieldReader& r, const Field& status, Pod& pod) {
  if (!r.object(status)) return;
  pod.phase = r.string(status["phase"]).value_or("");
  read_pod_ips(r, status, pod);
  pod.ready = read_ready_condition(r, status["conditions"]);
}

}  // namespace

std::expected<Pod, ParseError> parse_pod(const nlohmann::json& obj) {
  FieldReader r(detail::describe_object("Pod", obj, /*namespaced=*/true));
  const Field doc = detail::root(obj);
  Pod pod;
  pod.meta = detail::read_object_meta(r, doc, "Pod", /*namespaced=*/true);
  if (r.ok()) read_spec(r, doc["spec"], pod);
  if (r.ok()) read_status(r, doc["status"], pod);
  if (!r.ok()) return std::unexpected(r.error());
  return pod;
}

}  // namespace skiff::kube
