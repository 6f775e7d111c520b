// OpenAPI v3 generation from the schema registry. The shape follows the
// upstream api/openapi-spec/v3 files: components.schemas with
// x-kubernetes-group-version-kind, paths whose PATCH operations name their
// kind and take ?fieldValidation= (which kubectl checks before it delegates
// validation to the server), and the index of /openapi/v3.
#include "skiff/apimachinery/openapi.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

const char* kIntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const char* kQuantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const char* kPatch = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
const char* kStatus = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
const char* kDeleteOptions = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
const char* kListMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";

json schema_ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

const char* strategy_text(PatchStrategy s) {
  switch (s) {
    case PatchStrategy::Merge: return "merge";
    case PatchStrategy::Replace: return "replace";
    case PatchStrategy::RetainKeys: return "retainKeys";
    case PatchStrategy::MergeRetainKeys: return "merge,retainKeys";
    default: return "";
  }
}

json gvk_json(const GroupVersionKind& g) { return {{"group", g.group}, {"version", g.version}, {"kind", g.kind}}; }

// Reverse-domain definition name for custom kinds: example.com/v1 Widget -> com.example.v1.Widget.
std::string custom_name(const GroupVersionKind& gvk) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = gvk.group.find('.', start);
    parts.push_back(gvk.group.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += *it + ".";
  return out + gvk.version + "." + gvk.kind;
}

class Generator {
 public:

  // The schema of a field; named schemas become references and are emitted once.
  json field(const Schema& s, bool top = false) {
    if (!top && !s.name.empty()) {
      want(s.name);
      json out = {{"allOf", json::array({schema_ref(s.name)})}};
      extras(s, out);
      return out;
    }
    json out = json::object();
    if (!s.description.empty()) out["description"] = s.description;
    switch (s.type) {
      case FieldType::Object:
        out["type"] = "object";
        if (!s.properties.empty()) {
          json props = json::object();
          for (const auto& [k, v] : s.properties) props[k] = field(*v);
          out["properties"] = std::move(props);
        }
        if (!s.required.empty()) out["required"] = s.required;
        if (s.preserve_unknown) out["x-kubernetes-preserve-unknown-fields"] = true;
        break;
      case FieldType::Map:
        out["type"] = "object";
        out["additionalProperties"] = s.additional ? field(*s.additional) : json::object();
        break;
      case FieldType::Array:
        out["type"] = "array";
        out["items"] = s.items ? field(*s.items) : json::object();
        break;
      case FieldType::String: out["type"] = "string"; break;
      case FieldType::Integer: out["type"] = "integer"; break;
      case FieldType::Number: out["type"] = "number"; break;
      case FieldType::Boolean: out["type"] = "boolean"; break;
      case FieldType::IntOrString:
        want(kIntOrString);
        return with_extras(s, {{"allOf", json::array({schema_ref(kIntOrString)})}});
      case FieldType::Quantity:
        want(kQuantity);
        return with_extras(s, {{"allOf", json::array({schema_ref(kQuantity)})}});
      case FieldType::Any:
        out["type"] = "object";
        out["x-kubernetes-preserve-unknown-fields"] = true;
        break;
    }
    if (!s.format.empty() && s.type != FieldType::Object) out["format"] = s.format;
    if (!s.enum_values.empty()) out["enum"] = s.enum_values;
    if (s.nullable) out["nullable"] = true;
    extras(s, out);
    if (!s.gvks.empty()) {
      json g = json::array();
      for (const auto& k : s.gvks) g.push_back(gvk_json(k));
      out["x-kubernetes-group-version-kind"] = std::move(g);
    }
    return out;
  }

  void want(const std::string& name) {
    if (done_.count(name) || pending_set_.count(name)) return;
    pending_set_.insert(name);
    pending_.push_back(name);
  }

  // Emits every wanted named definition into `schemas`.
  void flush(const SchemaRegistry& reg, json& schemas) {
    while (!pending_.empty()) {
      std::string name = pending_.back();
      pending_.pop_back();
      done_.insert(name);
      if (name == kIntOrString) {
        schemas[name] = {{"type", "string"}, {"format", "int-or-string"},
                         {"description", "IntOrString is a type that can hold an int32 or a string."}};
      } else if (name == kQuantity) {
        schemas[name] = {{"type", "string"},
                         {"description", "Quantity is a fixed-point representation of a number (e.g. 500m, 1Gi)."}};
      } else if (const Schema* s = reg.named(name)) {
        schemas[name] = field(*s, true);
      }
    }
  }

 private:
  void extras(const Schema& s, json& out) {
    if (s.default_value) out["default"] = *s.default_value;
    if (!s.description.empty() && !out.contains("description")) out["description"] = s.description;
    if (s.patch_strategy != PatchStrategy::None) out["x-kubernetes-patch-strategy"] = strategy_text(s.patch_strategy);
    if (!s.patch_merge_key.empty()) out["x-kubernetes-patch-merge-key"] = s.patch_merge_key;
    switch (s.list_type) {
      case ListType::Atomic: out["x-kubernetes-list-type"] = "atomic"; break;
      case ListType::Set: out["x-kubernetes-list-type"] = "set"; break;
      case ListType::Map:
        out["x-kubernetes-list-type"] = "map";
        out["x-kubernetes-list-map-keys"] = s.list_map_keys;
        break;
      default: break;
    }
  }
  json with_extras(const Schema& s, json out) {
    extras(s, out);
    return out;
  }

  std::set<std::string> done_, pending_set_;
  std::vector<std::string> pending_;
};

json query_param(const char* name, const char* description, const char* type = "string") {
  return {{"name", name}, {"in", "query"}, {"description", description}, {"schema", {{"type", type}, {"uniqueItems", true}}}};
}

json path_param(const char* name, const char* description) {
  return {{"name", name}, {"in", "path"}, {"required", true}, {"description", description},
          {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
}

json json_content(const json& schema) {
  return {{"application/json", {{"schema", schema}}}, {"application/yaml", {{"schema", schema}}}};
}

json operation(const std::string& id, const std::string& description, const std::string& action, const GroupVersionKind& gvk,
               const std::string& tag) {
  return {{"operationId", id},
          {"description", description},
          {"tags", json::array({tag})},
          {"x-kubernetes-action", action},
          {"x-kubernetes-group-version-kind", gvk_json(gvk)},
          {"parameters", json::array()},
          {"responses", {{"401", {{"description", "Unauthorized"}}}}}};
}

std::string tag_of(const std::string& group, const std::string& version) {
  std::string g = group.empty() ? "core" : group.substr(0, group.find('.'));
  if (group == "rbac.authorization.k8s.io") g = "rbacAuthorization";
  if (group == "apiextensions.k8s.io") g = "apiextensions";
  std::string v = version;
  if (!v.empty()) v[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
  return g + "_" + version;
}

std::string fnv_hash(const std::string& s) {
  uint64_t a = 1469598103934665603ULL, b = 1099511628211ULL ^ 0x9e3779b97f4a7c15ULL;
  for (unsigned char c : s) {
    a = (a ^ c) * 1099511628211ULL;
    b = (b ^ c) * 0x100000001b3ULL + 0x632be59bd9b4e019ULL;
  }
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llX%016llX", static_cast<unsigned long long>(a), static_cast<unsigned long long>(b));
  return buf;
}

json document_for(const ResourceRegistry& resources, const SchemaRegistry& schemas, const std::string& group,
                  const std::string& version) {
  Generator gen;
  json paths = json::object();
  json components = json::object();
  std::string prefix = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  std::string tag = tag_of(group, version);
  const json patch_body = {
      {"content",
       {{"application/apply-patch+yaml", {{"schema", schema_ref(kPatch)}}},
        {"application/json-patch+json", {{"schema", schema_ref(kPatch)}}},
        {"application/merge-patch+json", {{"schema", schema_ref(kPatch)}}},
        {"application/strategic-merge-patch+json", {{"schema", schema_ref(kPatch)}}}}},
      {"required", true}};
  for (const ResourceInfo* r : resources.in_group_version(group, version)) {
    GroupVersionKind gvk = r->gvk();
    SchemaRef schema = schemas.for_kind_ref(gvk);
    std::string def_name;
    if (schema) {
      def_name = schema->name.empty() ? custom_name(gvk) : schema->name;
      components[def_name] = gen.field(*schema, true);
    } else {
      def_name = custom_name(gvk);
      components[def_name] = {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true},
                              {"x-kubernetes-group-version-kind", json::array({gvk_json(gvk)})}};
    }
    std::string list_name = def_name + "List";
    components[list_name] = {
        {"type", "object"},
        {"description", r->kind + "List is a list of " + r->kind + " objects."},
        {"properties",
         {{"apiVersion", {{"type", "string"}}},
          {"kind", {{"type", "string"}}},
          {"items", {{"type", "array"}, {"items", {{"allOf", json::array({schema_ref(def_name)})}, {"default", json::object()}}}}},
          {"metadata", {{"allOf", json::array({schema_ref(kListMeta)})}, {"default", json::object()}}}}},
        {"required", json::array({"items"})},
        {"x-kubernetes-group-version-kind", json::array({gvk_json({group, version, r->list_kind()})})}};
    gen.want(kListMeta);
    std::string scope = r->namespaced ? "Namespaced" : "";
    std::string collection = prefix + (r->namespaced ? "/namespaces/{namespace}/" : "/") + r->plural;
    std::string item = collection + "/{name}";
    json common = json::array();
    if (r->namespaced) common.push_back(path_param("namespace", "object name and auth scope, such as for teams and projects"));
    const json obj_schema = schema_ref(def_name);
    json coll = {{"parameters", common}};
    if (r->has_verb("list")) {
      json op = operation("list" + scope + r->kind, "list or watch objects of kind " + r->kind, "list", gvk, tag);
      for (const char* p : {"allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion",
                            "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"})
        op["parameters"].push_back(query_param(p, p));
      op["responses"]["200"] = {{"description", "OK"}, {"content", json_content(schema_ref(list_name))}};
      coll["get"] = std::move(op);
    }
    if (r->has_verb("create")) {
      json op = operation("create" + scope + r->kind, "create a " + r->kind, "post", gvk, tag);
      for (const char* p : {"dryRun", "fieldManager", "fieldValidation"}) op["parameters"].push_back(query_param(p, p));
      op["requestBody"] = {{"content", json_content(obj_schema)}, {"required", true}};
      op["responses"]["200"] = {{"description", "OK"}, {"content", json_content(obj_schema)}};
      op["responses"]["201"] = {{"description", "Created"}, {"content", json_content(obj_schema)}};
      coll["post"] = std::move(op);
    }
    if (r->has_verb("deletecollection")) {
      json op = operation("deleteCollection" + scope + r->kind, "delete collection of " + r->kind, "deletecollection", gvk, tag);
      op["requestBody"] = {{"content", json_content(schema_ref(kDeleteOptions))}};
      op["responses"]["200"] = {{"description", "OK"}, {"content", json_content(schema_ref(kStatus))}};
      coll["delete"] = std::move(op);
    }
    if (coll.size() > 1) paths[collection] = std::move(coll);
    json single = common;
    single.push_back(path_param("name", ("name of the " + r->kind).c_str()));
    json item_path = {{"parameters", single}};
    if (r->has_verb("get")) {
      json op = operation("read" + scope + r->kind, "read the specified " + r->kind, "get", gvk, tag);
      op["responses"]["200"] = {{"description", "OK"}, {"content", json_content(obj_schema)}};
      item_path["get"] = std::move(op);
    }
    if (r->has_verb("update")) {
      json op = operation("replace" + scope + r->kind, "replace the specified " + r->kind, "put", gvk, tag);
      for (const char* p : {"dryRun", "fieldManager", "fieldValidation"}) op["parameters"].push_back(query_param(p, p));
      op["requestBody"] = {{"content", json_content(obj_schema)}, {"required", true}};
      op["responses"]["200"] = {{"description", "OK"}, {"content", json_content(obj_schema)}};
      item_path["put"] = std::move(op);
    }
    if (r->has_verb("patch")) {
      json op = operation("patch" + scope + r->kind, "partially update the specified " + r->kind, "patch", gvk, tag);
      for (const char* p : {"dryRun", "fieldManager", "fieldValidation"}) op["parameters"].push_back(query_param(p, p));
      op["parameters"].push_back(query_param("force", "Force is going to \"force\" Apply requests.", "boolean"));
      op["requestBody"] = patch_body;
      op["responses"]["200"] = {{"description", "OK"}, {"content", json_content(obj_schema)}};
      item_path["patch"] = std::move(op);
    }
    if (r->has_verb("delete")) {
      json op = operation("delete" + scope + r->kind, "delete a " + r->kind, "delete", gvk, tag);
      op["requestBody"] = {{"content", json_content(schema_ref(kDeleteOptions))}};
      op["responses"]["200"] = {{"description", "OK"}, {"content", json_content(obj_schema)}};
      item_path["delete"] = std::move(op);
    }
    if (item_path.size() > 1) paths[item] = std::move(item_path);
    for (const auto& sub : r->subresources) {
      if (sub.name != "status" && sub.name != "scale") continue;
      SchemaRef sub_schema = schemas.for_kind_ref(sub.kind);
      json sub_ref = schema_ref(sub.name == "scale" ? std::string("io.k8s.api.autoscaling.v1.Scale") : def_name);
      if (sub.name == "scale" && sub_schema) gen.want(sub_schema->name);
      std::string suffix = sub.name == "scale" ? "Scale" : "Status";
      json sp = {{"parameters", single}};
      json get = operation("read" + scope + r->kind + suffix, "read " + sub.name + " of the specified " + r->kind, "get", sub.kind, tag);
      get["responses"]["200"] = {{"description", "OK"}, {"content", json_content(sub_ref)}};
      sp["get"] = std::move(get);
      json patch = operation("patch" + scope + r->kind + suffix, "partially update " + sub.name + " of the specified " + r->kind,
                             "patch", sub.kind, tag);
      for (const char* p : {"dryRun", "fieldManager", "fieldValidation"}) patch["parameters"].push_back(query_param(p, p));
      patch["requestBody"] = patch_body;
      patch["responses"]["200"] = {{"description", "OK"}, {"content", json_content(sub_ref)}};
      sp["patch"] = std::move(patch);
      paths[item + "/" + sub.name] = std::move(sp);
    }
  }
  gen.want(kPatch);
  gen.want(kStatus);
  gen.want(kDeleteOptions);
  gen.flush(schemas, components);
  components[kPatch] = {{"type", "object"},
                        {"description", "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body."}};
  components[kStatus] = {{"type", "object"},
                         {"description", "Status is a return value for calls that don't return other objects."},
                         {"properties", {{"apiVersion", {{"type", "string"}}}, {"kind", {{"type", "string"}}},
                                         {"code", {{"type", "integer"}, {"format", "int32"}}}, {"message", {{"type", "string"}}},
                                         {"reason", {{"type", "string"}}}, {"status", {{"type", "string"}}},
                                         {"details", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}},
                                         {"metadata", {{"allOf", json::array({schema_ref(kListMeta)})}}}}},
                         {"x-kubernetes-group-version-kind", json::array({gvk_json({"", "v1", "Status"})})}};
  components[kDeleteOptions] = {{"type", "object"},
                                {"description", "DeleteOptions may be provided when deleting an API object."},
                                {"properties", {{"apiVersion", {{"type", "string"}}}, {"kind", {{"type", "string"}}},
                                                {"dryRun", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                                {"gracePeriodSeconds", {{"type", "integer"}, {"format", "int64"}}},
                                                {"orphanDependents", {{"type", "boolean"}}},
                                                {"preconditions", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}},
                                                {"propagationPolicy", {{"type", "string"}}}}}};
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
          {"paths", std::move(paths)},
          {"components", {{"schemas", std::move(components)}}}};
}

}  // namespace

OpenApiV3 OpenApiV3::build(const ResourceRegistry& resources, const SchemaRegistry& schemas) {
  OpenApiV3 out;
  json index_paths = json::object();
  for (const auto& [group, version] : resources.group_versions()) {
    std::string path = group.empty() ? "api/" + version : "apis/" + group + "/" + version;
    std::string text = document_for(resources, schemas, group, version).dump();
    std::string hash = fnv_hash(text);
    index_paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash}};
    out.docs_[path] = {std::move(text), std::move(hash)};
  }
  out.index_ = json{{"paths", std::move(index_paths)}}.dump();
  return out;
}

const std::string* OpenApiV3::document(std::string_view path) const {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  auto it = docs_.find(path);
  return it == docs_.end() ? nullptr : &it->second.first;
}

std::string OpenApiV3::hash(std::string_view path) const {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  auto it = docs_.find(path);
  return it == docs_.end() ? "" : it->second.second;
}

}  // namespace skiff::apimachinery
