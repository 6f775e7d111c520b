// Basic vocabulary of the API machinery: group/version/kind and
// group/version/resource names, field causes of 422 Invalid, and ApiError,
// the failure every fallible operation here returns (it maps 1:1 onto a
// metav1.Status: code, reason, message, details.causes).
#pragma once
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::apimachinery {

struct GroupVersionKind {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string kind;     // "Deployment"

  // "v1" for the core group, "apps/v1" otherwise.
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // Splits an apiVersion ("apps/v1" or "v1") into group and version.
  static GroupVersionKind from(std::string_view api_version, std::string_view kind);
  bool operator==(const GroupVersionKind&) const = default;
};

struct GroupVersionResource {
  std::string group;
  std::string version;
  std::string resource;  // plural, lower case: "deployments"
  bool operator==(const GroupVersionResource&) const = default;
};

// One cause of a 422 Invalid (metav1.StatusCause).
struct FieldCause {
  // "FieldValueRequired", "FieldValueInvalid", "FieldValueNotSupported",
  // "FieldValueDuplicate", "FieldValueForbidden", "FieldValueTooLong",
  // "FieldValueTypeInvalid"; "FieldManagerConflict" for apply conflicts.
  std::string reason;
  std::string message;  // as kube words it: `Invalid value: 70000: must be between 1 and 65535, inclusive`
  std::string field;    // "spec.ports[0].port", "metadata.labels"
  bool operator==(const FieldCause&) const = default;
};

// A failure to be sent to the client as a Status.
struct ApiError {
  int code = 400;                  // HTTP status: 400, 409, 415, 422, ...
  std::string reason = "BadRequest";  // Status.reason: BadRequest, Conflict, Invalid, UnsupportedMediaType
  std::string message;
  std::vector<FieldCause> causes;  // Status.details.causes
};

template <class T>
using ApiResult = std::expected<T, ApiError>;

inline std::unexpected<ApiError> bad_request(std::string message) {
  return std::unexpected(ApiError{400, "BadRequest", std::move(message), {}});
}

}  // namespace skiff::apimachinery
