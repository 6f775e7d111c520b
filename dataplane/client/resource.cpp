#include "skiff/client/resource.h"

namespace skiff::client {

std::string GroupVersionResource::str() const {
  return resource + "." + version + "." + group;
}

std::string url_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string resource_path(const ResourceRef& ref) {
  std::string path = ref.gvr.group.empty() ? "/api/" + ref.gvr.version
                                           : "/apis/" + ref.gvr.group + "/" + ref.gvr.version;
  if (!ref.namespace_.empty()) path += "/namespaces/" + url_encode(ref.namespace_);
  path += "/" + ref.gvr.resource;
  if (!ref.name.empty()) {
    path += "/" + url_encode(ref.name);
    if (!ref.subresource.empty()) path += "/" + ref.subresource;
  }
  return path;
}

std::string request_target(std::string_view path, const QueryParams& query) {
  std::string target(path);
  char sep = '?';
  for (const auto& [k, v] : query) {
    target.push_back(sep);
    sep = '&';
    target += url_encode(k);
    target.push_back('=');
    target += url_encode(v);
  }
  return target;
}

namespace resources {
GroupVersionResource configmaps() { return {"", "v1", "configmaps"}; }
GroupVersionResource services() { return {"", "v1", "services"}; }
GroupVersionResource pods() { return {"", "v1", "pods"}; }
GroupVersionResource namespaces() { return {"", "v1", "namespaces"}; }
GroupVersionResource nodes() { return {"", "v1", "nodes"}; }
GroupVersionResource endpoint_slices() { return {"discovery.k8s.io", "v1", "endpointslices"}; }
GroupVersionResource network_policies() { return {"networking.k8s.io", "v1", "networkpolicies"}; }
GroupVersionResource leases() { return {"coordination.k8s.io", "v1", "leases"}; }
}  // namespace resources

}  // namespace skiff::client
