// An in-memory ObjectStore that can also play the API server's part for the
// actions controllers return (uid, creationTimestamp, generateName,
// generation, resourceVersion, patches, finalizers). Used by the unit tests
// and benchmarks to run reconcile loops without an API server.
#pragma once
#include <map>
#include <string>

#include "controllers/actions.h"
#include "controllers/names.h"
#include "skiff/util/result.h"

namespace skiff::controllers {

class MemoryStore : public ObjectStore {
 public:
  std::vector<const Json*> list(std::string_view kind, std::string_view ns) const override;
  const Json* get(std::string_view kind, std::string_view ns, std::string_view name) const override;

  // Adds or replaces an object (kind/namespace/name from the object); fills
  // uid and creationTimestamp when missing.
  Json& put(Json object, Time now = {});
  bool erase(std::string_view kind, std::string_view ns, std::string_view name);
  Json* get_mutable(std::string_view kind, std::string_view ns, std::string_view name);

  // Performs one action as the API server would; fails like it (NotFound,
  // AlreadyExists, Conflict on a stale resourceVersion).
  Result<> apply(const Action& action, Time now);
  // Performs all actions in order; returns how many failed.
  std::size_t apply_all(const std::vector<Action>& actions, Time now);

  std::size_t size(std::string_view kind) const;

 private:
  using Bucket = std::map<std::string, Json, std::less<>>;  // "ns/name" -> object
  std::map<std::string, Bucket, std::less<>> kinds_;
  uint64_t next_uid_ = 1;
  uint64_t resource_version_ = 1;
  RandomNameSource generated_names_{7};  // generateName suffixes
};

}  // namespace skiff::controllers
