#include "discovery.h"

#include <nlohmann/json.hpp>

namespace skiff::apiserver {

using nlohmann::json;
using apimachinery::ResourceInfo;

namespace {

json legacy_resource(const ResourceInfo& r) {
  json out = {{"name", r.plural}, {"singularName", r.singular}, {"namespaced", r.namespaced},
              {"kind", r.kind}, {"verbs", r.verbs}};
  if (!r.short_names.empty()) out["shortNames"] = r.short_names;
  if (!r.categories.empty()) out["categories"] = r.categories;
  return out;
}

json legacy_subresource(const ResourceInfo& r, const apimachinery::SubresourceInfo& sub) {
  json out = {{"name", r.plural + "/" + sub.name},
              {"singularName", ""},
              {"namespaced", r.namespaced},
              {"kind", sub.kind.kind},
              {"verbs", sub.verbs}};
  if (sub.kind.group != r.group || sub.kind.version != r.version) {
    out["group"] = sub.kind.group;
    out["version"] = sub.kind.version;
  }
  return out;
}

json aggregated_resource(const ResourceInfo& r) {
  json out = {{"resource", r.plural},
              {"responseKind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
              {"scope", r.namespaced ? "Namespaced" : "Cluster"},
              {"singularResource", r.singular},
              {"verbs", r.verbs}};
  if (!r.short_names.empty()) out["shortNames"] = r.short_names;
  if (!r.categories.empty()) out["categories"] = r.categories;
  if (!r.subresources.empty()) {
    json subs = json::array();
    for (const auto& sub : r.subresources)
      subs.push_back({{"subresource", sub.name},
                      {"responseKind", {{"group", sub.kind.group}, {"version", sub.kind.version}, {"kind", sub.kind.kind}}},
                      {"verbs", sub.verbs}});
    out["subresources"] = std::move(subs);
  }
  return out;
}

}  // namespace

bool wants_aggregated_discovery(std::string_view accept) {
  return accept.find("as=APIGroupDiscoveryList") != std::string_view::npos &&
         accept.find("g=apidiscovery.k8s.io") != std::string_view::npos;
}

DiscoveryDocuments::DiscoveryDocuments(const apimachinery::ResourceRegistry& registry, std::string server_address) {
  api_versions_ = json{{"kind", "APIVersions"},
                       {"versions", {"v1"}},
                       {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}}
                      .dump();

  // Versions per group, in registry order (the first is preferred).
  std::vector<std::string> group_order;
  std::map<std::string, std::vector<std::string>> versions;
  for (const auto& [group, version] : registry.group_versions()) {
    if (!versions.contains(group)) group_order.push_back(group);
    versions[group].push_back(version);
  }

  json group_list = {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", json::array()}};
  json aggregated_groups = {{"kind", "APIGroupDiscoveryList"}, {"apiVersion", "apidiscovery.k8s.io/v2"},
                            {"metadata", json::object()}, {"items", json::array()}};
  json aggregated_core = aggregated_groups;

  for (const auto& group : group_order) {
    json group_versions = json::array();
    json aggregated_versions = json::array();
    for (const auto& version : versions[group]) {
      std::string gv = group.empty() ? version : group + "/" + version;
      group_versions.push_back({{"groupVersion", gv}, {"version", version}});
      json resources = json::array();
      json aggregated = json::array();
      for (const ResourceInfo* r : registry.in_group_version(group, version)) {
        resources.push_back(legacy_resource(*r));
        for (const auto& sub : r->subresources) resources.push_back(legacy_subresource(*r, sub));
        aggregated.push_back(aggregated_resource(*r));
      }
      resource_lists_[gv] =
          json{{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", gv}, {"resources", resources}}.dump();
      aggregated_versions.push_back({{"version", version}, {"freshness", "Current"}, {"resources", aggregated}});
    }
    json item = {{"metadata", {{"name", group}}}, {"versions", aggregated_versions}};
    if (group.empty()) {
      aggregated_core["items"].push_back(item);
      continue;
    }
    aggregated_groups["items"].push_back(item);
    json api_group = {{"name", group}, {"versions", group_versions}, {"preferredVersion", group_versions[0]}};
    json group_document = api_group;
    group_document["kind"] = "APIGroup";
    group_document["apiVersion"] = "v1";
    groups_[group] = group_document.dump();
    group_list["groups"].push_back(api_group);
  }
  api_group_list_ = group_list.dump();
  aggregated_core_ = aggregated_core.dump();
  aggregated_groups_ = aggregated_groups.dump();
}

const std::string* DiscoveryDocuments::resource_list(std::string_view group_version) const {
  auto it = resource_lists_.find(group_version);
  return it == resource_lists_.end() ? nullptr : &it->second;
}

const std::string* DiscoveryDocuments::group(std::string_view group) const {
  auto it = groups_.find(group);
  return it == groups_.end() ? nullptr : &it->second;
}

}  // namespace skiff::apiserver
