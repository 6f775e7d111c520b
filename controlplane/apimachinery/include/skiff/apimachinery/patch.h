// PATCH and server-side apply: RFC 6902 JSON patch, RFC 7386 merge patch,
// strategic merge patch (merge keys and directives from the schema), and
// server-side apply with field ownership recorded in managedFields.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "skiff/apimachinery/schema.h"
#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery {

enum class PatchType {
  Json,            // application/json-patch+json
  Merge,           // application/merge-patch+json
  StrategicMerge,  // application/strategic-merge-patch+json
  Apply,           // application/apply-patch+yaml (YAML or JSON body)
};

// From a request Content-Type (parameters ignored); nullopt -> 415.
std::optional<PatchType> patch_type_from_content_type(std::string_view content_type);

struct ApplyOptions {
  std::string field_manager;  // ?fieldManager=; required for Apply (400 without it)
  bool force = false;         // ?force=true: take ownership instead of 409
  std::string subresource;    // "" or "status"/"scale" (managedFields.subresource)
  std::string now;            // RFC 3339 time for managedFields; empty = current time
};

// Applies `body` to `current` and returns the patched object.
// `current` is a null json when the object does not exist (Apply then
// creates it; the other types fail with 404 NotFound).
// Errors: 400 malformed body or SMP on a kind without schema (415 as kube
// does), 409 Conflict for apply conflicts (causes name manager and field),
// 422 for a failed JSON patch `test` or a path that does not exist.
// For Json/Merge/StrategicMerge, managedFields are NOT touched: call
// compute_managed_fields afterwards as for any update.
ApiResult<nlohmann::json> apply_patch(PatchType, const GroupVersionKind&, const nlohmann::json& current,
                                      std::string_view body, const ApplyOptions& = {});
ApiResult<nlohmann::json> apply_patch(const SchemaRegistry&, PatchType, const GroupVersionKind&,
                                      const nlohmann::json& current, std::string_view body,
                                      const ApplyOptions& = {});

// Records an Update by `opts.field_manager` in updated.metadata.managedFields:
// the fields that differ from `old` (nullptr on create: every field) move to
// this manager's Update entry and are removed from other managers' sets.
// Empty field_manager: managedFields are left as they are. After an Apply
// patch by the same manager (its Apply entry changed) this does nothing, so
// the server may call it after every write.
void compute_managed_fields(const GroupVersionKind&, const nlohmann::json* old, nlohmann::json& updated,
                            const ApplyOptions& opts);
void compute_managed_fields(const SchemaRegistry&, const GroupVersionKind&, const nlohmann::json* old,
                            nlohmann::json& updated, const ApplyOptions& opts);

// Building blocks (also used by the server, e.g. for rollout undo of DaemonSets).
ApiResult<nlohmann::json> json_patch(const nlohmann::json& doc, const nlohmann::json& operations);
nlohmann::json merge_patch(const nlohmann::json& target, const nlohmann::json& patch);
// `schema` may be nullptr: lists are then replaced (as for unknown kinds).
ApiResult<nlohmann::json> strategic_merge_patch(const Schema* schema, const nlohmann::json& original,
                                                const nlohmann::json& patch);

}  // namespace skiff::apimachinery
