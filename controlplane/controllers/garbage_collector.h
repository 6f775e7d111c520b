// Garbage collector decisions (pkg/controller/garbagecollector) for one
// object at a time over the object graph the store holds:
// - an object whose owners are all gone is deleted (background); dangling
//   references next to live owners are removed;
// - an owner being deleted with the foregroundDeletion finalizer has its
//   dependents deleted (foreground) and loses the finalizer once no
//   blockOwnerDeletion dependent is left; the orphan finalizer detaches
//   dependents first;
// - ownerReference cycles are detected and reported (a Warning event on the
//   object); a foreground deletion stuck on a cycle is released instead of
//   waiting forever;
// - several controller references on one object are reported.
#pragma once
#include <string>
#include <vector>

#include "controllers/actions.h"

namespace skiff::controllers {

inline constexpr std::string_view kForegroundFinalizer = "foregroundDeletion";
inline constexpr std::string_view kOrphanFinalizer = "orphan";

// Kinds the collector looks through for dependents.
const std::vector<std::string>& default_gc_kinds();
bool cluster_scoped_kind(std::string_view kind);

ReconcileResult collect_garbage(const Json& object, const Context& ctx,
                                const std::vector<std::string>& kinds = default_gc_kinds());

// The ownerReference chain from `object` back to itself, if any ("Kind/name"
// entries, object first); empty when there is no cycle.
std::vector<std::string> find_owner_cycle(const Json& object, const ObjectStore& store);

}  // namespace skiff::controllers
