#include "rest/resource_handler.h"

#include <chrono>
#include <ctime>
#include <random>

#include "rest/object_codec.h"
#include "rest/scale.h"

namespace skiff::apiserver {

using nlohmann::json;

std::string storage_key(const apimachinery::ResourceInfo& resource, std::string_view namespace_name,
                        std::string_view name) {
  std::string key = storage_prefix(resource, namespace_name);
  key += name;
  return key;
}

std::string storage_prefix(const apimachinery::ResourceInfo& resource, std::string_view namespace_name) {
  std::string key = "/registry/";
  key += resource.group.empty() ? "core" : resource.group;
  key += '/';
  key += resource.plural;
  key += '/';
  if (resource.namespaced && !namespace_name.empty()) {
    key += namespace_name;
    key += '/';
  }
  return key;
}

QualifiedResource qualified(const apimachinery::ResourceInfo& resource) { return {resource.group, resource.plural}; }

std::string now_rfc3339() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string new_uid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

bool wants_table(std::string_view accept) {
  return accept.find("as=Table") != std::string_view::npos && accept.find("g=meta.k8s.io") != std::string_view::npos;
}

ResourceHandler::ResourceHandler(storage::KvStore& store, storage::WatchCache& cache,
                                 std::shared_ptr<const apimachinery::ResourceRegistry> registry)
    : store_(store), cache_(cache), registry_(std::move(registry)) {}

HttpResponse ResourceHandler::handle(HttpRequest& request, const ResourceRequest& target) {
  const auto& resource = *target.resource;
  if (!target.subresource.empty()) {
    const auto* sub = resource.subresource(target.subresource);
    if (!sub) return path_not_found(request.path);
    if (target.subresource != "status" && target.subresource != "scale")
      return HttpResponse{501, "application/json",
                          status_json(501, "NotImplemented",
                                      "the " + target.subresource + " subresource is not served yet"),
                          {}, nullptr};
  }
  if (!target.verb.empty() && target.verb != "watch" && !resource.has_verb(target.verb) && target.subresource.empty())
    return method_not_allowed(request.method);
  if (resource.namespaced && target.namespace_name.empty() && !target.name.empty())
    return path_not_found(request.path);

  if (target.verb == "get") {
    if (target.subresource == "scale") return get_scale(store_, request, target);
    return get(request, target);
  }
  if (target.verb == "list") return list(request, target);
  if (target.verb == "watch") return watch(request, target);
  if (target.verb == "create") {
    if (!target.name.empty()) return method_not_allowed(request.method);
    return create(request, target);
  }
  if (target.verb == "update") return update(request, target);
  if (target.verb == "patch") return patch(request, target);
  if (target.verb == "delete") {
    if (!target.subresource.empty()) return method_not_allowed(request.method);
    return remove(request, target);
  }
  if (target.verb == "deletecollection") return remove_collection(request, target);
  return method_not_allowed(request.method);
}

storage::Result<storage::KeyValue> ResourceHandler::create_if_missing(const apimachinery::ResourceInfo& resource,
                                                                      const json& object) {
  const auto& meta = object.at("metadata");
  std::string key = storage_key(resource, meta.value("namespace", ""), meta.value("name", ""));
  auto created = store_.create(key, encode_for_storage(object));
  if (!created && created.error().kind == storage::ErrorKind::AlreadyExists && created.error().current)
    return *created.error().current;
  return created;
}

}  // namespace skiff::apiserver
