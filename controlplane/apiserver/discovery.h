// Discovery documents generated from the resource registry: legacy
// (/api, /apis, /api/v1, /apis/<g>, /apis/<g>/<v>) and aggregated
// (apidiscovery.k8s.io/v2 APIGroupDiscoveryList for /api and /apis).
// Built once per registry version and served as bytes.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "skiff/apimachinery/resources.h"

namespace skiff::apiserver {

inline constexpr std::string_view kAggregatedDiscoveryType =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

class DiscoveryDocuments {
 public:
  DiscoveryDocuments(const apimachinery::ResourceRegistry& registry, std::string server_address);

  const std::string& api_versions() const { return api_versions_; }  // GET /api
  const std::string& api_group_list() const { return api_group_list_; }  // GET /apis
  const std::string& aggregated_core() const { return aggregated_core_; }  // GET /api (v2)
  const std::string& aggregated_groups() const { return aggregated_groups_; }  // GET /apis (v2)
  // GET /api/v1 or /apis/<g>/<v> ("v1" or "apps/v1"); nullptr = 404.
  const std::string* resource_list(std::string_view group_version) const;
  // GET /apis/<g>; nullptr = 404.
  const std::string* group(std::string_view group) const;

 private:
  std::string api_versions_, api_group_list_, aggregated_core_, aggregated_groups_;
  std::map<std::string, std::string, std::less<>> resource_lists_;
  std::map<std::string, std::string, std::less<>> groups_;
};

// True if an Accept header asks for aggregated discovery v2 (or v2beta1).
bool wants_aggregated_discovery(std::string_view accept);

}  // namespace skiff::apiserver
