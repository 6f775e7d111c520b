// Addressing: group/version/resource (+ namespace, name, subresource) to the
// request path. The core group ("") lives under /api/v1, the others under
// /apis/<group>/<version>.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::client {

struct GroupVersionResource {
  std::string group;     // "" for core
  std::string version;   // "v1"
  std::string resource;  // plural, lower case: "configmaps"
  bool operator==(const GroupVersionResource&) const = default;
  auto operator<=>(const GroupVersionResource&) const = default;
  std::string str() const;  // "configmaps.v1." / "deployments.v1.apps" as kube prints
};

struct ResourceRef {
  GroupVersionResource gvr;
  std::string namespace_;   // empty: cluster scoped, or all namespaces for a list
  std::string name;         // empty: the collection
  std::string subresource;  // "status", "scale", ...; needs a name
};

// Query parameters in order; values are percent-encoded when rendered.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Percent-encoding of a path segment or query component (RFC 3986 unreserved kept).
std::string url_encode(std::string_view text);
// "/api/v1/namespaces/ns/configmaps/name/status"
std::string resource_path(const ResourceRef& ref);
// path + "?" + k=v&... (nothing appended when the query is empty)
std::string request_target(std::string_view path, const QueryParams& query);

// Common resources, for readability at call sites.
namespace resources {
GroupVersionResource configmaps();
GroupVersionResource services();
GroupVersionResource pods();
GroupVersionResource namespaces();
GroupVersionResource nodes();
GroupVersionResource endpoint_slices();
GroupVersionResource network_policies();
GroupVersionResource leases();
}  // namespace resources

}  // namespace skiff::client
