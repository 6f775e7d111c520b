// Defaulting in two passes: kind-specific rules that depend on other fields
// (pkg/apis/*/v1/defaults.go), then the schema's plain defaults, applied to
// every present object the schema describes (so pod templates inside
// Deployments, Jobs and CronJobs are defaulted like Pods).
#include "skiff/apimachinery/defaulting.h"

#include <nlohmann/json.hpp>
#include "json_access.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

json& child(json& obj, const char* key) {
  json& c = obj[key];
  if (!c.is_object()) c = json::object();
  return c;
}

bool missing(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null();
}

void set_if_missing(json& obj, const char* key, json value) {
  if (missing(obj, key)) obj[key] = std::move(value);
}

// Walks `value` with `schema`, filling schema defaults of absent properties.
void schema_defaults(const Schema* schema, json& value, int depth = 0) {
  if (!schema || depth > 100) return;
  switch (schema->type) {
    case FieldType::Object:
      if (!value.is_object()) return;
      for (const auto& [key, sub] : schema->properties) {
        auto it = value.find(key);
        if ((it == value.end() || it->is_null()) && sub->default_value) {
          value[key] = *sub->default_value;
          it = value.find(key);
        }
        if (it != value.end()) schema_defaults(sub.get(), *it, depth + 1);
      }
      return;
    case FieldType::Array:
      if (!value.is_array()) return;
      for (auto& item : value) schema_defaults(schema->items.get(), item, depth + 1);
      return;
    case FieldType::Map:
      if (!value.is_object()) return;
      for (auto& [k, v] : value.items()) schema_defaults(schema->additional.get(), v, depth + 1);
      return;
    default:
      return;
  }
}

// Always for ":latest" or no tag (digests count as tagged), IfNotPresent otherwise.
std::string default_pull_policy(const std::string& image) {
  if (image.find('@') != std::string::npos) return "IfNotPresent";
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (!has_tag) return "Always";
  return image.substr(colon + 1) == "latest" ? "Always" : "IfNotPresent";
}

void default_containers(json& spec, const char* list, bool host_network) {
  auto it = spec.find(list);
  if (it == spec.end() || !it->is_array()) return;
  for (auto& c : *it) {
    if (!c.is_object()) continue;
    if (missing(c, "imagePullPolicy") && c.contains("image") && c["image"].is_string())
      c["imagePullPolicy"] = default_pull_policy(c["image"].get<std::string>());
    // requests default to limits (SetDefaults_Pod)
    if (auto r = c.find("resources"); r != c.end() && r->is_object()) {
      if (auto lim = r->find("limits"); lim != r->end() && lim->is_object() && !lim->empty()) {
        json& req = child(*r, "requests");
        for (auto& [name, q] : lim->items())
          if (!req.contains(name)) req[name] = q;
      }
    }
    if (host_network)
      if (auto ports = c.find("ports"); ports != c.end() && ports->is_array())
        for (auto& p : *ports)
          if (p.is_object() && missing(p, "hostPort") && p.contains("containerPort")) p["hostPort"] = p["containerPort"];
  }
}

void default_pod_spec(json& spec) {
  if (!spec.is_object()) return;
  bool host_network = bval(spec, "hostNetwork", false);
  default_containers(spec, "containers", host_network);
  default_containers(spec, "initContainers", host_network);
  default_containers(spec, "ephemeralContainers", false);
  if (auto vols = spec.find("volumes"); vols != spec.end() && vols->is_array()) {
    for (auto& v : *vols) {
      if (!v.is_object()) continue;
      bool has_source = false;
      for (auto& [k, _] : v.items()) has_source = has_source || k != "name";
      if (!has_source) v["emptyDir"] = json::object();  // SetDefaults_Volume
      for (const char* src : {"projected", "downwardAPI"})
        if (auto s = v.find(src); s != v.end() && s->is_object()) set_if_missing(*s, "defaultMode", 420);
    }
  }
}

void default_template(json& spec) {
  auto it = spec.find("template");
  if (it != spec.end() && it->is_object())
    if (auto ps = it->find("spec"); ps != it->end()) default_pod_spec(*ps);
}

void default_service(json& obj) {
  json& spec = child(obj, "spec");
  set_if_missing(spec, "type", "ClusterIP");
  set_if_missing(spec, "sessionAffinity", "None");
  std::string type = spec["type"].is_string() ? spec["type"].get<std::string>() : "";
  if (spec["sessionAffinity"] == "ClientIP") {
    json& client_ip = child(child(spec, "sessionAffinityConfig"), "clientIP");
    set_if_missing(client_ip, "timeoutSeconds", 10800);
  }
  if (auto ports = spec.find("ports"); ports != spec.end() && ports->is_array()) {
    for (auto& p : *ports) {
      if (!p.is_object()) continue;
      set_if_missing(p, "protocol", "TCP");
      auto tp = p.find("targetPort");
      bool unset = tp == p.end() || tp->is_null() || (tp->is_number() && tp->get<int64_t>() == 0) ||
                   (tp->is_string() && tp->get<std::string>().empty());
      if (unset && p.contains("port")) p["targetPort"] = p["port"];
    }
  }
  if (type == "NodePort" || type == "LoadBalancer") set_if_missing(spec, "externalTrafficPolicy", "Cluster");
  if (type != "ExternalName") set_if_missing(spec, "internalTrafficPolicy", "Cluster");
  if (type == "LoadBalancer") set_if_missing(spec, "allocateLoadBalancerNodePorts", true);
  if (type != "ExternalName") {
    bool headless = sval(spec, "clusterIP", "") == "None";
    bool has_selector = spec.contains("selector") && spec["selector"].is_object() && !spec["selector"].empty();
    set_if_missing(spec, "ipFamilyPolicy", headless && !has_selector ? "RequireDualStack" : "SingleStack");
    set_if_missing(spec, "ipFamilies", json::array({"IPv4"}));
  }
}

void default_job_spec(json& spec, const json& meta) {
  if (!spec.is_object()) return;
  if (missing(spec, "completions") && missing(spec, "parallelism")) {
    spec["completions"] = 1;
    spec["parallelism"] = 1;
  }
  set_if_missing(spec, "parallelism", 1);
  set_if_missing(spec, "backoffLimit", missing(spec, "backoffLimitPerIndex") ? 6 : 2147483647);
  set_if_missing(spec, "completionMode", "NonIndexed");
  set_if_missing(spec, "suspend", false);
  set_if_missing(spec, "podReplacementPolicy", missing(spec, "podFailurePolicy") ? "TerminatingOrFailed" : "Failed");
  // The job's own selector and labels (batch strategy PrepareForCreate), when the uid is known.
  bool manual = bval(spec, "manualSelector", false);
  if (!manual && meta.is_object() && meta.contains("uid") && meta["uid"].is_string() && missing(spec, "selector")) {
    std::string uid = meta["uid"].get<std::string>();
    std::string name = sval(meta, "name", "");
    spec["selector"] = {{"matchLabels", {{"batch.kubernetes.io/controller-uid", uid}}}};
    json& labels = child(child(child(spec, "template"), "metadata"), "labels");
    labels["batch.kubernetes.io/controller-uid"] = uid;
    labels["batch.kubernetes.io/job-name"] = name;
    labels["controller-uid"] = uid;
    labels["job-name"] = name;
  }
  default_template(spec);
}

void kind_defaults(const GroupVersionKind& gvk, json& obj) {
  const std::string& k = gvk.kind;
  if (gvk.group.empty()) {
    if (k == "Pod") {
      default_pod_spec(child(obj, "spec"));
    } else if (k == "Service") {
      default_service(obj);
    } else if (k == "Secret") {
      set_if_missing(obj, "type", "Opaque");
    } else if (k == "Namespace") {
      std::string name = obj.contains("metadata") ? sval(obj["metadata"], "name", "") : "";
      if (!name.empty()) child(child(obj, "metadata"), "labels")["kubernetes.io/metadata.name"] = name;
      set_if_missing(child(obj, "status"), "phase", "Active");
    } else if (k == "Node") {
      json& status = child(obj, "status");
      if (missing(status, "allocatable") && status.contains("capacity")) status["allocatable"] = status["capacity"];
    } else if (k == "PersistentVolume") {
      json& spec = child(obj, "spec");
      set_if_missing(spec, "persistentVolumeReclaimPolicy", "Retain");
      set_if_missing(spec, "volumeMode", "Filesystem");
      set_if_missing(child(obj, "status"), "phase", "Pending");
    } else if (k == "PersistentVolumeClaim") {
      set_if_missing(child(obj, "spec"), "volumeMode", "Filesystem");
      set_if_missing(child(obj, "status"), "phase", "Pending");
    } else if (k == "Endpoints") {
      if (auto subsets = obj.find("subsets"); subsets != obj.end() && subsets->is_array())
        for (auto& s : *subsets)
          if (auto ports = s.find("ports"); ports != s.end() && ports->is_array())
            for (auto& p : *ports)
              if (p.is_object()) set_if_missing(p, "protocol", "TCP");
    } else if (k == "ReplicationController") {
      json& spec = child(obj, "spec");
      json tmpl_labels = spec.contains("template") && spec["template"].is_object() && spec["template"].contains("metadata")
                             ? jval(spec["template"]["metadata"], "labels", json())
                             : json();
      if (tmpl_labels.is_object() && !tmpl_labels.empty()) {
        if (missing(spec, "selector") || spec["selector"].empty()) spec["selector"] = tmpl_labels;
        json& meta = child(obj, "metadata");
        if (missing(meta, "labels") || meta["labels"].empty()) meta["labels"] = tmpl_labels;
      }
      set_if_missing(spec, "replicas", 1);
      default_template(spec);
    } else if (k == "PodTemplate") {
      if (auto t = obj.find("template"); t != obj.end() && t->is_object() && t->contains("spec"))
        default_pod_spec((*t)["spec"]);
    }
    return;
  }
  if (gvk.group == "apps") {
    json& spec = child(obj, "spec");
    if (k == "Deployment") {
      set_if_missing(spec, "replicas", 1);
      json& strategy = child(spec, "strategy");
      set_if_missing(strategy, "type", "RollingUpdate");
      if (strategy["type"] == "RollingUpdate") {
        json& ru = child(strategy, "rollingUpdate");
        set_if_missing(ru, "maxUnavailable", "25%");
        set_if_missing(ru, "maxSurge", "25%");
      }
      set_if_missing(spec, "revisionHistoryLimit", 10);
      set_if_missing(spec, "progressDeadlineSeconds", 600);
    } else if (k == "ReplicaSet") {
      set_if_missing(spec, "replicas", 1);
    } else if (k == "StatefulSet") {
      set_if_missing(spec, "replicas", 1);
      set_if_missing(spec, "podManagementPolicy", "OrderedReady");
      json& us = child(spec, "updateStrategy");
      set_if_missing(us, "type", "RollingUpdate");
      if (us["type"] == "RollingUpdate") set_if_missing(child(us, "rollingUpdate"), "partition", 0);
      set_if_missing(spec, "revisionHistoryLimit", 10);
      json& retention = child(spec, "persistentVolumeClaimRetentionPolicy");
      set_if_missing(retention, "whenDeleted", "Retain");
      set_if_missing(retention, "whenScaled", "Retain");
      if (auto vcts = spec.find("volumeClaimTemplates"); vcts != spec.end() && vcts->is_array())
        for (auto& t : *vcts) {
          if (!t.is_object()) continue;
          set_if_missing(child(t, "spec"), "volumeMode", "Filesystem");
          set_if_missing(child(t, "status"), "phase", "Pending");
        }
    } else if (k == "DaemonSet") {
      json& us = child(spec, "updateStrategy");
      set_if_missing(us, "type", "RollingUpdate");
      if (us["type"] == "RollingUpdate") {
        json& ru = child(us, "rollingUpdate");
        set_if_missing(ru, "maxUnavailable", 1);
        set_if_missing(ru, "maxSurge", 0);
      }
      set_if_missing(spec, "revisionHistoryLimit", 10);
    } else {
      if (spec.empty()) obj.erase("spec");
      return;
    }
    default_template(spec);
    return;
  }
  if (gvk.group == "batch") {
    json& spec = child(obj, "spec");
    if (k == "Job") default_job_spec(spec, jval(obj, "metadata", json()));
    if (k == "CronJob") {
      json& jt = child(spec, "jobTemplate");
      default_job_spec(child(jt, "spec"), json());
    }
    return;
  }
  if (gvk.group == "autoscaling" && k == "HorizontalPodAutoscaler") {
    json& spec = child(obj, "spec");
    set_if_missing(spec, "minReplicas", 1);
    if (missing(spec, "metrics") || spec["metrics"].empty())
      spec["metrics"] = json::array({{{"type", "Resource"},
                                      {"resource", {{"name", "cpu"},
                                                    {"target", {{"type", "Utilization"}, {"averageUtilization", 80}}}}}}});
    return;
  }
  if (gvk.group == "rbac.authorization.k8s.io" && (k == "RoleBinding" || k == "ClusterRoleBinding")) {
    if (auto ref = obj.find("roleRef"); ref != obj.end() && ref->is_object())
      if (missing(*ref, "apiGroup") || (*ref)["apiGroup"] == "") (*ref)["apiGroup"] = "rbac.authorization.k8s.io";
    if (auto subjects = obj.find("subjects"); subjects != obj.end() && subjects->is_array())
      for (auto& s : *subjects) {
        if (!s.is_object() || !missing(s, "apiGroup")) continue;
        std::string kind = sval(s, "kind", "");
        if (kind == "User" || kind == "Group") s["apiGroup"] = "rbac.authorization.k8s.io";
        if (kind == "ServiceAccount") s["apiGroup"] = "";
      }
    return;
  }
  if (gvk.group == "networking.k8s.io" && k == "NetworkPolicy") {
    json& spec = child(obj, "spec");
    if (missing(spec, "podSelector")) spec["podSelector"] = json::object();
    if (missing(spec, "policyTypes") || spec["policyTypes"].empty()) {
      json types = json::array({"Ingress"});
      if (spec.contains("egress") && spec["egress"].is_array()) types.push_back("Egress");
      spec["policyTypes"] = types;
    }
    return;
  }
  if (gvk.group == "discovery.k8s.io" && k == "EndpointSlice") {
    if (auto ports = obj.find("ports"); ports != obj.end() && ports->is_array())
      for (auto& p : *ports)
        if (p.is_object()) {
          set_if_missing(p, "protocol", "TCP");
          set_if_missing(p, "name", "");
        }
    return;
  }
  if (gvk.group == "apiextensions.k8s.io" && k == "CustomResourceDefinition") {
    json& spec = child(obj, "spec");
    set_if_missing(child(spec, "conversion"), "strategy", "None");
    if (spec.contains("names") && spec["names"].is_object()) {
      json& names = spec["names"];
      if (missing(names, "singular") && names.contains("kind") && names["kind"].is_string()) {
        std::string s = names["kind"].get<std::string>();
        for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        names["singular"] = s;
      }
      if (missing(names, "listKind") && names.contains("kind") && names["kind"].is_string())
        names["listKind"] = names["kind"].get<std::string>() + "List";
    }
  }
}

void carry_service_allocations(json& obj, const json& old) {
  if (!obj.contains("spec") || !obj["spec"].is_object() || !old.contains("spec") || !old["spec"].is_object()) return;
  json& spec = obj["spec"];
  const json& before = old["spec"];
  std::string type = sval(spec, "type", "ClusterIP");
  if (type != sval(before, "type", "ClusterIP")) return;
  if (type == "ExternalName") return;
  for (const char* f : {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "healthCheckNodePort"})
    if (missing(spec, f) && before.contains(f)) spec[f] = before[f];
  if (type == "ClusterIP") return;
  auto ports = spec.find("ports");
  auto old_ports = before.find("ports");
  if (ports == spec.end() || old_ports == before.end() || !ports->is_array() || !old_ports->is_array()) return;
  for (auto& p : *ports) {
    if (!p.is_object() || !missing(p, "nodePort")) continue;
    for (const auto& q : *old_ports)
      if (q.is_object() && ival(q, "port", 0) == ival(p, "port", -1) &&
          sval(q, "protocol", "TCP") == sval(p, "protocol", "TCP") && q.contains("nodePort"))
        p["nodePort"] = q["nodePort"];
  }
}

void carry_job_selector(json& obj, const json& old) {
  if (!obj.contains("spec") || !obj["spec"].is_object() || !old.contains("spec")) return;
  json& spec = obj["spec"];
  const json& before = old["spec"];
  if (bval(spec, "manualSelector", false)) return;
  if (missing(spec, "selector") && before.contains("selector")) spec["selector"] = before["selector"];
  const json* labels = before.contains("template") && before["template"].is_object() && before["template"].contains("metadata")
                           ? &before["template"]["metadata"]
                           : nullptr;
  if (!labels || !labels->contains("labels")) return;
  json& now = child(child(child(spec, "template"), "metadata"), "labels");
  for (const char* k : {"batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name"})
    if (!now.contains(k) && (*labels)["labels"].contains(k)) now[k] = (*labels)["labels"][k];
}

}  // namespace

void apply_update_defaults(const GroupVersionKind& gvk, json& obj, const json& old) {
  if (!obj.is_object() || !old.is_object()) return;
  if (gvk.group.empty() && gvk.kind == "Service") carry_service_allocations(obj, old);
  if (gvk.group == "batch" && gvk.kind == "Job") carry_job_selector(obj, old);
}

void apply_defaults(const GroupVersionKind& gvk, json& obj) { apply_defaults(SchemaRegistry::builtin(), gvk, obj); }

void apply_defaults(const SchemaRegistry& reg, const GroupVersionKind& gvk, json& obj) {
  if (!obj.is_object()) return;
  kind_defaults(gvk, obj);
  schema_defaults(reg.for_kind(gvk), obj);
}

}  // namespace skiff::apimachinery
