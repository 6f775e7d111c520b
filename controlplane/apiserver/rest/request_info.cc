#include "rest/request_info.h"

#include <vector>

namespace skiff::apiserver {

namespace {
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty()) out.push_back(part);
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  return out;
}
}  // namespace

PathMatch parse_resource_path(const apimachinery::ResourceRegistry& registry, std::string_view method,
                              std::string_view path, bool watch, ResourceRequest& out) {
  auto parts = split_path(path);
  std::string group, version;
  std::size_t at = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    version = parts[1];
    at = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    group = parts[1];
    version = parts[2];
    at = 3;
  } else {
    return PathMatch::NotApi;
  }
  auto rest = std::vector<std::string_view>(parts.begin() + static_cast<long>(at), parts.end());
  if (rest.empty()) return PathMatch::NotApi;  // discovery document

  auto find = [&](std::string_view plural) {
    return registry.find(apimachinery::GroupVersionResource{group, version, std::string(plural)});
  };
  // namespaces/NS/<namespaced resource>/... versus namespaces/NAME[/subresource]
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    if (const auto* r = find(rest[2]); r && r->namespaced) {
      out.namespace_name = rest[1];
      rest.erase(rest.begin(), rest.begin() + 2);
    }
  }
  const auto* resource = find(rest[0]);
  if (!resource || rest.size() > 3) return PathMatch::UnknownResource;
  out.resource = resource;
  if (rest.size() >= 2) out.name = rest[1];
  if (rest.size() == 3) out.subresource = rest[2];

  bool named = !out.name.empty();
  if (method == "GET" || method == "HEAD")
    out.verb = watch ? "watch" : named ? "get" : "list";
  else if (method == "POST")
    out.verb = "create";
  else if (method == "PUT")
    out.verb = "update";
  else if (method == "PATCH")
    out.verb = "patch";
  else if (method == "DELETE")
    out.verb = named ? "delete" : "deletecollection";
  else
    out.verb = "";
  return PathMatch::Ok;
}

}  // namespace skiff::apiserver
