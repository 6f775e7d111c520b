// POST, PUT and PATCH (including the status and scale subresources).
#include <random>

#include "rest/object_codec.h"
#include "rest/resource_handler.h"
#include "rest/scale.h"
#include "skiff/apimachinery/defaulting.h"
#include "skiff/apimachinery/patch.h"
#include "skiff/apimachinery/validation.h"

namespace skiff::apiserver {

using nlohmann::json;
namespace am = skiff::apimachinery;

namespace {

constexpr int kMaxRetries = 8;

std::string generate_suffix() {
  // kube's alphabet for generated names: no vowels, no confusable digits.
  static constexpr char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  thread_local std::mt19937 rng{std::random_device{}()};
  std::string out;
  for (int i = 0; i < 5; ++i) out.push_back(alphabet[rng() % (sizeof alphabet - 1)]);
  return out;
}

am::ApplyOptions apply_options(const HttpRequest& request, const ResourceRequest& target) {
  am::ApplyOptions options;
  options.field_manager = request.param("fieldManager").value_or("");
  options.force = request.flag("force");
  options.subresource = target.subresource;
  return options;
}

bool dry_run(const HttpRequest& request) { return request.param("dryRun").value_or("") == "All"; }

// The object body must name the endpoint's kind; missing apiVersion/kind are filled in.
std::optional<HttpResponse> check_kind(const am::ResourceInfo& resource, json& object) {
  if (!object.is_object()) return bad_request("the body of the request was not a JSON object");
  std::string api_version = object.value("apiVersion", "");
  std::string kind = object.value("kind", "");
  if (kind.empty()) object["kind"] = kind = resource.kind;
  if (api_version.empty()) object["apiVersion"] = api_version = resource.api_version();
  if (kind != resource.kind || api_version != resource.api_version())
    return bad_request("the object provided is of kind " + api_version + ", Kind=" + kind +
                       " but this endpoint serves " + resource.api_version() + ", Kind=" + resource.kind);
  if (!object.contains("metadata") || object["metadata"].is_null()) object["metadata"] = json::object();
  if (!object["metadata"].is_object()) return bad_request("metadata must be an object");
  return std::nullopt;
}

// What kube's strategies do to status on create.
void reset_status_for_create(const am::ResourceInfo& resource, json& object) {
  if (!resource.subresource("status")) return;
  if (resource.group.empty() && resource.kind == "Node") return;  // nodes register with their status
  if (resource.group.empty() && resource.kind == "Pod") {
    object["status"] = {{"phase", "Pending"}, {"qosClass", "BestEffort"}};
    return;
  }
  if (resource.group.empty() && resource.kind == "Namespace") {
    object["status"] = {{"phase", "Active"}};
    return;
  }
  if (resource.group.empty() && (resource.kind == "PersistentVolume" || resource.kind == "PersistentVolumeClaim")) {
    object["status"] = {{"phase", "Pending"}};
    return;
  }
  object.erase("status");
}

bool has_generation(const am::ResourceInfo& resource) {
  return !(resource.group.empty() && (resource.kind == "Pod" || resource.kind == "ConfigMap" ||
                                      resource.kind == "Secret" || resource.kind == "Event" ||
                                      resource.kind == "Endpoints" || resource.kind == "ServiceAccount"));
}

// A value that changes when anything but metadata and status does (kube bumps
// generation on spec changes; for kinds without spec, on any such change).
json generation_relevant(const json& object) {
  json copy = object;
  copy.erase("metadata");
  copy.erase("status");
  return copy;
}

}  // namespace

std::optional<HttpResponse> ResourceHandler::check_strict_fields(const HttpRequest& request,
                                                                 const ResourceRequest& target, const json& object,
                                                                 Params& warnings) {
  std::string mode = request.param("fieldValidation").value_or("Warn");
  if (mode == "Ignore") return std::nullopt;
  auto unknown = am::unknown_fields(target.resource->gvk(), object);
  if (unknown.empty()) return std::nullopt;
  if (mode == "Strict") {
    std::string message = "strict decoding error: ";
    for (std::size_t i = 0; i < unknown.size(); ++i) {
      std::string path = unknown[i];
      if (!path.empty() && path[0] == '.') path.erase(0, 1);
      message += (i ? ", " : "") + std::string("unknown field \"") + path + "\"";
    }
    return bad_request(message);
  }
  for (auto path : unknown) {
    if (!path.empty() && path[0] == '.') path.erase(0, 1);
    warnings.emplace_back("Warning", "299 - \"unknown field \\\"" + path + "\\\"\"");
  }
  return std::nullopt;
}

HttpResponse ResourceHandler::create(HttpRequest& request, const ResourceRequest& target) {
  if (!target.subresource.empty()) return method_not_allowed(request.method);
  auto body = decode_body(request.body, request.header("content-type"));
  if (!body) return status_response(body.error());
  return create_object(request, target, std::move(*body));
}

HttpResponse ResourceHandler::create_object(HttpRequest& request, const ResourceRequest& target, json object) {
  const auto& resource = *target.resource;
  auto qr = qualified(resource);
  if (auto bad = check_kind(resource, object)) return *bad;
  json& meta = object["metadata"];

  if (resource.namespaced) {
    std::string ns = meta.value("namespace", "");
    if (target.namespace_name.empty()) return bad_request("the namespace of the object must be set in the URL");
    if (!ns.empty() && ns != target.namespace_name)
      return bad_request("the namespace of the provided object does not match the namespace sent on the request");
    meta["namespace"] = target.namespace_name;
    const auto* namespaces = registry_->find(am::GroupVersionResource{"", "v1", "namespaces"});
    if (namespaces && !store_.get(storage_key(*namespaces, "", target.namespace_name)))
      return not_found(qualified(*namespaces), target.namespace_name);
  } else {
    meta.erase("namespace");
  }

  std::string name = meta.value("name", "");
  std::string generate_name = meta.value("generateName", "");
  if (name.empty() && generate_name.empty())
    return status_response(am::ApiError{422, "Invalid", resource.kind + " \"\" is invalid: metadata.name: Required value: name or generateName is required",
                                        {{"FieldValueRequired", "Required value: name or generateName is required", "metadata.name"}}},
                           "", &qr, resource.kind);

  // Server-owned metadata.
  for (const char* field : {"resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"})
    meta.erase(field);
  meta["uid"] = new_uid();
  meta["creationTimestamp"] = now_rfc3339();
  if (has_generation(resource)) meta["generation"] = 1;
  reset_status_for_create(resource, object);
  if (resource.group.empty() && resource.kind == "Namespace") {
    object["spec"] = {{"finalizers", {"kubernetes"}}};
    json& labels = meta["labels"];
    if (!labels.is_object()) labels = json::object();
    labels["kubernetes.io/metadata.name"] = name;
  }

  Params warnings;
  if (auto bad = check_strict_fields(request, target, object, warnings)) return *bad;
  am::apply_defaults(resource.gvk(), object);

  for (int attempt = 0; attempt < kMaxRetries; ++attempt) {
    if (name.empty() || attempt > 0) {
      if (generate_name.empty()) break;
      object["metadata"]["name"] = generate_name + generate_suffix();
    }
    std::string final_name = object["metadata"]["name"].get<std::string>();
    auto causes = am::validate(resource.gvk(), object, nullptr);
    if (!causes.empty()) {
      auto error = am::invalid_error(resource.gvk(), final_name, causes);
      return status_response(error, final_name, &qr, resource.kind);
    }
    am::compute_managed_fields(resource.gvk(), nullptr, object, apply_options(request, target));
    std::string bytes = encode_for_storage(object);
    if (dry_run(request)) {
      HttpResponse response = object_response(target, request, 201, bytes, 0);
      response.headers = warnings;
      return response;
    }
    auto created = store_.create(storage_key(resource, target.namespace_name, final_name), bytes);
    if (created) {
      HttpResponse response = object_response(target, request, 201, bytes, created->mod_revision);
      response.headers = warnings;
      return response;
    }
    if (created.error().kind != storage::ErrorKind::AlreadyExists || !name.empty())
      return storage_failure(created.error(), qr, final_name);
  }
  return status_response(am::ApiError{409, "AlreadyExists", "could not generate a unique name", {}}, "", &qr);
}

HttpResponse ResourceHandler::update(HttpRequest& request, const ResourceRequest& target) {
  auto body = decode_body(request.body, request.header("content-type"));
  if (!body) return status_response(body.error());
  json object = std::move(*body);
  if (target.subresource == "scale") {
    if (!object.is_object()) return bad_request("the body of the request was not a JSON object");
    auto replicas = object.value("spec", json::object()).value("replicas", json());
    std::string want_rv = object.value("metadata", json::object()).value("resourceVersion", "");
    return update_with(
        request, target,
        [replicas, want_rv](const json& current) -> am::ApiResult<json> {
          if (!want_rv.empty() && want_rv != current["metadata"].value("resourceVersion", ""))
            return std::unexpected(am::ApiError{409, "Conflict", "", {}});
          json updated = current;
          updated["spec"]["replicas"] = replicas.is_number_integer() ? replicas : json(0);
          return updated;
        },
        true);
  }
  if (auto bad = check_kind(*target.resource, object)) return *bad;
  std::string body_name = object["metadata"].value("name", "");
  if (body_name != target.name)
    return bad_request("the name of the object (" + body_name + ") does not match the name on the URL (" + target.name + ")");
  Params warnings;
  if (auto bad = check_strict_fields(request, target, object, warnings)) return *bad;
  std::string want_rv = object["metadata"].value("resourceVersion", "");
  return update_with(request, target, [&object, want_rv](const json& current) -> am::ApiResult<json> {
    if (!want_rv.empty() && want_rv != current["metadata"].value("resourceVersion", ""))
      return std::unexpected(am::ApiError{409, "Conflict", "", {}});
    return object;
  });
}

HttpResponse ResourceHandler::patch(HttpRequest& request, const ResourceRequest& target) {
  const auto& resource = *target.resource;
  std::string content_type = request.header("content-type");
  auto type = am::patch_type_from_content_type(content_type);
  if (!type) return unsupported_media_type(content_type);
  auto options = apply_options(request, target);
  if (*type == am::PatchType::Apply && options.field_manager.empty())
    return bad_request("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");

  if (target.subresource == "scale") {
    return update_with(
        request, target,
        [&](const json& current) -> am::ApiResult<json> {
          json scale = scale_of(current);
          auto patched = am::apply_patch(*type == am::PatchType::StrategicMerge ? am::PatchType::Merge : *type,
                                         am::GroupVersionKind{"autoscaling", "v1", "Scale"}, scale, request.body, options);
          if (!patched) return std::unexpected(patched.error());
          json updated = current;
          updated["spec"]["replicas"] = patched->value("spec", json::object()).value("replicas", 0);
          return updated;
        },
        true);
  }

  // Server-side apply creates a missing object.
  if (*type == am::PatchType::Apply && target.subresource.empty()) {
    auto existing = store_.get(storage_key(resource, target.namespace_name, target.name));
    if (!existing && existing.error().kind == storage::ErrorKind::NotFound) {
      auto created = am::apply_patch(am::PatchType::Apply, resource.gvk(), json(), request.body, options);
      if (!created) return status_response(created.error(), target.name, nullptr, resource.kind);
      json object = std::move(*created);
      if (object.is_object()) {
        object["metadata"]["name"] = target.name;
        if (resource.namespaced) object["metadata"]["namespace"] = target.namespace_name;
      }
      return create_object(request, target, std::move(object));
    }
  }

  return update_with(request, target, [&](const json& current) -> am::ApiResult<json> {
    auto patched = am::apply_patch(*type, resource.gvk(), current, request.body, options);
    if (!patched) return patched;
    // A resourceVersion in the patch is a precondition.
    std::string want_rv = patched->value("metadata", json::object()).value("resourceVersion", "");
    if (!want_rv.empty() && want_rv != current["metadata"].value("resourceVersion", ""))
      return std::unexpected(am::ApiError{409, "Conflict", "", {}});
    return patched;
  });
}

HttpResponse ResourceHandler::update_with(HttpRequest& request, const ResourceRequest& target, const Mutation& mutate,
                                          bool respond_with_scale) {
  const auto& resource = *target.resource;
  auto qr = qualified(resource);
  std::string key = storage_key(resource, target.namespace_name, target.name);
  bool status_only = target.subresource == "status";
  auto options = apply_options(request, target);

  for (int attempt = 0; attempt < kMaxRetries; ++attempt) {
    auto current = store_.get(key);
    if (!current) return storage_failure(current.error(), qr, target.name);
    json old = decode_stored(*current);
    auto mutated = mutate(old);
    if (!mutated) {
      if (mutated.error().code == 409 && mutated.error().reason == "Conflict" && mutated.error().message.empty())
        return conflict(qr, target.name);
      return status_response(mutated.error(), target.name, &qr, resource.kind);
    }
    json object = std::move(*mutated);
    if (!object.is_object()) return bad_request("the patched object is not a JSON object");
    if (!object.contains("metadata") || !object["metadata"].is_object()) object["metadata"] = json::object();

    if (status_only) {
      json updated = old;
      if (object.contains("status")) updated["status"] = object["status"];
      object = std::move(updated);
    } else if (resource.subresource("status")) {
      if (old.contains("status"))
        object["status"] = old["status"];
      else
        object.erase("status");
    }
    object["apiVersion"] = resource.api_version();
    object["kind"] = resource.kind;

    // Server-owned metadata is carried over.
    json& meta = object["metadata"];
    const json& old_meta = old["metadata"];
    for (const char* field : {"name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                              "deletionGracePeriodSeconds", "generation"}) {
      if (old_meta.contains(field))
        meta[field] = old_meta[field];
      else
        meta.erase(field);
    }
    meta.erase("resourceVersion");
    if (!status_only) {
      am::apply_update_defaults(resource.gvk(), object, old);
      am::apply_defaults(resource.gvk(), object);
      if (has_generation(resource) && generation_relevant(object) != generation_relevant(old))
        meta["generation"] = old_meta.value("generation", 0) + 1;
    }
    if (resource.group.empty() && resource.kind == "Namespace" && !status_only) object["spec"] = old.value("spec", json::object());

    auto causes = am::validate(resource.gvk(), object, &old);
    if (!causes.empty())
      return status_response(am::invalid_error(resource.gvk(), target.name, causes), target.name, &qr, resource.kind);
    am::compute_managed_fields(resource.gvk(), &old, object, options);

    // Finalizers emptied on an object being deleted: it goes now.
    bool deleting = meta.contains("deletionTimestamp");
    bool no_finalizers = !meta.contains("finalizers") || !meta["finalizers"].is_array() || meta["finalizers"].empty();
    std::string bytes = encode_for_storage(object);
    if (dry_run(request)) return object_response(target, request, 200, bytes, current->mod_revision);
    if (deleting && no_finalizers) {
      auto removed = store_.remove(key, current->mod_revision);
      if (!removed) {
        if (removed.error().kind == storage::ErrorKind::Conflict) continue;
        return storage_failure(removed.error(), qr, target.name);
      }
      return object_response(target, request, 200, bytes, removed->revision);
    }
    storage::Revision revision = current->mod_revision;
    if (bytes != current->value) {  // a no-op write keeps the resourceVersion, as in kube
      auto updated = store_.update(key, bytes, current->mod_revision);
      if (!updated) {
        if (updated.error().kind == storage::ErrorKind::Conflict) continue;
        return storage_failure(updated.error(), qr, target.name);
      }
      revision = updated->mod_revision;
    }
    if (respond_with_scale) {
      object["metadata"]["resourceVersion"] = std::to_string(revision);
      HttpResponse response;
      response.body = scale_of(object).dump();
      return response;
    }
    return object_response(target, request, 200, bytes, revision);
  }
  return conflict(qr, target.name);
}

}  // namespace skiff::apiserver
