// metav1.Status responses with kube's reasons, codes and message wording
// (k8s.io/apimachinery/pkg/api/errors), so kubectl prints them as it does
// for a real API server.
#pragma once

#include <string>
#include <string_view>

#include "http/http_types.h"
#include "skiff/apimachinery/types.h"
#include "storage/storage_error.h"

namespace skiff::apiserver {

// The qualified resource kube names in messages: "pods", "deployments.apps".
struct QualifiedResource {
  std::string group;
  std::string resource;
  std::string str() const { return group.empty() ? resource : resource + "." + group; }
};

HttpResponse status_response(const apimachinery::ApiError& error, std::string_view name = {},
                             const QualifiedResource* resource = nullptr, std::string_view kind = {});

HttpResponse not_found(const QualifiedResource& resource, std::string_view name);
HttpResponse already_exists(const QualifiedResource& resource, std::string_view name);
HttpResponse conflict(const QualifiedResource& resource, std::string_view name, std::string_view why = {});
HttpResponse bad_request(std::string message);
HttpResponse method_not_allowed(std::string_view method);
HttpResponse unauthorized();
HttpResponse forbidden(std::string message);
HttpResponse gone_expired(std::string message);
HttpResponse unsupported_media_type(std::string_view content_type);
HttpResponse not_acceptable(std::string message);
HttpResponse internal_error(std::string message);
HttpResponse service_unavailable(std::string message);
HttpResponse path_not_found(std::string_view path);  // 404 for an unknown URL, like kube's mux

// Storage errors on an object: NotFound -> 404, AlreadyExists/Conflict -> 409, ...
HttpResponse storage_failure(const storage::StorageError& error, const QualifiedResource& resource,
                             std::string_view name);

// The Status object itself (e.g. for watch ERROR events).
std::string status_json(int code, std::string_view reason, std::string_view message);
// A success Status (DELETE of an object that is gone at once returns the object, of a collection a Status).
std::string success_status_json(std::string_view name, const QualifiedResource& resource, std::string_view uid);

}  // namespace skiff::apiserver
