// The schema registry: one compact description per kind of the fields that
// matter. It is the single source for defaulting, validation,
// strategic-merge keys, server-side apply list semantics, unknown-field
// detection and the OpenAPI v3 documents.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery {

enum class FieldType {
  Object,       // fixed properties
  Array,        // items
  String,
  Integer,
  Number,
  Boolean,
  Map,          // string keys -> additional (values)
  IntOrString,  // x-kubernetes-int-or-string
  Quantity,     // resource.Quantity: string or number on input
  Any,          // anything (RawExtension, preserve-unknown-fields)
};

// Strategic merge patch strategy of a field (x-kubernetes-patch-strategy).
enum class PatchStrategy { None, Merge, Replace, RetainKeys, MergeRetainKeys };

// x-kubernetes-list-type.
enum class ListType { Unspecified, Atomic, Set, Map };

struct Schema;
using SchemaRef = std::shared_ptr<const Schema>;

struct Schema {
  FieldType type = FieldType::Object;
  std::string name;         // definition name for OpenAPI, e.g. "io.k8s.api.core.v1.PodSpec" ("" = inline)
  std::string description;
  std::string format;       // "int32", "int64", "date-time", "byte", "double"

  std::map<std::string, SchemaRef> properties;  // Object
  SchemaRef items;                              // Array
  SchemaRef additional;                         // Map values
  std::vector<std::string> required;
  std::vector<std::string> enum_values;         // allowed string values; empty = any
  std::shared_ptr<const nlohmann::json> default_value;  // null = no default

  PatchStrategy patch_strategy = PatchStrategy::None;
  std::string patch_merge_key;                  // "name", "containerPort", ...
  ListType list_type = ListType::Unspecified;
  std::vector<std::string> list_map_keys;       // for ListType::Map (server-side apply)
  bool immutable = false;                       // may not change on update
  bool preserve_unknown = false;                // unknown fields beneath are not "unknown"
  bool nullable = false;
  std::vector<GroupVersionKind> gvks;           // top-level kinds only (x-kubernetes-group-version-kind)

  // Property schema (Object) or value schema (Map); nullptr if unknown.
  const Schema* field(std::string_view key) const;
  bool is_required(std::string_view key) const;
};

// Kind -> schema. A value type; copies share the immutable schemas.
class SchemaRegistry {
 public:
  // Schemas of every built-in kind (one shared instance, built on first use).
  static const SchemaRegistry& builtin();

  const Schema* for_kind(const GroupVersionKind&) const;  // nullptr if unknown
  SchemaRef for_kind_ref(const GroupVersionKind&) const;
  // Named definitions ("io.k8s.api.core.v1.Container"), for OpenAPI.
  const Schema* named(std::string_view name) const;
  const std::unordered_map<std::string, SchemaRef>& definitions() const { return named_; }

  // Registers (or replaces) the schema of a custom resource kind.
  void add_custom(const GroupVersionKind&, SchemaRef);
  void remove_custom(const GroupVersionKind&);

  // A CRD version's openAPIV3Schema converted to a Schema (metadata, kind and
  // apiVersion added). Fails with a message on a malformed schema.
  static ApiResult<SchemaRef> from_openapi_v3(const nlohmann::json& openapi_v3_schema,
                                              const GroupVersionKind& gvk);

  // Internal: used by the built-in schema tables.
  void add_kind(const GroupVersionKind&, SchemaRef);
  void add_named(SchemaRef);

 private:
  std::unordered_map<std::string, SchemaRef> kinds_;  // "group/version/Kind"
  std::unordered_map<std::string, SchemaRef> named_;
};

}  // namespace skiff::apimachinery
