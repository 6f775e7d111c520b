// Type-tolerant reads of object fields. nlohmann's value() throws when a
// field has an unexpected type; client input may have any type anywhere, so
// the library reads fields only through these. Internal.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace skiff::apimachinery {

inline const nlohmann::json* field_ptr(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}
inline std::string sval(const nlohmann::json& obj, std::string_view key, std::string dflt = "") {
  const nlohmann::json* v = field_ptr(obj, key);
  return v && v->is_string() ? v->get<std::string>() : dflt;
}
inline bool bval(const nlohmann::json& obj, std::string_view key, bool dflt = false) {
  const nlohmann::json* v = field_ptr(obj, key);
  return v && v->is_boolean() ? v->get<bool>() : dflt;
}
inline int64_t ival(const nlohmann::json& obj, std::string_view key, int64_t dflt = 0) {
  const nlohmann::json* v = field_ptr(obj, key);
  if (v && v->is_number_integer()) return v->get<int64_t>();
  if (v && v->is_number_float()) return static_cast<int64_t>(v->get<double>());
  return dflt;
}
inline nlohmann::json jval(const nlohmann::json& obj, std::string_view key, nlohmann::json dflt) {
  const nlohmann::json* v = field_ptr(obj, key);
  return v ? *v : dflt;
}

}  // namespace skiff::apimachinery
