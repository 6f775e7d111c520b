#include "controllers/namespace_controller.h"

#include <cctype>
#include <map>

#include "controllers/garbage_collector.h"
#include "controllers/object_util.h"

namespace skiff::controllers {
namespace {
std::string resource_name(const std::string& kind) {  // "Pod" -> "pods" (enough for messages)
  std::string r;
  for (char c : kind) r += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (r.ends_with("s")) return r + "es";
  if (r.ends_with("y")) return r.substr(0, r.size() - 1) + "ies";
  return r + "s";
}
}  // namespace

ReconcileResult reconcile_namespace(const Json& ns, const Context& ctx, const std::vector<std::string>& kinds_in) {
  ReconcileResult out;
  if (!being_deleted(ns)) return out;
  const std::vector<std::string>& kinds = kinds_in.empty() ? default_gc_kinds() : kinds_in;
  const std::string name = name_of(ns);
  Json status = field(ns, "status").is_object() ? ns["status"] : Json::object();
  const Json orig = status;
  status["phase"] = "Terminating";

  std::map<std::string, int> remaining, with_finalizers;
  std::vector<Action> deletes;
  for (const auto& kind : kinds) {
    if (cluster_scoped_kind(kind) || kind == "Event") continue;
    for (const Json* o : ctx.store.list(kind, name)) {
      ++remaining[resource_name(kind)];
      const Json& f = path(*o, {"metadata", "finalizers"});
      if (f.is_array())
        for (const auto& x : f) ++with_finalizers[str(x)];
      if (!being_deleted(*o)) {
        Action d = make_delete(*o);
        d.object["propagationPolicy"] = "Background";
        deletes.push_back(std::move(d));
      }
    }
  }
  auto describe = [](const std::map<std::string, int>& m, const char* what) {
    std::string names, counts;
    for (const auto& [k, n] : m) {
      names += (names.empty() ? "" : ", ") + k;
      counts += (counts.empty() ? "" : ", ") + k + " has " + std::to_string(n) + " " + what;
    }
    return names + ". " + counts;
  };
  if (remaining.empty()) {
    set_condition(status, "NamespaceContentRemaining", "False", "ContentRemoved", "All content successfully removed", ctx.now);
    set_condition(status, "NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers",
                  "All content-preserving finalizers finished", ctx.now);
  } else {
    set_condition(status, "NamespaceContentRemaining", "True", "SomeResourcesRemain",
                  "Some resources are remaining: " + describe(remaining, "resource instances"), ctx.now);
    if (with_finalizers.empty())
      set_condition(status, "NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers",
                    "All content-preserving finalizers finished", ctx.now);
    else
      set_condition(status, "NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
                    "Some content in the namespace has finalizers remaining: " +
                        describe(with_finalizers, "resource instances"),
                    ctx.now);
    out.requeue(std::chrono::seconds(5));
  }
  for (auto& d : deletes) out.actions.push_back(std::move(d));
  if (status != orig) {
    Json n = ns;
    n["status"] = status;
    out.actions.push_back(make_update_status(n));
  }
  // Empty: drop the "kubernetes" finalizer so the API server can remove it.
  const Json& fins = path(ns, {"spec", "finalizers"});
  if (remaining.empty() && fins.is_array() && !fins.empty()) {
    Json n = ns;
    Json rest = Json::array();
    for (const auto& f : fins)
      if (f != "kubernetes") rest.push_back(f);
    n["spec"]["finalizers"] = rest;
    Action fin = make_update(n);
    fin.subresource = "finalize";
    out.actions.push_back(std::move(fin));
  }
  return out;
}

}  // namespace skiff::controllers
