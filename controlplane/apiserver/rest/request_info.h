// What a resource URL names: /api/v1/namespaces/NS/pods/NAME/status ->
// (pods, NS, NAME, status) plus the verb kube's authorizer sees.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "skiff/apimachinery/resources.h"

namespace skiff::apiserver {

struct ResourceRequest {
  const apimachinery::ResourceInfo* resource = nullptr;
  std::string namespace_name;  // "" for cluster-scoped resources and all-namespace lists
  std::string name;
  std::string subresource;
  std::string verb;  // get list watch create update patch delete deletecollection
};

enum class PathMatch { NotApi, UnknownResource, Ok };

// Parses `path` (already percent-decoded) with `method` and whether ?watch= is set.
PathMatch parse_resource_path(const apimachinery::ResourceRegistry& registry, std::string_view method,
                              std::string_view path, bool watch, ResourceRequest& out);

}  // namespace skiff::apiserver
