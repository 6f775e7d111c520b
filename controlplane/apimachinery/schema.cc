#include "skiff/apimachinery/schema.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "json_access.h"
#include "schema_builtin.h"

namespace skiff::apimachinery {
namespace {

std::string kind_key(const GroupVersionKind& gvk) { return gvk.group + "/" + gvk.version + "/" + gvk.kind; }

SchemaRegistry build_builtin() {
  SchemaRegistry reg;
  builtin::Defs defs{reg, {}, {}};
  builtin::add_meta(defs);
  builtin::add_core(defs);
  builtin::add_groups(defs);
  builtin::add_descriptions(reg);
  return reg;
}

ApiResult<SchemaRef> convert(const nlohmann::json& j, const std::string& path, int depth) {
  if (depth > 64) return bad_request("schema nested too deeply at " + path);
  if (!j.is_object()) return bad_request("schema at " + path + " must be an object");
  auto s = std::make_shared<Schema>();
  std::string type = sval(j, "type", "");
  bool has_props = j.contains("properties");
  if (bval(j, "x-kubernetes-int-or-string", false)) {
    s->type = FieldType::IntOrString;
  } else if (type == "object" || (type.empty() && has_props)) {
    s->type = FieldType::Object;
    if (auto it = j.find("additionalProperties"); it != j.end() && it->is_object() && !has_props) {
      s->type = FieldType::Map;
      auto v = convert(*it, path + ".additionalProperties", depth + 1);
      if (!v) return v;
      s->additional = *v;
    }
  } else if (type == "array") {
    s->type = FieldType::Array;
    if (auto it = j.find("items"); it != j.end()) {
      auto v = convert(*it, path + ".items", depth + 1);
      if (!v) return v;
      s->items = *v;
    }
  } else if (type == "string") {
    s->type = FieldType::String;
  } else if (type == "integer") {
    s->type = FieldType::Integer;
  } else if (type == "number") {
    s->type = FieldType::Number;
  } else if (type == "boolean") {
    s->type = FieldType::Boolean;
  } else if (type.empty()) {
    s->type = FieldType::Any;
    s->preserve_unknown = true;
  } else {
    return bad_request("unsupported schema type \"" + type + "\" at " + path);
  }
  if (auto it = j.find("properties"); it != j.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      auto sub = convert(v, path + ".properties." + k, depth + 1);
      if (!sub) return sub;
      s->properties[k] = *sub;
    }
  }
  if (auto it = j.find("required"); it != j.end() && it->is_array())
    for (const auto& r : *it)
      if (r.is_string()) s->required.push_back(r.get<std::string>());
  if (auto it = j.find("enum"); it != j.end() && it->is_array())
    for (const auto& e : *it)
      s->enum_values.push_back(e.is_string() ? e.get<std::string>() : e.dump());
  if (auto it = j.find("default"); it != j.end()) s->default_value = std::make_shared<const nlohmann::json>(*it);
  s->description = sval(j, "description", "");
  s->format = sval(j, "format", "");
  s->nullable = bval(j, "nullable", false);
  s->preserve_unknown = s->preserve_unknown || bval(j, "x-kubernetes-preserve-unknown-fields", false) ||
                        bval(j, "x-kubernetes-embedded-resource", false);
  std::string list_type = sval(j, "x-kubernetes-list-type", "");
  if (list_type == "atomic") s->list_type = ListType::Atomic;
  if (list_type == "set") s->list_type = ListType::Set;
  if (list_type == "map") {
    s->list_type = ListType::Map;
    for (const auto& k : jval(j, "x-kubernetes-list-map-keys", nlohmann::json::array()))
      if (k.is_string()) s->list_map_keys.push_back(k.get<std::string>());
  }
  return SchemaRef(s);
}

}  // namespace

const Schema* Schema::field(std::string_view key) const {
  if (type == FieldType::Map) return additional.get();
  auto it = properties.find(std::string(key));
  return it == properties.end() ? nullptr : it->second.get();
}

bool Schema::is_required(std::string_view key) const {
  return std::find(required.begin(), required.end(), key) != required.end();
}

const SchemaRegistry& SchemaRegistry::builtin() {
  static const SchemaRegistry reg = build_builtin();
  return reg;
}

const Schema* SchemaRegistry::for_kind(const GroupVersionKind& gvk) const { return for_kind_ref(gvk).get(); }

SchemaRef SchemaRegistry::for_kind_ref(const GroupVersionKind& gvk) const {
  auto it = kinds_.find(kind_key(gvk));
  return it == kinds_.end() ? nullptr : it->second;
}

const Schema* SchemaRegistry::named(std::string_view name) const {
  auto it = named_.find(std::string(name));
  return it == named_.end() ? nullptr : it->second.get();
}

void SchemaRegistry::add_custom(const GroupVersionKind& gvk, SchemaRef schema) { kinds_[kind_key(gvk)] = std::move(schema); }
void SchemaRegistry::remove_custom(const GroupVersionKind& gvk) { kinds_.erase(kind_key(gvk)); }
void SchemaRegistry::add_kind(const GroupVersionKind& gvk, SchemaRef schema) { kinds_[kind_key(gvk)] = std::move(schema); }
void SchemaRegistry::add_named(SchemaRef schema) { named_[schema->name] = std::move(schema); }

ApiResult<SchemaRef> SchemaRegistry::from_openapi_v3(const nlohmann::json& openapi_v3_schema,
                                                     const GroupVersionKind& gvk) {
  auto converted = convert(openapi_v3_schema.is_null() ? nlohmann::json::object() : openapi_v3_schema,
                           "openAPIV3Schema", 0);
  if (!converted) return converted;
  auto top = std::make_shared<Schema>(**converted);
  if (openapi_v3_schema.is_null()) top->preserve_unknown = true;
  top->type = FieldType::Object;
  top->properties["apiVersion"] = std::make_shared<Schema>(Schema{.type = FieldType::String});
  top->properties["kind"] = std::make_shared<Schema>(Schema{.type = FieldType::String});
  const auto& meta = builtin().named_.at("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  top->properties["metadata"] = meta;
  top->gvks = {gvk};
  return SchemaRef(top);
}

}  // namespace skiff::apimachinery
