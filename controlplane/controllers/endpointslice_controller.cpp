#include "controllers/endpointslice_controller.h"

#include <algorithm>
#include <map>
#include <set>

#include "controllers/label_selector.h"
#include "controllers/object_util.h"
#include "controllers/pod_util.h"

namespace skiff::controllers {
namespace {

bool is_ipv4(const std::string& ip) { return ip.find(':') == std::string::npos && !ip.empty(); }

std::string pod_ipv4(const Json& pod) {
  const Json& ips = path(pod, {"status", "podIPs"});
  if (ips.is_array())
    for (const auto& e : ips)
      if (is_ipv4(str(field(e, "ip")))) return str(field(e, "ip"));
  std::string ip = str(path(pod, {"status", "podIP"}));
  return is_ipv4(ip) ? ip : std::string();
}

// ShouldPodBeInEndpoints (terminating pods included; their conditions say so).
bool pod_in_endpoints(const Json& pod) {
  std::string phase = pod_phase(pod);
  if (phase == "Failed" || phase == "Succeeded") return false;
  return !pod_ipv4(pod).empty();
}

// podutil.FindPort: a named targetPort is looked up in the pod's containers
// (same protocol); a number is used as is.
std::optional<int64_t> find_port(const Json& pod, const Json& service_port) {
  const Json& target = field(service_port, "targetPort");
  std::string protocol = str(field(service_port, "protocol"), "TCP");
  if (target.is_null()) return integer(field(service_port, "port"), 0);
  if (target.is_number_integer()) return target.get<int64_t>();
  if (target.is_string()) {
    std::string name = target.get<std::string>();
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) return std::stoll(name);
    const Json& containers = path(pod, {"spec", "containers"});
    if (containers.is_array())
      for (const auto& c : containers) {
        const Json& ports = field(c, "ports");
        if (!ports.is_array()) continue;
        for (const auto& p : ports)
          if (str(field(p, "name")) == name && str(field(p, "protocol"), "TCP") == protocol)
            return integer(field(p, "containerPort"), 0);
      }
  }
  return std::nullopt;
}

Json endpoint_ports(const Json& service, const Json& pod) {
  Json ports = Json::array();
  const Json& sports = path(service, {"spec", "ports"});
  if (!sports.is_array()) return ports;
  for (const auto& sp : sports) {
    auto num = find_port(pod, sp);
    if (!num) continue;  // the pod does not expose this named port
    Json p{{"name", str(field(sp, "name"))}, {"port", *num}, {"protocol", str(field(sp, "protocol"), "TCP")}};
    if (field(sp, "appProtocol").is_string()) p["appProtocol"] = sp["appProtocol"];
    ports.push_back(std::move(p));
  }
  return ports;
}

bool should_set_hostname(const Json& pod, const Json& service) {
  return !str(path(pod, {"spec", "hostname"})).empty() &&
         str(path(pod, {"spec", "subdomain"})) == name_of(service) && namespace_of(pod) == namespace_of(service);
}

Json make_endpoint(const Json& pod, const Json& service, const ObjectStore& store) {
  bool serving = pod_ready(pod);
  bool terminating = being_deleted(pod);
  bool publish = boolean(path(service, {"spec", "publishNotReadyAddresses"}), false);
  // "ready" is never true for a terminating pod unless publishNotReadyAddresses.
  bool ready = publish || (serving && !terminating);
  Json ep{{"addresses", Json::array({pod_ipv4(pod)})},
          {"conditions", {{"ready", ready}, {"serving", serving}, {"terminating", terminating}}},
          {"targetRef", {{"kind", "Pod"}, {"namespace", namespace_of(pod)}, {"name", name_of(pod)}, {"uid", uid_of(pod)}}}};
  std::string node = str(path(pod, {"spec", "nodeName"}));
  if (!node.empty()) {
    ep["nodeName"] = node;
    if (const Json* n = store.get("Node", "", node)) {
      std::string zone = str(field(labels_of(*n), "topology.kubernetes.io/zone"));
      if (!zone.empty()) ep["zone"] = zone;
    }
  }
  if (should_set_hostname(pod, service)) ep["hostname"] = pod["spec"]["hostname"];
  return ep;
}

std::string endpoint_key(const Json& ep) {
  const Json& ref = field(ep, "targetRef");
  if (ref.is_object()) return str(field(ref, "namespace")) + "/" + str(field(ref, "name"));
  return str(path(ep, {"addresses"}).is_array() && !ep["addresses"].empty() ? ep["addresses"][0] : Json());
}

Json slice_labels(const Json& existing_labels, const Json& service) {
  Json labels = Json::object();
  const Json& svc_labels = labels_of(service);
  if (svc_labels.is_object())
    for (auto it = svc_labels.begin(); it != svc_labels.end(); ++it)
      if (it.key() != kServiceNameLabel && it.key() != kManagedByLabel) labels[it.key()] = it.value();
  (void)existing_labels;
  labels[std::string(kServiceNameLabel)] = name_of(service);
  labels[std::string(kManagedByLabel)] = kEndpointSliceControllerName;
  if (str(path(service, {"spec", "clusterIP"})) == "None") labels["service.kubernetes.io/headless"] = "";
  return labels;
}

Json new_slice(const Json& service, const Json& ports) {
  Json owner = service;
  owner["apiVersion"] = "v1";
  owner["kind"] = "Service";
  Json ref = make_controller_ref(owner);
  return Json{{"apiVersion", "discovery.k8s.io/v1"},
              {"kind", "EndpointSlice"},
              {"metadata",
               {{"generateName", name_of(service) + "-"},
                {"namespace", namespace_of(service)},
                {"labels", slice_labels(Json(), service)},
                {"ownerReferences", Json::array({ref})}}},
              {"addressType", "IPv4"},
              {"ports", ports},
              {"endpoints", Json::array()}};
}

bool owned_by_service(const Json& slice, const Json& service) {
  const Json* ref = controller_ref(slice);
  return ref && str(field(*ref, "uid")) == uid_of(service) && str(field(*ref, "kind")) == "Service";
}

bool managed(const Json& service) {
  return path(service, {"spec", "selector"}).is_object() &&
         str(path(service, {"spec", "type"}), "ClusterIP") != "ExternalName";
}

// The endpoints a service wants, grouped by resolved port set.
using Desired = std::map<std::string, std::map<std::string, Json>>;  // ports dump -> endpoint key -> endpoint
Desired desired_endpoints(const Json& service, const Context& ctx, std::map<std::string, Json>& port_sets) {
  Desired desired;
  LabelSelector selector = LabelSelector::from_map(path(service, {"spec", "selector"}));
  for (const Json* pod : ctx.store.list("Pod", namespace_of(service))) {
    if (!selector.matches(labels_of(*pod)) || !pod_in_endpoints(*pod)) continue;
    Json ports = endpoint_ports(service, *pod);
    std::string key = ports.dump();
    port_sets.emplace(key, ports);
    Json ep = make_endpoint(*pod, service, ctx.store);
    desired[key].emplace(endpoint_key(ep), std::move(ep));
  }
  return desired;
}

}  // namespace

ReconcileResult reconcile_endpoint_slices(const Json& service, const Context& ctx, const EndpointSliceOptions& options) {
  ReconcileResult out;
  if (!managed(service) || being_deleted(service)) return out;
  const std::size_t max = std::max<std::size_t>(1, options.max_endpoints_per_slice);

  std::map<std::string, Json> port_sets;
  Desired desired = desired_endpoints(service, ctx, port_sets);

  // Existing slices of this service managed by this controller, by port set.
  std::map<std::string, std::vector<Json>> existing;
  std::vector<Json> to_delete;
  std::size_t existing_count = 0;
  for (const Json* s : ctx.store.list("EndpointSlice", namespace_of(service))) {
    const Json& labels = labels_of(*s);
    if (str(field(labels, kServiceNameLabel)) != name_of(service) ||
        str(field(labels, kManagedByLabel)) != kEndpointSliceControllerName)
      continue;
    ++existing_count;
    if (str(field(*s, "addressType")) != "IPv4" || !owned_by_service(*s, service)) {
      to_delete.push_back(*s);
      continue;
    }
    Json ports = field(*s, "ports").is_array() ? (*s)["ports"] : Json::array();
    existing[ports.dump()].push_back(*s);
  }

  std::vector<Json> to_create, to_update;
  // Port sets no longer wanted: all their slices go.
  for (auto& [key, slices] : existing)
    if (!desired.count(key))
      for (auto& s : slices) to_delete.push_back(std::move(s));

  for (auto& [key, want] : desired) {
    std::vector<Json> updates, unchanged;
    auto ex = existing.find(key);
    // 1. Existing slices: drop endpoints no longer wanted, refresh changed ones.
    if (ex != existing.end()) {
      for (Json& s : ex->second) {
        Json kept = Json::array();
        bool changed = false;
        const Json& eps = field(s, "endpoints");
        std::size_t old_count = eps.is_array() ? eps.size() : 0;
        if (eps.is_array())
          for (const auto& ep : eps) {
            auto it = want.find(endpoint_key(ep));
            if (it == want.end()) continue;
            if (it->second != ep) changed = true;
            kept.push_back(std::move(it->second));
            want.erase(it);
          }
        Json labels = slice_labels(labels_of(s), service);
        bool labels_changed = labels != labels_of(s);
        if (changed || kept.size() != old_count) {
          if (kept.empty()) {
            to_delete.push_back(std::move(s));
          } else {
            s["endpoints"] = std::move(kept);
            s["metadata"]["labels"] = labels;
            updates.push_back(std::move(s));
          }
        } else if (labels_changed) {
          s["metadata"]["labels"] = labels;
          updates.push_back(std::move(s));
        } else {
          unchanged.push_back(std::move(s));
        }
      }
    }
    std::vector<Json> remaining;
    for (auto& [k, ep] : want) remaining.push_back(std::move(ep));
    std::size_t next = 0;
    // 2. Fill slices being updated anyway, fullest first.
    std::sort(updates.begin(), updates.end(),
              [](const Json& a, const Json& b) { return a["endpoints"].size() > b["endpoints"].size(); });
    for (Json& s : updates)
      while (next < remaining.size() && s["endpoints"].size() < max) s["endpoints"].push_back(remaining[next++]);
    // 3. The rest: into the unchanged slice that fits it most closely when
    // it all fits in one, else new slices.
    std::vector<Json> creates;
    while (next < remaining.size()) {
      std::size_t left = remaining.size() - next;
      Json* fill = nullptr;
      if (left < max) {
        std::size_t closest = max;
        for (Json& s : unchanged) {
          std::size_t have = s["endpoints"].is_array() ? s["endpoints"].size() : 0;
          if (have + left > max) continue;
          std::size_t diff = max - (have + left);
          if (diff < closest) {
            closest = diff;
            fill = &s;
          }
        }
      }
      if (fill) {
        if (!(*fill)["endpoints"].is_array()) (*fill)["endpoints"] = Json::array();
        while (next < remaining.size() && (*fill)["endpoints"].size() < max)
          (*fill)["endpoints"].push_back(remaining[next++]);
        updates.push_back(std::move(*fill));
        unchanged.erase(unchanged.begin() + (fill - unchanged.data()));
        continue;
      }
      Json s = new_slice(service, port_sets[key]);
      while (next < remaining.size() && s["endpoints"].size() < max) s["endpoints"].push_back(remaining[next++]);
      creates.push_back(std::move(s));
    }
    for (auto& s : updates) to_update.push_back(std::move(s));
    for (auto& s : creates) to_create.push_back(std::move(s));
  }

  // A slice to delete and one to create become one update (less churn).
  for (auto it = to_delete.begin(); it != to_delete.end() && !to_create.empty();) {
    if (str(field(*it, "addressType")) == "IPv4" && owned_by_service(*it, service)) {
      Json s = std::move(to_create.back());
      to_create.pop_back();
      Json reused = *it;
      reused["metadata"]["labels"] = s["metadata"]["labels"];
      reused["ports"] = s["ports"];
      reused["endpoints"] = s["endpoints"];
      to_update.push_back(std::move(reused));
      it = to_delete.erase(it);
    } else {
      ++it;
    }
  }
  // No endpoints at all: one placeholder slice (no ports, no endpoints).
  if (existing_count == to_delete.size() && to_create.empty() && to_update.empty()) {
    Json placeholder = new_slice(service, Json::array());
    bool keep = false;
    if (to_delete.size() == 1) {
      const Json& d = to_delete[0];
      keep = field(d, "endpoints").empty() && field(d, "ports").empty() && str(field(d, "addressType")) == "IPv4" &&
             owned_by_service(d, service) && labels_of(d) == placeholder["metadata"]["labels"];
    }
    if (keep)
      to_delete.clear();
    else
      to_create.push_back(std::move(placeholder));
  }

  for (auto& s : to_create) out.actions.push_back(make_create(std::move(s)));
  for (auto& s : to_update) out.actions.push_back(make_update(s));
  for (auto& s : to_delete) out.actions.push_back(make_delete(s));
  return out;
}

ReconcileResult reconcile_endpoints(const Json& service, const Context& ctx) {
  ReconcileResult out;
  if (!managed(service) || being_deleted(service)) return out;
  constexpr std::size_t kMaxCapacity = 1000;
  LabelSelector selector = LabelSelector::from_map(path(service, {"spec", "selector"}));
  bool publish = boolean(path(service, {"spec", "publishNotReadyAddresses"}), false);
  // Address -> (ready, port set); repacked into subsets by identical port sets.
  struct Addr {
    Json address;
    bool ready;
  };
  std::map<std::string, std::vector<Addr>> by_ports;
  std::map<std::string, Json> port_sets;
  std::size_t total = 0;
  std::vector<const Json*> pods = ctx.store.list("Pod", namespace_of(service));
  for (const Json* pod : pods) {
    if (!selector.matches(labels_of(*pod)) || !pod_in_endpoints(*pod)) continue;
    bool terminating = being_deleted(*pod);
    if (terminating && !publish) continue;
    Json addr{{"ip", pod_ipv4(*pod)},
              {"targetRef",
               {{"kind", "Pod"}, {"namespace", namespace_of(*pod)}, {"name", name_of(*pod)}, {"uid", uid_of(*pod)}}}};
    std::string node = str(path(*pod, {"spec", "nodeName"}));
    if (!node.empty()) addr["nodeName"] = node;
    if (should_set_hostname(*pod, service)) addr["hostname"] = (*pod)["spec"]["hostname"];
    Json ports = endpoint_ports(service, *pod);
    if (ports.empty() && path(service, {"spec", "ports"}).is_array() && !service["spec"]["ports"].empty()) continue;
    std::sort(ports.begin(), ports.end(), [](const Json& a, const Json& b) { return a.dump() < b.dump(); });
    std::string key = ports.dump();
    port_sets.emplace(key, ports);
    by_ports[key].push_back({std::move(addr), publish || pod_ready(*pod)});
    ++total;
  }
  Json subsets = Json::array();
  std::size_t kept = 0;
  for (auto& [key, addrs] : by_ports) {
    std::sort(addrs.begin(), addrs.end(), [](const Addr& a, const Addr& b) {
      return std::pair(str(a.address["ip"]), str(a.address["targetRef"]["uid"])) <
             std::pair(str(b.address["ip"]), str(b.address["targetRef"]["uid"]));
    });
    Json subset = Json::object();
    Json ready = Json::array(), not_ready = Json::array();
    for (auto& a : addrs) {
      if (kept >= kMaxCapacity) break;
      (a.ready ? ready : not_ready).push_back(std::move(a.address));
      ++kept;
    }
    if (!ready.empty()) subset["addresses"] = std::move(ready);
    if (!not_ready.empty()) subset["notReadyAddresses"] = std::move(not_ready);
    if (subset.empty()) continue;
    if (!port_sets[key].empty()) subset["ports"] = port_sets[key];
    subsets.push_back(std::move(subset));
  }
  Json labels = Json::object();
  if (labels_of(service).is_object()) labels = labels_of(service);
  if (str(path(service, {"spec", "clusterIP"})) == "None") labels["service.kubernetes.io/headless"] = "";
  const Json* cur = ctx.store.get("Endpoints", namespace_of(service), name_of(service));
  Json ep = cur ? *cur
                : Json{{"apiVersion", "v1"},
                       {"kind", "Endpoints"},
                       {"metadata", {{"name", name_of(service)}, {"namespace", namespace_of(service)}}}};
  Json before = ep;
  ep["metadata"]["labels"] = labels;
  if (labels.empty()) ep["metadata"].erase("labels");
  if (total > kMaxCapacity)
    ep["metadata"]["annotations"]["endpoints.kubernetes.io/over-capacity"] = "truncated";
  else if (ep["metadata"].contains("annotations") && ep["metadata"]["annotations"].is_object())
    ep["metadata"]["annotations"].erase("endpoints.kubernetes.io/over-capacity");
  if (subsets.empty())
    ep.erase("subsets");
  else
    ep["subsets"] = std::move(subsets);
  if (!cur)
    out.actions.push_back(make_create(std::move(ep)));
  else if (ep != before)
    out.actions.push_back(make_update(ep));
  return out;
}

ReconcileResult reconcile_kubernetes_service_endpoints(const std::string& ip, int port, const Context& ctx) {
  ReconcileResult out;
  Json subsets = Json::array({{{"addresses", Json::array({{{"ip", ip}}})},
                               {"ports", Json::array({{{"name", "https"}, {"port", port}, {"protocol", "TCP"}}})}}});
  const Json* ep = ctx.store.get("Endpoints", "default", "kubernetes");
  if (!ep) {
    out.actions.push_back(make_create(Json{{"apiVersion", "v1"},
                                           {"kind", "Endpoints"},
                                           {"metadata",
                                            {{"name", "kubernetes"},
                                             {"namespace", "default"},
                                             {"labels", {{"endpointslice.kubernetes.io/skip-mirror", "true"}}}}},
                                           {"subsets", subsets}}));
  } else if (field(*ep, "subsets") != subsets) {
    Json next = *ep;
    next["subsets"] = subsets;
    out.actions.push_back(make_update(next));
  }
  Json endpoints = Json::array({{{"addresses", Json::array({ip})}, {"conditions", {{"ready", true}}}}});
  Json ports = Json::array({{{"name", "https"}, {"port", port}, {"protocol", "TCP"}}});
  const Json* slice = ctx.store.get("EndpointSlice", "default", "kubernetes");
  if (!slice) {
    out.actions.push_back(make_create(Json{{"apiVersion", "discovery.k8s.io/v1"},
                                           {"kind", "EndpointSlice"},
                                           {"metadata",
                                            {{"name", "kubernetes"},
                                             {"namespace", "default"},
                                             {"labels", {{std::string(kServiceNameLabel), "kubernetes"}}}}},
                                           {"addressType", is_ipv4(ip) ? "IPv4" : "IPv6"},
                                           {"endpoints", endpoints},
                                           {"ports", ports}}));
  } else if (field(*slice, "endpoints") != endpoints || field(*slice, "ports") != ports) {
    Json next = *slice;
    next["endpoints"] = endpoints;
    next["ports"] = ports;
    out.actions.push_back(make_update(next));
  }
  return out;
}

}  // namespace skiff::controllers
