// Errors of the API as the server states them: a meta/v1 Status (code,
// reason, message, details.causes). Transport failures are Statuses too, with
// code 0 and reason "ConnectionError", so every call returns one error shape
// and nothing throws across the client's API.
#pragma once
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace skiff::client {

struct StatusCause {
  std::string reason;   // e.g. "FieldValueInvalid"
  std::string message;
  std::string field;    // e.g. "data[key]"
};

struct ApiStatus {
  int code = 0;          // HTTP status; 0 when the request never got an answer
  std::string reason;    // "NotFound", "Conflict", "Expired", ..., "ConnectionError"
  std::string message;
  std::string details_name;
  std::string details_kind;
  std::vector<StatusCause> causes;
  int retry_after_seconds = 0;  // from details.retryAfterSeconds or the Retry-After header

  std::string str() const;
  bool is_not_found() const { return code == 404; }
  bool is_conflict() const { return code == 409 && reason != "AlreadyExists"; }
  bool is_already_exists() const { return code == 409 && reason == "AlreadyExists"; }
  // 410 Gone or a Status with reason Expired: the resourceVersion is too old.
  bool is_expired() const { return code == 410 || reason == "Expired" || reason == "Gone"; }
  bool is_connection_error() const { return code == 0; }
  // Worth retrying a safe request: throttled, server-side trouble, or no answer.
  bool is_retryable() const { return code == 0 || code == 429 || code >= 500; }
};

template <class T = void>
using ApiResult = std::expected<T, ApiStatus>;

std::unexpected<ApiStatus> api_fail(int code, std::string reason, std::string message);
inline std::unexpected<ApiStatus> connection_error(std::string message) {
  return api_fail(0, "ConnectionError", std::move(message));
}

// A Status object (as JSON) into ApiStatus; fields that are missing stay empty.
ApiStatus status_from_json(const nlohmann::json& status, int http_code);
// The error for an HTTP answer that is not 2xx: the body's Status when it is
// one, otherwise a Status made from the code and the body text.
ApiStatus status_from_response(int http_code, std::string_view body);

}  // namespace skiff::client
