#include "controllers/statefulset_controller.h"

#include <algorithm>
#include <map>

#include "controllers/controller_revision.h"
#include "controllers/label_selector.h"
#include "controllers/object_util.h"
#include "controllers/owner_claims.h"
#include "controllers/pod_util.h"

namespace skiff::controllers {
namespace {
constexpr std::string_view kComponent = "statefulset-controller";
constexpr std::string_view kRevisionLabel = "controller-revision-hash";

// Ordinal from "<set>-<n>", -1 when the name is not the set's.
int64_t ordinal_of(const Json& pod, const std::string& set_name) {
  std::string n = name_of(pod);
  if (n.size() <= set_name.size() + 1 || n.compare(0, set_name.size(), set_name) != 0 || n[set_name.size()] != '-')
    return -1;
  std::string digits = n.substr(set_name.size() + 1);
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  if (digits.size() > 1 && digits[0] == '0') return -1;
  return std::stoll(digits);
}

bool running_and_ready(const Json& pod) { return pod_phase(pod) == "Running" && pod_ready(pod); }

std::string claim_name(const Json& claim, const std::string& set, int64_t ordinal) {
  return name_of(claim) + "-" + set + "-" + std::to_string(ordinal);
}

Json make_pod(const Json& set, const Json& tmpl, const std::string& revision, int64_t ordinal) {
  std::string set_name = name_of(set);
  std::string name = set_name + "-" + std::to_string(ordinal);
  Json meta{{"name", name}, {"namespace", namespace_of(set)}, {"ownerReferences", Json::array({make_controller_ref(set)})}};
  Json labels = path(tmpl, {"metadata", "labels"}).is_object() ? tmpl["metadata"]["labels"] : Json::object();
  labels["statefulset.kubernetes.io/pod-name"] = name;
  labels["apps.kubernetes.io/pod-index"] = std::to_string(ordinal);
  labels[std::string(kRevisionLabel)] = revision;
  meta["labels"] = labels;
  if (path(tmpl, {"metadata", "annotations"}).is_object()) meta["annotations"] = tmpl["metadata"]["annotations"];
  Json spec = field(tmpl, "spec").is_object() ? tmpl["spec"] : Json::object();
  spec["hostname"] = name;
  if (!str(path(set, {"spec", "serviceName"})).empty()) spec["subdomain"] = set["spec"]["serviceName"];
  const Json& claims = path(set, {"spec", "volumeClaimTemplates"});
  if (claims.is_array() && !claims.empty()) {
    Json volumes = Json::array();
    for (const auto& c : claims)
      volumes.push_back({{"name", name_of(c)},
                         {"persistentVolumeClaim", {{"claimName", claim_name(c, set_name, ordinal)}}}});
    if (spec["volumes"].is_array())
      for (const auto& v : spec["volumes"]) {
        bool shadowed = false;
        for (const auto& c : claims)
          if (str(field(v, "name")) == name_of(c)) shadowed = true;
        if (!shadowed) volumes.push_back(v);
      }
    spec["volumes"] = volumes;
  }
  return Json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", meta}, {"spec", spec}};
}
}  // namespace

ReconcileResult reconcile_stateful_set(const Json& set, const Context& ctx) {
  ReconcileResult out;
  Json status = field(set, "status").is_object() ? set["status"] : Json::object();
  const Json orig = status;
  const std::string set_name = name_of(set);
  std::vector<Action> events;

  auto selector = LabelSelector::parse(path(set, {"spec", "selector"}));
  std::string problem;
  if (!selector)
    problem = "invalid selector: " + selector.error().message;
  else if (selector->empty() || selector->matches_nothing())
    problem = "spec.selector must be non-empty";
  else if (!selector->matches(path(set, {"spec", "template", "metadata", "labels"})))
    problem = "`selector` does not match template `labels`";
  if (!problem.empty()) {
    if (set_condition(status, "ReplicaFailure", "True", "InvalidSelector", problem, ctx.now))
      out.actions.push_back(make_event(set, "Warning", "InvalidSelector", problem, ctx.now, kComponent));
    if (status != orig) {
      Json s = set;
      s["status"] = status;
      out.actions.push_back(make_update_status(s));
    }
    return out;
  }

  std::vector<const Json*> all_pods = ctx.store.list("Pod", namespace_of(set));
  Claimed claimed = claim_objects(set, *selector, all_pods);
  for (auto& a : claimed.patches) out.actions.push_back(std::move(a));

  std::vector<std::string> in_use;
  for (const Json* p : claimed.objects) in_use.push_back(str(field(labels_of(*p), kRevisionLabel)));
  Revisions revs = sync_revisions(set, str(field(status, "currentRevision")), in_use, ctx);
  for (auto& a : revs.actions) out.actions.push_back(std::move(a));
  const std::string current_rev = name_of(revs.current), update_rev = name_of(revs.update);
  const Json current_tmpl = template_of_revision(revs.current), update_tmpl = path(set, {"spec", "template"});

  const int64_t replicas = integer(path(set, {"spec", "replicas"}), 1);
  const int64_t start = integer(path(set, {"spec", "ordinals", "start"}), 0);
  const bool parallel = str(path(set, {"spec", "podManagementPolicy"}), "OrderedReady") == "Parallel";
  const std::string strategy = str(path(set, {"spec", "updateStrategy", "type"}), "RollingUpdate");
  const int64_t partition = integer(path(set, {"spec", "updateStrategy", "rollingUpdate", "partition"}), 0);
  const int64_t min_ready = integer(path(set, {"spec", "minReadySeconds"}), 0);

  std::map<int64_t, const Json*> slots;
  std::vector<const Json*> condemned;
  for (const Json* p : claimed.objects) {
    int64_t ord = ordinal_of(*p, set_name);
    if (ord < 0) continue;
    if (ord >= start && ord < start + replicas)
      slots[ord] = p;
    else
      condemned.push_back(p);
  }
  std::sort(condemned.begin(), condemned.end(), [&](const Json* a, const Json* b) {
    return ordinal_of(*a, set_name) > ordinal_of(*b, set_name);
  });

  // Status from the pods as they are.
  int64_t count = 0, ready = 0, available = 0, current = 0, updated = 0;
  for (const Json* p : claimed.objects) {
    if (ordinal_of(*p, set_name) < 0 || being_deleted(*p)) continue;
    ++count;
    if (pod_ready(*p)) ++ready;
    if (pod_available(*p, min_ready, ctx.now)) ++available;
    std::string r = str(field(labels_of(*p), kRevisionLabel));
    if (r == current_rev) ++current;
    if (r == update_rev) ++updated;
  }

  std::vector<Action> writes;
  bool blocked = false;  // OrderedReady: stop at the first pod not yet healthy
  if (!being_deleted(set)) {
    for (int64_t ord = start; ord < start + replicas && !blocked; ++ord) {
      auto it = slots.find(ord);
      const Json* pod = it == slots.end() ? nullptr : it->second;
      if (pod && pod_phase(*pod) == "Failed" && !being_deleted(*pod)) {
        writes.push_back(make_delete(*pod));
        events.push_back(make_event(set, "Normal", "SuccessfulDelete",
                                    "delete Pod " + name_of(*pod) + " in StatefulSet " + set_name + " successful",
                                    ctx.now, kComponent));
        if (!parallel) blocked = true;
        continue;
      }
      if (!pod) {
        bool use_current = strategy == "RollingUpdate" && ord < start + partition;
        Json p = use_current ? make_pod(set, current_tmpl, current_rev, ord) : make_pod(set, update_tmpl, update_rev, ord);
        const Json& claims = path(set, {"spec", "volumeClaimTemplates"});
        if (claims.is_array())
          for (const auto& c : claims) {
            std::string cname = claim_name(c, set_name, ord);
            if (ctx.store.get("PersistentVolumeClaim", namespace_of(set), cname)) continue;
            Json labels = selector ? path(set, {"spec", "selector", "matchLabels"}) : Json();
            if (!labels.is_object()) labels = Json::object();
            if (labels_of(c).is_object()) labels.update(labels_of(c));
            Json pvc{{"apiVersion", "v1"},
                     {"kind", "PersistentVolumeClaim"},
                     {"metadata", {{"name", cname}, {"namespace", namespace_of(set)}, {"labels", labels}}},
                     {"spec", field(c, "spec")}};
            writes.push_back(make_create(std::move(pvc)));
            events.push_back(make_event(set, "Normal", "SuccessfulCreate",
                                        "create Claim " + cname + " Pod " + name_of(p) + " in StatefulSet " + set_name +
                                            " success",
                                        ctx.now, kComponent));
          }
        events.push_back(make_event(set, "Normal", "SuccessfulCreate",
                                    "create Pod " + name_of(p) + " in StatefulSet " + set_name + " successful", ctx.now,
                                    kComponent));
        writes.push_back(make_create(std::move(p)));
        if (!parallel) blocked = true;
        continue;
      }
      if (!parallel && (being_deleted(*pod) || !running_and_ready(*pod) || !pod_available(*pod, min_ready, ctx.now))) {
        blocked = true;
        if (running_and_ready(*pod) && min_ready > 0) out.requeue(std::chrono::seconds(min_ready));
      }
    }
    // Scale down: highest ordinal first; OrderedReady one at a time and only
    // when every kept pod is healthy.
    for (const Json* p : condemned) {
      if (blocked) break;
      if (being_deleted(*p)) {
        if (!parallel) blocked = true;
        continue;
      }
      writes.push_back(make_delete(*p));
      events.push_back(make_event(set, "Normal", "SuccessfulDelete",
                                  "delete Pod " + name_of(*p) + " in StatefulSet " + set_name + " successful", ctx.now,
                                  kComponent));
      if (!parallel) blocked = true;
    }
    // Rolling update: from the highest ordinal down to the partition, one
    // pod at a time, each waiting for the previous to be Running and Ready.
    if (!blocked && strategy == "RollingUpdate") {
      for (int64_t ord = start + replicas - 1; ord >= start + partition; --ord) {
        auto it = slots.find(ord);
        if (it == slots.end()) break;
        const Json& pod = *it->second;
        if (str(field(labels_of(pod), kRevisionLabel)) != update_rev && !being_deleted(pod)) {
          writes.push_back(make_delete(pod));
          events.push_back(make_event(set, "Normal", "SuccessfulDelete",
                                      "delete Pod " + name_of(pod) + " in StatefulSet " + set_name + " successful",
                                      ctx.now, kComponent));
          break;
        }
        if (!running_and_ready(pod) || being_deleted(pod)) break;
      }
    }
  }

  auto put = [&](const char* k, int64_t v) { status[k] = v; };
  status["observedGeneration"] = generation_of(set);
  put("replicas", count);
  put("readyReplicas", ready);
  put("availableReplicas", available);
  put("currentReplicas", current);
  put("updatedReplicas", updated);
  status["currentRevision"] = current_rev;
  status["updateRevision"] = update_rev;
  if (!status.contains("collisionCount")) status["collisionCount"] = 0;
  // Rollout complete: the update revision becomes current.
  if (strategy == "RollingUpdate" && updated == replicas && ready == replicas && count == replicas) {
    status["currentRevision"] = update_rev;
    status["currentReplicas"] = updated;
  }
  if (const Json* rf = find_condition(status, "ReplicaFailure"); rf && str(field(*rf, "reason")) == "InvalidSelector")
    remove_condition(status, "ReplicaFailure");
  for (auto& w : writes) out.actions.push_back(std::move(w));
  if (status != orig) {
    Json s = set;
    s["status"] = status;
    out.actions.push_back(make_update_status(s));
  }
  for (auto& e : events) out.actions.push_back(std::move(e));
  return out;
}

}  // namespace skiff::controllers
