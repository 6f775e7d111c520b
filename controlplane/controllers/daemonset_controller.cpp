#include "controllers/daemonset_controller.h"

#include <algorithm>
#include <map>

#include "controllers/controller_revision.h"
#include "controllers/label_selector.h"
#include "controllers/object_util.h"
#include "controllers/owner_claims.h"
#include "controllers/pod_util.h"
#include "controllers/replicaset_controller.h"

namespace skiff::controllers {
namespace {
constexpr std::string_view kComponent = "daemonset-controller";
constexpr std::string_view kRevisionLabel = "controller-revision-hash";

// The tolerations every DaemonSet pod gets (util.AddOrUpdateDaemonPodTolerations).
Json daemon_tolerations(const Json& spec) {
  Json t = Json::array();
  for (const char* key : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"})
    t.push_back({{"key", key}, {"operator", "Exists"}, {"effect", "NoExecute"}});
  for (const char* key : {"node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure",
                          "node.kubernetes.io/pid-pressure", "node.kubernetes.io/unschedulable"})
    t.push_back({{"key", key}, {"operator", "Exists"}, {"effect", "NoSchedule"}});
  if (boolean(field(spec, "hostNetwork"), false))
    t.push_back({{"key", "node.kubernetes.io/network-unavailable"}, {"operator", "Exists"}, {"effect", "NoSchedule"}});
  return t;
}

Json pod_tolerations(const Json& spec) {
  Json t = field(spec, "tolerations").is_array() ? spec["tolerations"] : Json::array();
  for (auto& d : daemon_tolerations(spec)) {
    bool have = false;
    for (const auto& e : t)
      if (str(field(e, "key")) == str(d["key"]) && str(field(e, "effect")) == str(d["effect"])) have = true;
    if (!have) t.push_back(d);
  }
  return t;
}

bool tolerates(const Json& toleration, const Json& taint) {
  std::string effect = str(field(toleration, "effect"));
  if (!effect.empty() && effect != str(field(taint, "effect"))) return false;
  std::string key = str(field(toleration, "key"));
  std::string op = str(field(toleration, "operator"), "Equal");
  if (key.empty()) return op == "Exists";
  if (key != str(field(taint, "key"))) return false;
  return op == "Exists" || str(field(toleration, "value")) == str(field(taint, "value"));
}

bool requirement_matches(const Json& req, const Json& values_source, bool is_field) {
  std::string key = str(field(req, "key"));
  std::string op = str(field(req, "operator"));
  const Json& v = is_field ? (key == "metadata.name" ? values_source : Json()) : field(values_source, key);
  bool present = v.is_string();
  std::string val = str(v);
  std::vector<std::string> values;
  if (field(req, "values").is_array())
    for (const auto& x : req["values"]) values.push_back(str(x));
  auto in = std::find(values.begin(), values.end(), val) != values.end();
  if (op == "In") return present && in;
  if (op == "NotIn") return !present || !in;
  if (op == "Exists") return present;
  if (op == "DoesNotExist") return !present;
  auto num = [](const std::string& s) -> std::optional<int64_t> {
    try {
      return std::stoll(s);
    } catch (...) {
      return std::nullopt;
    }
  };
  if ((op == "Gt" || op == "Lt") && present && values.size() == 1) {
    auto a = num(val), b = num(values[0]);
    if (!a || !b) return false;
    return op == "Gt" ? *a > *b : *a < *b;
  }
  return false;
}

bool affinity_matches(const Json& spec, const Json& node) {
  const Json& terms = path(spec, {"affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"});
  if (!terms.is_array() || terms.empty()) return true;
  for (const auto& term : terms) {
    bool ok = true, any = false;
    if (field(term, "matchExpressions").is_array())
      for (const auto& r : term["matchExpressions"]) {
        any = true;
        ok = ok && requirement_matches(r, labels_of(node), false);
      }
    if (field(term, "matchFields").is_array())
      for (const auto& r : term["matchFields"]) {
        any = true;
        ok = ok && requirement_matches(r, Json(name_of(node)), true);
      }
    if (any && ok) return true;
  }
  return false;
}

// The node a daemon pod is for: spec.nodeName, else its metadata.name affinity.
std::string target_node(const Json& pod) {
  std::string n = str(path(pod, {"spec", "nodeName"}));
  if (!n.empty()) return n;
  const Json& terms = path(pod, {"spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"});
  if (terms.is_array())
    for (const auto& t : terms)
      if (field(t, "matchFields").is_array())
        for (const auto& r : t["matchFields"])
          if (str(field(r, "key")) == "metadata.name" && str(field(r, "operator")) == "In" && r["values"].size() == 1)
            return str(r["values"][0]);
  return "";
}
}  // namespace

bool node_should_run_daemon_pod(const Json& node, const Json& ds) {
  const Json& spec = path(ds, {"spec", "template", "spec"});
  if (!str(field(spec, "nodeName")).empty() && str(spec["nodeName"]) != name_of(node)) return false;
  const Json& selector = field(spec, "nodeSelector");
  if (selector.is_object() && !LabelSelector::from_map(selector).matches(labels_of(node))) return false;
  if (!affinity_matches(spec, node)) return false;
  Json tolerations = pod_tolerations(spec);
  const Json& taints = path(node, {"spec", "taints"});
  if (taints.is_array())
    for (const auto& taint : taints) {
      std::string effect = str(field(taint, "effect"));
      if (effect != "NoSchedule" && effect != "NoExecute") continue;
      bool ok = false;
      for (const auto& t : tolerations) ok = ok || tolerates(t, taint);
      if (!ok) return false;
    }
  return true;
}

ReconcileResult reconcile_daemon_set(const Json& ds, const Context& ctx) {
  ReconcileResult out;
  Json status = field(ds, "status").is_object() ? ds["status"] : Json::object();
  const Json orig = status;
  auto selector = LabelSelector::parse(path(ds, {"spec", "selector"}));
  if (!selector || selector->empty() || !selector->matches(path(ds, {"spec", "template", "metadata", "labels"}))) {
    std::string msg = !selector ? "invalid selector: " + selector.error().message
                                : "`selector` does not match template `labels` (or is empty)";
    Json s = ds;
    s["status"]["observedGeneration"] = generation_of(ds);
    if (s["status"] != orig) {
      out.actions.push_back(make_event(ds, "Warning", "InvalidSelector", msg, ctx.now, kComponent));
      out.actions.push_back(make_update_status(s));
    }
    return out;
  }
  Claimed claimed = claim_objects(ds, *selector, ctx.store.list("Pod", namespace_of(ds)));
  for (auto& a : claimed.patches) out.actions.push_back(std::move(a));

  std::vector<std::string> in_use;
  for (const Json* p : claimed.objects) in_use.push_back(name_of(ds) + "-" + str(field(labels_of(*p), kRevisionLabel)));
  Revisions revs = sync_revisions(ds, "", in_use, ctx);
  for (auto& a : revs.actions) out.actions.push_back(std::move(a));
  const std::string hash = str(field(labels_of(revs.update), kControllerRevisionHashLabel));
  const int64_t min_ready = integer(path(ds, {"spec", "minReadySeconds"}), 0);

  std::map<std::string, std::vector<const Json*>> by_node;
  for (const Json* p : claimed.objects)
    if (!being_deleted(*p)) by_node[target_node(*p)].push_back(p);

  std::vector<Action> writes, events;
  int64_t desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0;
  std::vector<std::string> eligible;
  std::vector<const Json*> nodes = ctx.store.list("Node", "");
  std::sort(nodes.begin(), nodes.end(), [](const Json* a, const Json* b) { return name_of(*a) < name_of(*b); });
  auto del = [&](const Json& pod) {
    writes.push_back(make_delete(pod));
    events.push_back(make_event(ds, "Normal", "SuccessfulDelete", "Deleted pod: " + name_of(pod), ctx.now, kComponent));
  };
  std::vector<std::string> known_nodes;
  for (const Json* node : nodes) {
    std::string n = name_of(*node);
    known_nodes.push_back(n);
    bool should = node_should_run_daemon_pod(*node, ds);
    auto& pods = by_node[n];
    if (!should) {
      if (!pods.empty()) ++misscheduled;
      for (const Json* p : pods) del(*p);
      continue;
    }
    ++desired;
    eligible.push_back(n);
    std::vector<const Json*> alive;
    for (const Json* p : pods) {
      if (pod_phase(*p) == "Failed") {
        del(*p);  // replaced on a later sync
        continue;
      }
      alive.push_back(p);
    }
    if (alive.empty() && pods.empty()) {
      Json tmpl = path(ds, {"spec", "template"});
      tmpl["metadata"]["labels"][std::string(kRevisionLabel)] = hash;
      tmpl["metadata"]["labels"]["pod-template-generation"] = std::to_string(generation_of(ds));
      Json& spec = tmpl["spec"];
      spec["tolerations"] = pod_tolerations(spec);
      spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = {
          {"nodeSelectorTerms",
           Json::array({{{"matchFields", Json::array({{{"key", "metadata.name"}, {"operator", "In"}, {"values", Json::array({n})}}})}}})}};
      Json pod = pod_from_template(tmpl, ds, name_of(ds) + "-", ctx.names);
      events.push_back(make_event(ds, "Normal", "SuccessfulCreate", "Created pod: " + name_of(pod), ctx.now, kComponent));
      writes.push_back(make_create(std::move(pod)));
      continue;
    }
    if (alive.empty()) continue;
    ++current;
    // More than one: keep the oldest.
    std::sort(alive.begin(), alive.end(), [](const Json* a, const Json* b) { return creation_time(*a) < creation_time(*b); });
    for (std::size_t i = 1; i < alive.size(); ++i) del(*alive[i]);
    const Json& pod = *alive[0];
    if (pod_ready(pod)) ++ready;
    if (pod_available(pod, min_ready, ctx.now)) ++available;
    if (str(field(labels_of(pod), kRevisionLabel)) == hash) ++updated;
  }
  // Pods for nodes that no longer exist.
  for (auto& [n, pods] : by_node)
    if (std::find(known_nodes.begin(), known_nodes.end(), n) == known_nodes.end())
      for (const Json* p : pods) {
        ++misscheduled;
        del(*p);
      }

  // Rolling update: replace old pods, unavailable ones first, within maxUnavailable.
  if (str(path(ds, {"spec", "updateStrategy", "type"}), "RollingUpdate") == "RollingUpdate") {
    Json mu = path(ds, {"spec", "updateStrategy", "rollingUpdate", "maxUnavailable"});
    if (mu.is_null()) mu = 1;
    int64_t max_unavailable = scaled_int_or_percent(mu, desired, true).value_or(1);
    if (max_unavailable == 0) max_unavailable = 1;
    int64_t unavailable = 0;
    std::vector<const Json*> replace_now, candidates;
    for (const auto& n : eligible) {
      auto& pods = by_node[n];
      if (pods.size() != 1) {
        ++unavailable;
        continue;
      }
      const Json& pod = *pods[0];
      bool is_new = str(field(labels_of(pod), kRevisionLabel)) == hash;
      bool avail = pod_available(pod, min_ready, ctx.now);
      if (is_new) {
        if (!avail) ++unavailable;
      } else if (!avail) {
        replace_now.push_back(&pod);
      } else if (unavailable < max_unavailable) {
        candidates.push_back(&pod);
      }
    }
    int64_t room = std::clamp<int64_t>(max_unavailable - unavailable, 0, static_cast<int64_t>(candidates.size()));
    for (const Json* p : replace_now) del(*p);
    for (int64_t i = 0; i < room; ++i) del(*candidates[static_cast<std::size_t>(i)]);
  }

  status["observedGeneration"] = generation_of(ds);
  status["desiredNumberScheduled"] = desired;
  status["currentNumberScheduled"] = current;
  status["numberMisscheduled"] = misscheduled;
  status["numberReady"] = ready;
  status["updatedNumberScheduled"] = updated;
  status["numberAvailable"] = available;
  status["numberUnavailable"] = std::max<int64_t>(0, desired - available);
  for (const char* k : {"numberAvailable", "numberUnavailable", "updatedNumberScheduled"})
    if (status[k] == 0) status.erase(k);
  for (auto& w : writes) out.actions.push_back(std::move(w));
  if (status != orig) {
    Json s = ds;
    s["status"] = status;
    out.actions.push_back(make_update_status(s));
  }
  for (auto& e : events) out.actions.push_back(std::move(e));
  return out;
}

}  // namespace skiff::controllers
