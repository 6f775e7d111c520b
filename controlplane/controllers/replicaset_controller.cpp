#include "controllers/replicaset_controller.h"

#include <algorithm>
#include <map>

#include "controllers/label_selector.h"
#include "controllers/object_util.h"
#include "controllers/owner_claims.h"
#include "controllers/pod_util.h"

namespace skiff::controllers {
namespace {
constexpr std::string_view kComponent = "replicaset-controller";

// Pods controlled by the ReplicaSets that share this ReplicaSet's controller
// (the other ReplicaSets of its Deployment), to spread deletions across nodes.
std::vector<const Json*> related_pods(const Json& rs, const Context& ctx) {
  std::vector<const Json*> out;
  const Json* owner = controller_ref(rs);
  if (!owner) return out;
  std::string owner_uid = str(field(*owner, "uid"));
  std::vector<std::string> sibling_uids;
  for (const Json* other : ctx.store.list("ReplicaSet", namespace_of(rs))) {
    const Json* ref = controller_ref(*other);
    if (ref && str(field(*ref, "uid")) == owner_uid) sibling_uids.push_back(uid_of(*other));
  }
  for (const Json* pod : ctx.store.list("Pod", namespace_of(rs))) {
    const Json* ref = controller_ref(*pod);
    if (ref && std::find(sibling_uids.begin(), sibling_uids.end(), str(field(*ref, "uid"))) != sibling_uids.end())
      out.push_back(pod);
  }
  return out;
}

Json calculate_status(const Json& rs, const std::vector<const Json*>& pods, Time now) {
  Json status = field(rs, "status").is_object() ? rs["status"] : Json::object();
  LabelSelector template_labels = LabelSelector::from_map(path(rs, {"spec", "template", "metadata", "labels"}));
  int64_t min_ready = integer(path(rs, {"spec", "minReadySeconds"}), 0);
  int64_t fully = 0, ready = 0, available = 0;
  for (const Json* p : pods) {
    if (template_labels.matches(labels_of(*p))) ++fully;
    if (pod_ready(*p)) {
      ++ready;
      if (pod_available(*p, min_ready, now)) ++available;
    }
  }
  status["replicas"] = static_cast<int64_t>(pods.size());
  status["fullyLabeledReplicas"] = fully;
  status["readyReplicas"] = ready;
  status["availableReplicas"] = available;
  status["observedGeneration"] = generation_of(rs);
  return status;
}
}  // namespace

Json pod_from_template(const Json& template_spec, const Json& owner, const std::string& name_prefix,
                       NameSource& names) {
  Json meta{{"name", name_prefix + names.suffix()},
            {"generateName", name_prefix},
            {"namespace", namespace_of(owner)},
            {"ownerReferences", Json::array({make_controller_ref(owner)})}};
  const Json& tmeta = field(template_spec, "metadata");
  for (const char* k : {"labels", "annotations", "finalizers"})
    if (!field(tmeta, k).is_null()) meta[k] = tmeta[k];
  Json spec = field(template_spec, "spec");
  if (spec.is_null()) spec = Json::object();
  return Json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", std::move(meta)}, {"spec", std::move(spec)}};
}

ReconcileResult reconcile_replica_set(const Json& rs, const Context& ctx, const ReplicaSetOptions& options) {
  ReconcileResult out;
  Json status = field(rs, "status").is_object() ? rs["status"] : Json::object();

  // Bad input: a selector that cannot be parsed or does not select the
  // template's pods would create pods forever. Report once, do nothing.
  auto selector = LabelSelector::parse(path(rs, {"spec", "selector"}));
  std::string problem;
  if (!selector) {
    problem = "invalid selector: " + selector.error().message;
  } else if (selector->empty() || selector->matches_nothing()) {
    problem = "spec.selector is empty; a non-empty selector is required";
  } else if (!selector->matches(path(rs, {"spec", "template", "metadata", "labels"}))) {
    problem = "spec.selector does not match the template's labels";
  }
  if (!problem.empty()) {
    Json next = status;
    next["observedGeneration"] = generation_of(rs);
    if (set_condition(next, "ReplicaFailure", "True", "InvalidSelector", problem, ctx.now))
      out.actions.push_back(make_event(rs, "Warning", "InvalidSelector", problem, ctx.now, kComponent));
    if (next != status) {
      Json updated = rs;
      updated["status"] = next;
      out.actions.push_back(make_update_status(updated));
    }
    return out;
  }

  std::vector<const Json*> active;
  for (const Json* p : ctx.store.list("Pod", namespace_of(rs)))
    if (pod_active(*p)) active.push_back(p);
  Claimed claimed = claim_objects(rs, *selector, active);
  for (auto& a : claimed.patches) out.actions.push_back(std::move(a));
  std::vector<const Json*>& pods = claimed.objects;

  int64_t replicas = integer(path(rs, {"spec", "replicas"}), 1);
  int64_t diff = static_cast<int64_t>(pods.size()) - replicas;
  std::vector<const Json*> deleted;
  if (!being_deleted(rs) && diff < 0) {
    int64_t n = std::min(-diff, options.burst_replicas);
    // Slow start: batches of 1, 2, 4, ... so that a failing create (quota,
    // admission) fails once instead of n times.
    int64_t made = 0, batch_size = 1;
    int batch = 0;
    while (made < n) {
      int64_t this_batch = std::min(batch_size, n - made);
      for (int64_t i = 0; i < this_batch; ++i) {
        Json pod = pod_from_template(path(rs, {"spec", "template"}), rs, name_of(rs) + "-", ctx.names);
        std::string pod_name = name_of(pod);
        Action create = make_create(std::move(pod));
        create.batch = batch;
        out.actions.push_back(std::move(create));
        Action ev = make_event(rs, "Normal", "SuccessfulCreate", "Created pod: " + pod_name, ctx.now, kComponent);
        ev.batch = batch;
        out.actions.push_back(std::move(ev));
      }
      made += this_batch;
      batch_size *= 2;
      ++batch;
    }
  } else if (!being_deleted(rs) && diff > 0) {
    int64_t n = std::min(diff, options.burst_replicas);
    std::vector<const Json*> victims = pods;
    if (n < static_cast<int64_t>(victims.size())) {
      std::map<std::string, int> per_node;
      for (const Json* p : related_pods(rs, ctx)) {
        std::string node = str(path(*p, {"spec", "nodeName"}));
        if (!node.empty() && pod_active(*p)) ++per_node[node];
      }
      std::vector<int> ranks;
      for (const Json* p : victims) {
        std::string node = str(path(*p, {"spec", "nodeName"}));
        ranks.push_back(node.empty() ? 0 : per_node[node]);
      }
      sort_pods_for_deletion(victims, ranks, ctx.now);
    }
    victims.resize(static_cast<std::size_t>(n));
    for (const Json* p : victims) {
      out.actions.push_back(make_delete(*p));
      out.actions.push_back(
          make_event(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + name_of(*p), ctx.now, kComponent));
      deleted.push_back(p);
    }
  }

  Json next = calculate_status(rs, pods, ctx.now);
  if (find_condition(next, "ReplicaFailure") &&
      str(field(*find_condition(next, "ReplicaFailure"), "reason")) == "InvalidSelector")
    remove_condition(next, "ReplicaFailure");
  if (next != status) {
    Json updated = rs;
    updated["status"] = next;
    out.actions.push_back(make_update_status(updated));
  }
  // Pods ready but not yet available: look again when minReadySeconds pass.
  int64_t min_ready = integer(path(rs, {"spec", "minReadySeconds"}), 0);
  if (min_ready > 0 && next["readyReplicas"] == next["replicas"] && next["availableReplicas"] != next["replicas"])
    out.requeue(std::chrono::seconds(min_ready));
  return out;
}

}  // namespace skiff::controllers
