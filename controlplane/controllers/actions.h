// The output of every controller: a list of actions for the API, computed by
// pure reconcile functions over an ObjectStore (the informers' view).
// Nothing here talks to the API; the executor that wires controllers to
// informers performs the actions and feeds the results back into the store.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace skiff::controllers {

using Json = nlohmann::json;
// API times have one-second resolution (metav1.Time), so the controllers do too.
using Time = std::chrono::sys_seconds;

enum class Verb {
  Create,        // object: the full object to POST
  Update,        // object: the full object to PUT (carries resourceVersion: optimistic concurrency)
  UpdateStatus,  // object: the full object to PUT on /status
  Patch,         // object: the patch body, patch_type says which kind
  Delete,        // object: DeleteOptions or null; uid precondition in `uid`
  Event,         // object: a core/v1 Event (namespace/name of the involved object in ns/name)
};
std::string_view verb_name(Verb verb);

inline constexpr std::string_view kStrategicMergePatch = "application/strategic-merge-patch+json";
inline constexpr std::string_view kMergePatch = "application/merge-patch+json";

struct Action {
  Verb verb = Verb::Create;
  std::string api_version;  // of the target, e.g. "apps/v1"
  std::string kind;         // e.g. "ReplicaSet"
  std::string ns;           // empty for cluster-scoped objects
  std::string name;
  std::string uid;          // Delete/Patch precondition when known
  std::string patch_type;   // Patch only
  std::string subresource;  // e.g. "finalize" for a Namespace Update
  Json object;
  // Slow-start batches: actions with the same batch may run in parallel; the
  // executor must not start batch N+1 when an action of batch N failed (the
  // controller retries on its next sync). 0 for everything else.
  int batch = 0;
};

struct ReconcileResult {
  std::vector<Action> actions;
  // Sync again after this long even without any event (minReadySeconds,
  // progress deadlines, backoff, cron schedules).
  std::optional<std::chrono::seconds> requeue_after;

  void requeue(std::chrono::seconds after) {
    if (after < std::chrono::seconds(1)) after = std::chrono::seconds(1);
    if (!requeue_after || after < *requeue_after) requeue_after = after;
  }
  std::size_t count(Verb verb, std::string_view kind = {}) const;
};

// Read side of the informers' caches. `kind` is the Kind ("Pod", "ReplicaSet").
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Objects of a kind in a namespace (empty namespace: all namespaces).
  virtual std::vector<const Json*> list(std::string_view kind, std::string_view ns) const = 0;
  virtual const Json* get(std::string_view kind, std::string_view ns, std::string_view name) const = 0;
};

// Source of the random parts of names (pod name suffixes), injectable so
// tests are deterministic.
class NameSource {
 public:
  virtual ~NameSource() = default;
  // Five characters from the safe-encode alphabet, as the API server's
  // generateName does.
  virtual std::string suffix() = 0;
};

// Everything a reconcile function reads besides the object itself.
struct Context {
  const ObjectStore& store;
  Time now;
  NameSource& names;
};

// A core/v1 Event about `involved` (a full object: its kind, apiVersion,
// namespace, name, uid are referenced).
Action make_event(const Json& involved, std::string_view type, std::string_view reason,
                  std::string message, Time now, std::string_view component);

Action make_create(Json object);
Action make_update(const Json& object);
Action make_update_status(const Json& object);
Action make_delete(const Json& object);
Action make_patch(const Json& target, std::string_view patch_type, Json patch);

}  // namespace skiff::controllers
