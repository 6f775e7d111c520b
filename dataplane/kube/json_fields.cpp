#include "json_fields.h"

#include <limits>

namespace skiff::kube::detail {

namespace {

using nlohmann::json;

// Keys with dots or slashes (label keys) are bracketed, as kubectl prints
// them: metadata.labels[kubernetes.io/service-name].
std::string child_path(const std::string& parent, std::string_view key) {
  bool plain = !key.empty();
  for (char c : key) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    plain = plain && word;
  }
  if (!plain) return parent + "[" + std::string(key) + "]";
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

const char* type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number with a fraction";
    default: return "null";
  }
}

std::string expected_got(const char* expected, const json& value) {
  return std::string("must be ") + expected + ", got " + type_name(value);
}

}  // namespace

Field Field::operator[](std::string_view key) const {
  Field child{nullptr, child_path(path, key)};
  if (value != nullptr && value->is_object()) {
    auto it = value->find(key);
    if (it != value->end()) child.value = &*it;
  }
  return child;
}

Field Field::operator[](size_t index) const {
  Field child{nullptr, path + "[" + std::to_string(index) + "]"};
  if (value != nullptr && value->is_array() && index < value->size()) child.value = &(*value)[index];
  return child;
}

Field root(const json& doc) { return Field{&doc, ""}; }

void FieldReader::fail(const Field& field, std::string reason) {
  if (!error_) error_ = ParseError{object_, field.path, std::move(reason)};
}

std::optional<std::string> FieldReader::string(const Field& field) {
  if (!field.present()) return std::nullopt;
  if (!field.value->is_string()) {
    fail(field, expected_got("a string", *field.value));
    return std::nullopt;
  }
  return field.value->get<std::string>();
}

std::optional<std::string> FieldReader::required_string(const Field& field) {
  auto value = string(field);
  if (!ok()) return std::nullopt;
  if (!value || value->empty()) {
    fail(field, "required");
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> FieldReader::integer(const Field& field) {
  if (!field.present()) return std::nullopt;
  const json& v = *field.value;
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<int64_t>();
  if (v.is_number_unsigned()) {
    const auto u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(u);
    fail(field, "integer out of range");
    return std::nullopt;
  }
  fail(field, expected_got("an integer", v));
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(const Field& field) {
  if (!field.present()) return std::nullopt;
  if (!field.value->is_boolean()) {
    fail(field, expected_got("a boolean", *field.value));
    return std::nullopt;
  }
  return field.value->get<bool>();
}

std::optional<int32_t> FieldReader::port(const Field& field, bool allow_zero) {
  auto value = integer(field);
  if (!value) return std::nullopt;
  const int64_t low = allow_zero ? 0 : 1;
  if (*value < low || *value > 65535) {
    fail(field, "must be between " + std::to_string(low) + " and 65535, got " + std::to_string(*value));
    return std::nullopt;
  }
  return static_cast<int32_t>(*value);
}

std::optional<net::IpAddr> FieldReader::ip(const Field& field) {
  auto text = string(field);
  if (!text) return std::nullopt;
  auto ip = net::IpAddr::parse(*text);
  if (!ip) fail(field, "must be a valid IP address, got \"" + *text + "\"");
  return ip;
}

bool FieldReader::object(const Field& field) {
  if (!field.present()) return false;
  if (!field.value->is_object()) {
    fail(field, expected_got("an object", *field.value));
    return false;
  }
  return true;
}

size_t FieldReader::array(const Field& field) {
  if (!field.present()) return 0;
  if (!field.value->is_array()) {
    fail(field, expected_got("an array", *field.value));
    return 0;
  }
  return field.value->size();
}

std::map<std::string, std::string> FieldReader::string_map(const Field& field) {
  std::map<std::string, std::string> out;
  if (!object(field)) return out;
  for (const auto& [key, value] : field.value->items()) {
    if (auto text = string(field[key])) out.emplace(key, std::move(*text));
  }
  return out;
}

std::string describe_object(std::string_view kind, const json& doc, bool namespaced) {
  std::string out(kind);
  const json* meta = nullptr;
  if (doc.is_object()) {
    auto it = doc.find("metadata");
    if (it != doc.end() && it->is_object()) meta = &*it;
  }
  auto text = [&](const char* key) -> std::string {
    if (meta == nullptr) return {};
    auto it = meta->find(key);
    return it != meta->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string name = text("name");
  std::string ns = text("namespace");
  if (ns.empty() && namespaced) ns = "default";
  if (name.empty()) return out + " <unnamed>";
  return out + " " + (ns.empty() ? name : ns + "/" + name);
}

}  // namespace skiff::kube::detail
