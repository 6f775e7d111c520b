// DELETE of one object and of a collection: finalizers, graceful deletion
// (deletionTimestamp), propagation policy recorded as kube's GC finalizers.
#include <chrono>
#include <ctime>

#include "rest/object_codec.h"
#include "rest/resource_handler.h"
#include "skiff/apimachinery/selectors.h"

namespace skiff::apiserver {

using nlohmann::json;
namespace am = skiff::apimachinery;

namespace {

std::string rfc3339_after(long long seconds) {
  std::time_t when = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) + seconds;
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void add_finalizer(json& meta, const std::string& finalizer) {
  json& finalizers = meta["finalizers"];
  if (!finalizers.is_array()) finalizers = json::array();
  for (const auto& f : finalizers)
    if (f == finalizer) return;
  finalizers.push_back(finalizer);
}

// DeleteOptions from the body, with query parameters as fallbacks.
am::ApiResult<json> delete_options(const HttpRequest& request) {
  json options = json::object();
  if (!request.body.empty()) {
    options = json::parse(request.body, nullptr, false);
    if (!options.is_object()) return am::bad_request("the body of the request was not valid DeleteOptions");
  }
  if (auto grace = request.param("gracePeriodSeconds"); grace && !options.contains("gracePeriodSeconds")) {
    try {
      options["gracePeriodSeconds"] = std::stoll(*grace);
    } catch (...) {
      return am::bad_request("invalid gracePeriodSeconds: " + *grace);
    }
  }
  if (auto policy = request.param("propagationPolicy"); policy && !options.contains("propagationPolicy"))
    options["propagationPolicy"] = *policy;
  if (request.param("dryRun").value_or("") == "All") options["dryRun"] = {"All"};
  return options;
}

}  // namespace

HttpResponse ResourceHandler::remove(HttpRequest& request, const ResourceRequest& target) {
  auto options = delete_options(request);
  if (!options) return status_response(options.error());
  auto current = store_.get(storage_key(*target.resource, target.namespace_name, target.name));
  if (!current) return storage_failure(current.error(), qualified(*target.resource), target.name);
  bool dry = options->contains("dryRun");
  auto response = delete_object(target, *current, *options, dry);
  if (response.status == 200 && !dry && target.resource->group.empty() && target.resource->kind == "Namespace")
    delete_namespace_contents(target.name);
  return response;
}

HttpResponse ResourceHandler::delete_object(const ResourceRequest& target, const storage::KeyValue& current,
                                            const json& options, bool dry_run) {
  const auto& resource = *target.resource;
  auto qr = qualified(resource);
  json object = decode_stored(current);
  json& meta = object["metadata"];
  std::string name = meta.value("name", "");

  if (const auto& pre = options.value("preconditions", json::object()); pre.is_object()) {
    if (pre.contains("uid") && pre["uid"].is_string() && pre["uid"] != meta.value("uid", ""))
      return conflict(qr, name, "Precondition failed: UID in precondition: " + pre["uid"].get<std::string>() +
                                    ", UID in object meta: " + meta.value("uid", ""));
    if (pre.contains("resourceVersion") && pre["resourceVersion"].is_string() &&
        pre["resourceVersion"] != meta.value("resourceVersion", ""))
      return conflict(qr, name, "Precondition failed: ResourceVersion in precondition: " +
                                    pre["resourceVersion"].get<std::string>() +
                                    ", ResourceVersion in object meta: " + meta.value("resourceVersion", ""));
  }

  std::string policy = options.value("propagationPolicy", "");
  if (options.contains("orphanDependents") && options["orphanDependents"].is_boolean())
    policy = options["orphanDependents"].get<bool>() ? "Orphan" : policy;
  bool pending = false;
  if (policy == "Foreground") {
    add_finalizer(meta, "foregroundDeletion");
  } else if (policy == "Orphan") {
    add_finalizer(meta, "orphan");
  }
  if (meta.contains("finalizers") && meta["finalizers"].is_array() && !meta["finalizers"].empty()) pending = true;

  // Pods bound to a node end gracefully: the kubelet finishes the deletion.
  long long grace = options.contains("gracePeriodSeconds") && options["gracePeriodSeconds"].is_number_integer()
                        ? options["gracePeriodSeconds"].get<long long>()
                        : -1;
  if (resource.group.empty() && resource.kind == "Pod") {
    bool bound = !object.value("spec", json::object()).value("nodeName", "").empty();
    std::string phase = object.value("status", json::object()).value("phase", "");
    if (grace < 0) grace = object.value("spec", json::object()).value("terminationGracePeriodSeconds", 30);
    if (bound && grace > 0 && phase != "Succeeded" && phase != "Failed") {
      pending = true;
      if (!meta.contains("deletionGracePeriodSeconds")) meta["deletionGracePeriodSeconds"] = grace;
    }
  }

  std::string key = storage_key(resource, target.namespace_name, name);
  HttpResponse response;
  if (pending) {
    if (!meta.contains("deletionTimestamp"))
      meta["deletionTimestamp"] = rfc3339_after(meta.value("deletionGracePeriodSeconds", 0LL));
    if (resource.group.empty() && resource.kind == "Namespace") object["status"]["phase"] = "Terminating";
    std::string bytes = encode_for_storage(object);
    if (dry_run) {
      response.body = with_resource_version(bytes, current.mod_revision);
      return response;
    }
    auto updated = bytes == current.value ? storage::Result<storage::KeyValue>(current)
                                          : store_.update(key, bytes, current.mod_revision);
    if (!updated) return storage_failure(updated.error(), qr, name);
    response.body = with_resource_version(bytes, updated->mod_revision);
    return response;
  }
  if (dry_run) {
    response.body = with_resource_version(current.value, current.mod_revision);
    return response;
  }
  auto removed = store_.remove(key, current.mod_revision);
  if (!removed) return storage_failure(removed.error(), qr, name);
  response.body = with_resource_version(current.value, removed->revision);
  return response;
}

void ResourceHandler::delete_namespace_contents(const std::string& namespace_name) {
  // The namespace controller's work, done at once: every namespaced object goes.
  for (const auto& resource : registry_->all()) {
    if (!resource.namespaced) continue;
    auto page = store_.range({storage_prefix(resource, namespace_name), 0, "", 0});
    if (!page) continue;
    ResourceRequest target{&resource, namespace_name, "", "", "delete"};
    for (const auto& kv : page->items) {
      json options = {{"gracePeriodSeconds", 0}};
      (void)delete_object(target, kv, options, false);
    }
  }
  // Then the namespace itself, if only its own finalizer holds it.
  const auto* namespaces = registry_->find(am::GroupVersionResource{"", "v1", "namespaces"});
  if (!namespaces) return;
  std::string key = storage_key(*namespaces, "", namespace_name);
  auto current = store_.get(key);
  if (!current) return;
  json object = decode_stored(*current);
  const json& finalizers = object["metadata"].value("finalizers", json::array());
  if (finalizers.empty()) (void)store_.remove(key, current->mod_revision);
}

HttpResponse ResourceHandler::remove_collection(HttpRequest& request, const ResourceRequest& target) {
  const auto& resource = *target.resource;
  auto options = delete_options(request);
  if (!options) return status_response(options.error());
  auto label_selector = am::LabelSelector::parse(request.param("labelSelector").value_or(""));
  if (!label_selector) return status_response(label_selector.error());
  auto field_selector = am::FieldSelector::parse(request.param("fieldSelector").value_or(""), resource.gvk());
  if (!field_selector) return status_response(field_selector.error());
  auto page = store_.range({storage_prefix(resource, target.namespace_name), 0, "", 0});
  if (!page) return storage_failure(page.error(), qualified(resource), "");
  bool dry = options->contains("dryRun");
  std::string items;
  for (const auto& kv : page->items) {
    json object = json::parse(kv.value, nullptr, false);
    if (!object.is_object()) continue;
    const json& meta = object["metadata"];
    if (!label_selector->matches(meta.contains("labels") ? meta["labels"] : json())) continue;
    if (!field_selector->matches(object)) continue;
    ResourceRequest one = target;
    one.name = meta.value("name", "");
    one.namespace_name = meta.value("namespace", "");
    auto response = delete_object(one, kv, *options, dry);
    if (response.status != 200) continue;
    if (!items.empty()) items += ',';
    items += response.body;
  }
  HttpResponse response;
  response.body = R"({"apiVersion":")" + resource.api_version() + R"(","items":[)" + items + R"(],"kind":")" +
                  resource.list_kind() + R"(","metadata":{}})";
  return response;
}

}  // namespace skiff::apiserver
