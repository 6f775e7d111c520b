#include "harness.h"

#include "controllers/deployment_controller.h"
#include "controllers/pod_util.h"
#include "controllers/replicaset_controller.h"

namespace skiff::controllers::testing {

Json parse(const char* text) { return Json::parse(text); }

void Cluster::apply(const ReconcileResult& r) {
  for (const auto& a : r.actions) {
    auto res = store.apply(a, now);
    EXPECT_TRUE(res.has_value()) << verb_name(a.verb) << " " << a.kind << " " << a.name << ": "
                                 << (res ? "" : res.error().message);
  }
}

void Cluster::sync_replica_sets() {
  std::vector<Json> rss;
  for (const Json* rs : store.list("ReplicaSet", "")) rss.push_back(*rs);
  for (const auto& rs : rss) apply(reconcile_replica_set(rs, ctx()));
}

void Cluster::sync_deployments() {
  std::vector<Json> ds;
  for (const Json* d : store.list("Deployment", "")) ds.push_back(*d);
  for (const auto& d : ds) apply(reconcile_deployment(d, ctx()));
}

void Cluster::settle(int rounds) {
  for (int i = 0; i < rounds; ++i) {
    sync_deployments();
    sync_replica_sets();
  }
  sync_deployments();
}

void Cluster::make_pods_ready(std::size_t limit) {
  std::vector<std::string> names_;
  for (const Json* p : store.list("Pod", "")) names_.push_back(namespace_of(*p) + "/" + name_of(*p));
  std::size_t n = 0;
  for (const auto& key : names_) {
    auto slash = key.find('/');
    Json* p = store.get_mutable("Pod", key.substr(0, slash), key.substr(slash + 1));
    if (pod_ready(*p)) continue;
    if (n++ >= limit) break;
    // Scheduler: DaemonSet pods go where their node affinity says.
    const Json& terms = path(*p, {"spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                                  "nodeSelectorTerms"});
    std::string node = "node-1";
    if (terms.is_array() && !terms.empty() && terms[0].contains("matchFields"))
      node = str(terms[0]["matchFields"][0]["values"][0]);
    (*p)["spec"]["nodeName"] = node;
    (*p)["status"] = Json{{"phase", "Running"},
                          {"conditions", Json::array({Json{{"type", "Ready"},
                                                           {"status", "True"},
                                                           {"lastTransitionTime", format_time(now)}}})}};
  }
}

std::size_t Cluster::ready_pods() {
  std::size_t n = 0;
  for (const Json* p : pods())
    if (pod_ready(*p)) ++n;
  return n;
}

std::vector<std::string> Cluster::events(std::string_view reason) {
  std::vector<std::string> out;
  for (const Json* e : store.list("Event", ""))
    if (str(field(*e, "reason")) == reason) out.push_back(str(field(*e, "message")));
  return out;
}

Json make_deployment(const std::string& name, int replicas, const std::string& image) {
  return Json{{"apiVersion", "apps/v1"},
              {"kind", "Deployment"},
              {"metadata", {{"name", name}, {"namespace", "default"}, {"generation", 1}}},
              {"spec",
               {{"replicas", replicas},
                {"selector", {{"matchLabels", {{"app", name}}}}},
                {"template",
                 {{"metadata", {{"labels", {{"app", name}}}}},
                  {"spec", {{"containers", Json::array({{{"name", "main"}, {"image", image}}})}}}}}}}};
}

Json make_pod(const std::string& name, const Json& labels, bool ready, const std::string& node) {
  Json pod{{"apiVersion", "v1"},
           {"kind", "Pod"},
           {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", labels}}},
           {"spec", {{"containers", Json::array({{{"name", "main"}, {"image", "x"}}})}}},
           {"status", {{"phase", ready ? "Running" : "Pending"}}}};
  if (!node.empty()) pod["spec"]["nodeName"] = node;
  if (ready)
    pod["status"]["conditions"] =
        Json::array({Json{{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", "2027-01-01T00:00:00Z"}}});
  return pod;
}

}  // namespace skiff::controllers::testing
