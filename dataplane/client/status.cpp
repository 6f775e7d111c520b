#include "skiff/client/status.h"

#include <nlohmann/json.hpp>

namespace skiff::client {

std::string ApiStatus::str() const {
  std::string out = code ? std::to_string(code) + " " : std::string();
  out += reason.empty() ? "Failure" : reason;
  if (!message.empty()) out += ": " + message;
  for (const auto& c : causes) {
    out += "; " + (c.field.empty() ? c.reason : c.field + ": " + c.reason);
    if (!c.message.empty()) out += " (" + c.message + ")";
  }
  return out;
}

std::unexpected<ApiStatus> api_fail(int code, std::string reason, std::string message) {
  ApiStatus s;
  s.code = code;
  s.reason = std::move(reason);
  s.message = std::move(message);
  return std::unexpected(std::move(s));
}

namespace {
std::string string_field(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}
}  // namespace

ApiStatus status_from_json(const nlohmann::json& status, int http_code) {
  ApiStatus s;
  s.code = http_code;
  if (!status.is_object()) return s;
  if (auto it = status.find("code"); it != status.end() && it->is_number_integer()) s.code = it->get<int>();
  s.reason = string_field(status, "reason");
  s.message = string_field(status, "message");
  if (auto d = status.find("details"); d != status.end() && d->is_object()) {
    s.details_name = string_field(*d, "name");
    s.details_kind = string_field(*d, "kind");
    if (auto r = d->find("retryAfterSeconds"); r != d->end() && r->is_number_integer()) {
      s.retry_after_seconds = r->get<int>();
    }
    if (auto c = d->find("causes"); c != d->end() && c->is_array()) {
      for (const auto& cause : *c) {
        if (!cause.is_object()) continue;
        s.causes.push_back({string_field(cause, "reason"), string_field(cause, "message"),
                            string_field(cause, "field")});
      }
    }
  }
  return s;
}

namespace {
// kube's reasons for codes when the body does not say (apimachinery errors.go).
std::string reason_for_code(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 406: return "NotAcceptable";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return "Unknown";
  }
}
}  // namespace

ApiStatus status_from_response(int http_code, std::string_view body) {
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && string_field(parsed, "kind") == "Status") {
    ApiStatus s = status_from_json(parsed, http_code);
    if (s.code == 0) s.code = http_code;
    if (s.reason.empty()) s.reason = reason_for_code(http_code);
    return s;
  }
  ApiStatus s;
  s.code = http_code;
  s.reason = reason_for_code(http_code);
  std::string text(body.substr(0, 512));
  s.message = text.empty() ? "the server answered " + std::to_string(http_code) : text;
  return s;
}

}  // namespace skiff::client
