#include "controllers/garbage_collector.h"

#include <algorithm>
#include <functional>
#include <set>

#include "controllers/object_util.h"

namespace skiff::controllers {
namespace {
constexpr std::string_view kComponent = "garbage-collector-controller";

const Json* find_owner(const Json& ref, const std::string& ns, const ObjectStore& store) {
  std::string kind = str(field(ref, "kind"));
  const Json* o = store.get(kind, cluster_scoped_kind(kind) ? "" : ns, str(field(ref, "name")));
  if (!o || uid_of(*o) != str(field(ref, "uid"))) return nullptr;
  return o;
}

bool has_finalizer(const Json& o, std::string_view f) {
  const Json& fs = path(o, {"metadata", "finalizers"});
  return fs.is_array() && std::find(fs.begin(), fs.end(), Json(f)) != fs.end();
}

Json without_finalizer(const Json& o, std::string_view f) {
  Json rest = Json::array();
  for (const auto& x : path(o, {"metadata", "finalizers"}))
    if (x != Json(f)) rest.push_back(x);
  return Json{{"metadata", {{"finalizers", rest}}}};
}

struct Dependent {
  const Json* object;
  bool blocking;
};

std::vector<Dependent> dependents_of(const Json& owner, const ObjectStore& store, const std::vector<std::string>& kinds) {
  std::vector<Dependent> out;
  std::string uid = uid_of(owner);
  std::string ns = cluster_scoped_kind(str(field(owner, "kind"))) ? "" : namespace_of(owner);
  for (const auto& kind : kinds)
    for (const Json* o : store.list(kind, ns)) {
      const Json& refs = path(*o, {"metadata", "ownerReferences"});
      if (!refs.is_array()) continue;
      for (const auto& r : refs)
        if (str(field(r, "uid")) == uid) out.push_back({o, boolean(field(r, "blockOwnerDeletion"), false)});
    }
  return out;
}

Action delete_with(const Json& o, std::string_view policy) {
  Action a = make_delete(o);
  a.object["propagationPolicy"] = policy;
  return a;
}
}  // namespace

const std::vector<std::string>& default_gc_kinds() {
  static const std::vector<std::string> kinds = {
      "Pod", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ControllerRevision",
      "EndpointSlice", "Endpoints", "Service", "PersistentVolumeClaim", "ConfigMap", "Secret", "ServiceAccount",
      "Lease", "Node", "Namespace", "PersistentVolume"};
  return kinds;
}

bool cluster_scoped_kind(std::string_view kind) {
  static const std::set<std::string, std::less<>> kinds = {
      "Node", "Namespace", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
      "CustomResourceDefinition", "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
      "APIService", "CSINode", "CSIDriver", "VolumeAttachment", "IngressClass", "RuntimeClass"};
  return kinds.count(kind) > 0;
}

std::vector<std::string> find_owner_cycle(const Json& object, const ObjectStore& store) {
  // Depth-first along ownerReferences; the graph is small per object.
  std::vector<std::string> path_names;
  std::set<std::string> visited;
  std::string target = uid_of(object);
  std::vector<std::string> found;
  auto label = [](const Json& o) { return str(field(o, "kind")) + "/" + name_of(o); };
  std::function<bool(const Json&)> walk = [&](const Json& o) -> bool {
    path_names.push_back(label(o));
    const Json& refs = path(o, {"metadata", "ownerReferences"});
    if (refs.is_array())
      for (const auto& r : refs) {
        if (str(field(r, "uid")) == target) {
          found = path_names;
          return true;
        }
        if (!visited.insert(str(field(r, "uid"))).second) continue;
        if (const Json* owner = find_owner(r, namespace_of(o), store); owner && walk(*owner)) return true;
      }
    path_names.pop_back();
    return false;
  };
  walk(object);
  return found;
}

ReconcileResult collect_garbage(const Json& o, const Context& ctx, const std::vector<std::string>& kinds) {
  ReconcileResult out;
  const std::string ns = namespace_of(o);
  auto warn_once = [&](std::string_view reason, const std::string& msg) {
    for (const Json* e : ctx.store.list("Event", ns.empty() ? "default" : ns))
      if (str(path(*e, {"involvedObject", "uid"})) == uid_of(o) && str(field(*e, "reason")) == reason) return;
    out.actions.push_back(make_event(o, "Warning", reason, msg, ctx.now, kComponent));
  };

  const Json& refs = path(o, {"metadata", "ownerReferences"});
  int controllers = 0;
  if (refs.is_array())
    for (const auto& r : refs)
      if (boolean(field(r, "controller"), false)) ++controllers;
  if (controllers > 1) warn_once("ConflictingControllers", "more than one ownerReference has controller=true");
  std::vector<std::string> cycle = find_owner_cycle(o, ctx.store);
  if (!cycle.empty()) {
    std::string chain;
    for (const auto& c : cycle) chain += c + " -> ";
    warn_once("OwnerReferenceCycle", "ownerReferences form a cycle: " + chain + cycle.front());
  }

  if (being_deleted(o)) {
    if (has_finalizer(o, kOrphanFinalizer)) {
      for (const auto& d : dependents_of(o, ctx.store, kinds)) {
        Json patch{{"metadata",
                    {{"ownerReferences", Json::array({{{"$patch", "delete"}, {"uid", uid_of(o)}}})},
                     {"uid", uid_of(*d.object)}}}};
        out.actions.push_back(make_patch(*d.object, kStrategicMergePatch, std::move(patch)));
      }
      out.actions.push_back(make_patch(o, kMergePatch, without_finalizer(o, kOrphanFinalizer)));
      return out;
    }
    if (has_finalizer(o, kForegroundFinalizer)) {
      bool blocked = false;
      for (const auto& d : dependents_of(o, ctx.store, kinds)) {
        if (!being_deleted(*d.object)) out.actions.push_back(delete_with(*d.object, "Foreground"));
        // A dependent that is itself waiting on us (a cycle) does not block.
        bool waits_on_cycle = has_finalizer(*d.object, kForegroundFinalizer) && !cycle.empty();
        if (d.blocking && !waits_on_cycle) blocked = true;
      }
      if (!blocked) out.actions.push_back(make_patch(o, kMergePatch, without_finalizer(o, kForegroundFinalizer)));
    }
    return out;
  }

  if (!refs.is_array() || refs.empty()) return out;
  std::vector<const Json*> live;
  std::vector<std::string> dangling;
  bool owner_waits_foreground = false;
  for (const auto& r : refs) {
    const Json* owner = find_owner(r, ns, ctx.store);
    if (!owner) {
      dangling.push_back(str(field(r, "uid")));
      continue;
    }
    live.push_back(owner);
    if (being_deleted(*owner) && has_finalizer(*owner, kForegroundFinalizer) &&
        boolean(field(r, "blockOwnerDeletion"), false))
      owner_waits_foreground = true;
  }
  bool all_owners_deleting = !live.empty() && std::all_of(live.begin(), live.end(), [](const Json* w) {
    return being_deleted(*w) && has_finalizer(*w, kForegroundFinalizer);
  });
  if (live.empty()) {
    out.actions.push_back(delete_with(o, "Background"));
  } else if (all_owners_deleting && owner_waits_foreground) {
    out.actions.push_back(delete_with(o, "Foreground"));
  } else if (!dangling.empty()) {
    Json list = Json::array();
    for (const auto& uid : dangling) list.push_back({{"$patch", "delete"}, {"uid", uid}});
    out.actions.push_back(
        make_patch(o, kStrategicMergePatch, Json{{"metadata", {{"ownerReferences", list}, {"uid", uid_of(o)}}}}));
  }
  return out;
}

}  // namespace skiff::controllers
