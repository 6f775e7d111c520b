// Collecting validation causes worded as kube's field.Error bodies.
// Internal to skiff_apimachinery.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery {

// A field path being built: "spec.ports[0].port".
class Path {
 public:
  Path() = default;
  explicit Path(std::string s) : s_(std::move(s)) {}
  Path operator/(std::string_view key) const { return Path(s_.empty() ? std::string(key) : s_ + "." + std::string(key)); }
  Path operator[](size_t i) const { return Path(s_ + "[" + std::to_string(i) + "]"); }
  Path key(std::string_view k) const { return Path(s_ + "[" + std::string(k) + "]"); }
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

// Formats a value as kube prints it in causes: strings quoted, numbers bare.
std::string format_value(const nlohmann::json&);

class FieldErrors {
 public:
  void required(const Path& p, const std::string& detail = "") {
    add("FieldValueRequired", p, detail.empty() ? "Required value" : "Required value: " + detail);
  }
  void invalid(const Path& p, const nlohmann::json& value, const std::string& detail) {
    add("FieldValueInvalid", p, "Invalid value: " + format_value(value) + (detail.empty() ? "" : ": " + detail));
  }
  void not_supported(const Path& p, const nlohmann::json& value, const std::vector<std::string>& supported);
  void duplicate(const Path& p, const nlohmann::json& value) {
    add("FieldValueDuplicate", p, "Duplicate value: " + format_value(value));
  }
  void forbidden(const Path& p, const std::string& detail) { add("FieldValueForbidden", p, "Forbidden: " + detail); }
  void not_found(const Path& p, const nlohmann::json& value) {
    add("FieldValueNotFound", p, "Not found: " + format_value(value));
  }
  void too_long(const Path& p, size_t max) {
    add("FieldValueTooLong", p, "Too long: may not be more than " + std::to_string(max) + " bytes");
  }
  void type_invalid(const Path& p, const nlohmann::json& value, const std::string& detail) {
    add("FieldValueTypeInvalid", p, "Invalid value: " + format_value(value) + ": " + detail);
  }
  void add(std::string reason, const Path& p, std::string message) {
    causes_.push_back(FieldCause{std::move(reason), std::move(message), p.str()});
  }
  std::vector<FieldCause>& causes() { return causes_; }

 private:
  std::vector<FieldCause> causes_;
};

}  // namespace skiff::apimachinery
