#include "status_errors.h"

#include <nlohmann/json.hpp>

namespace skiff::apiserver {

using nlohmann::json;

namespace {

HttpResponse make(int code, std::string_view reason, std::string message, json details = nullptr) {
  json status = {{"kind", "Status"},     {"apiVersion", "v1"}, {"metadata", json::object()},
                 {"status", "Failure"},  {"message", message}, {"reason", reason},
                 {"code", code}};
  if (!details.is_null()) status["details"] = std::move(details);
  HttpResponse response;
  response.status = static_cast<unsigned>(code);
  response.body = status.dump();
  return response;
}

json details_for(std::string_view name, const QualifiedResource& resource) {
  json details = {{"name", name}, {"kind", resource.resource}};
  if (!resource.group.empty()) details["group"] = resource.group;
  return details;
}

}  // namespace

std::string status_json(int code, std::string_view reason, std::string_view message) {
  return json{{"kind", "Status"},    {"apiVersion", "v1"},     {"metadata", json::object()}, {"status", "Failure"},
              {"message", message}, {"reason", reason}, {"code", code}}
      .dump();
}

std::string success_status_json(std::string_view name, const QualifiedResource& resource, std::string_view uid) {
  json details = details_for(name, resource);
  if (!uid.empty()) details["uid"] = uid;
  return json{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Success"},
              {"details", details}}
      .dump();
}

HttpResponse status_response(const apimachinery::ApiError& error, std::string_view name,
                             const QualifiedResource* resource, std::string_view kind) {
  json details = json::object();
  if (!name.empty()) details["name"] = name;
  if (!kind.empty())
    details["kind"] = kind;
  else if (resource)
    details["kind"] = resource->resource;
  if (resource && !resource->group.empty()) details["group"] = resource->group;
  if (!error.causes.empty()) {
    json causes = json::array();
    for (const auto& cause : error.causes)
      causes.push_back({{"reason", cause.reason}, {"message", cause.message}, {"field", cause.field}});
    details["causes"] = std::move(causes);
  }
  return make(error.code, error.reason, error.message, details.empty() ? json(nullptr) : details);
}

HttpResponse not_found(const QualifiedResource& resource, std::string_view name) {
  return make(404, "NotFound", resource.str() + " \"" + std::string(name) + "\" not found", details_for(name, resource));
}

HttpResponse already_exists(const QualifiedResource& resource, std::string_view name) {
  return make(409, "AlreadyExists", resource.str() + " \"" + std::string(name) + "\" already exists",
              details_for(name, resource));
}

HttpResponse conflict(const QualifiedResource& resource, std::string_view name, std::string_view why) {
  std::string reason = why.empty() ? "the object has been modified; please apply your changes to the latest version and try again"
                                   : std::string(why);
  return make(409, "Conflict", "Operation cannot be fulfilled on " + resource.str() + " \"" + std::string(name) + "\": " + reason,
              details_for(name, resource));
}

HttpResponse bad_request(std::string message) { return make(400, "BadRequest", std::move(message)); }

HttpResponse method_not_allowed(std::string_view method) {
  return make(405, "MethodNotAllowed", "the server does not allow this method on the requested resource (" +
                                           std::string(method) + ")");
}

HttpResponse unauthorized() { return make(401, "Unauthorized", "Unauthorized"); }

HttpResponse forbidden(std::string message) { return make(403, "Forbidden", std::move(message)); }

HttpResponse gone_expired(std::string message) { return make(410, "Expired", std::move(message)); }

HttpResponse unsupported_media_type(std::string_view content_type) {
  return make(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: "
                                           "application/json, application/yaml" +
                                               (content_type.empty() ? std::string() : " (got " + std::string(content_type) + ")"));
}

HttpResponse not_acceptable(std::string message) { return make(406, "NotAcceptable", std::move(message)); }

HttpResponse internal_error(std::string message) {
  return make(500, "InternalError", "Internal error occurred: " + message);
}

HttpResponse service_unavailable(std::string message) { return make(503, "ServiceUnavailable", std::move(message)); }

HttpResponse path_not_found(std::string_view path) {
  (void)path;
  return make(404, "NotFound", "the server could not find the requested resource");
}

HttpResponse storage_failure(const storage::StorageError& error, const QualifiedResource& resource,
                             std::string_view name) {
  switch (error.kind) {
    case storage::ErrorKind::NotFound: return not_found(resource, name);
    case storage::ErrorKind::AlreadyExists: return already_exists(resource, name);
    case storage::ErrorKind::Conflict: return conflict(resource, name);
    case storage::ErrorKind::Compacted: return gone_expired("too old resource version: " + error.message);
    case storage::ErrorKind::InvalidArgument: return bad_request(error.message);
    case storage::ErrorKind::Unavailable: return make(503, "ServiceUnavailable", "storage unavailable: " + error.message);
    case storage::ErrorKind::Corrupt: return internal_error(error.message);
  }
  return internal_error(error.message);
}

}  // namespace skiff::apiserver
