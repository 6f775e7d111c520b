#include "skiff/apimachinery/crd.h"

#include <nlohmann/json.hpp>

#include "json_access.h"

namespace skiff::apimachinery {

using json = nlohmann::json;

ApiResult<std::vector<CustomResourceVersion>> custom_resources_from_crd(const json& crd) {
  const json* spec = field_ptr(crd, "spec");
  if (!spec || !spec->is_object()) return bad_request("CustomResourceDefinition has no spec");
  const json* names = field_ptr(*spec, "names");
  std::string group = sval(*spec, "group");
  std::string kind = names ? sval(*names, "kind") : "";
  std::string plural = names ? sval(*names, "plural") : "";
  if (group.empty() || kind.empty() || plural.empty())
    return bad_request("CustomResourceDefinition needs spec.group, spec.names.kind and spec.names.plural");
  std::string singular = names ? sval(*names, "singular") : "";
  if (singular.empty()) {
    singular = kind;
    for (auto& c : singular) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  auto strings = [](const json* list) {
    std::vector<std::string> out;
    if (list && list->is_array())
      for (const auto& v : *list)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
  };
  const json* versions = field_ptr(*spec, "versions");
  if (!versions || !versions->is_array() || versions->empty())
    return bad_request("CustomResourceDefinition needs at least one version");
  std::vector<CustomResourceVersion> out;
  for (const auto& v : *versions) {
    if (!bval(v, "served", false)) continue;
    CustomResourceVersion crv;
    ResourceInfo& r = crv.info;
    r.group = group;
    r.version = sval(v, "name");
    if (r.version.empty()) return bad_request("CustomResourceDefinition version without a name");
    r.kind = kind;
    r.plural = plural;
    r.singular = singular;
    r.namespaced = sval(*spec, "scope", "Namespaced") == "Namespaced";
    r.short_names = strings(names ? field_ptr(*names, "shortNames") : nullptr);
    r.categories = strings(names ? field_ptr(*names, "categories") : nullptr);
    r.verbs = {"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"};
    r.custom = true;
    if (const json* sub = field_ptr(v, "subresources"); sub && sub->is_object()) {
      if (sub->contains("status")) r.subresources.push_back({"status", r.gvk(), {"get", "patch", "update"}});
      if (sub->contains("scale")) r.subresources.push_back({"scale", {"autoscaling", "v1", "Scale"}, {"get", "patch", "update"}});
    }
    if (const json* cols = field_ptr(v, "additionalPrinterColumns"); cols && cols->is_array() && !cols->empty()) {
      for (const auto& c : *cols)
        r.printer_columns.push_back({sval(c, "name"), sval(c, "type", "string"), sval(c, "format"), sval(c, "description"),
                                     static_cast<int>(ival(c, "priority")), sval(c, "jsonPath")});
    } else {
      r.printer_columns.push_back({"Age", "date", "", "", 0, ".metadata.creationTimestamp"});
    }
    const json* schema = nullptr;
    if (const json* s = field_ptr(v, "schema")) schema = field_ptr(*s, "openAPIV3Schema");
    auto converted = SchemaRegistry::from_openapi_v3(schema ? *schema : json(), r.gvk());
    if (!converted) return std::unexpected(converted.error());
    crv.schema = *converted;
    crv.storage = bval(v, "storage", false);
    out.push_back(std::move(crv));
  }
  return out;
}

ApiResult<void> register_crd(const json& crd, ResourceRegistry& resources, SchemaRegistry& schemas) {
  auto versions = custom_resources_from_crd(crd);
  if (!versions) return std::unexpected(versions.error());
  for (auto& v : *versions) {
    if (auto added = resources.add_custom(v.info); !added) return added;
    schemas.add_custom(v.info.gvk(), v.schema);
  }
  return {};
}

}  // namespace skiff::apimachinery
