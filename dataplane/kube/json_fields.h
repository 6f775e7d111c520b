// Typed, path-tracking reads from a JSON object for the parsers: each read
// checks the JSON type and records the first problem as a ParseError naming
// the field ("spec.ports[1].port"), so parsers never throw and never need to
// test types themselves. Internal to skiff_kube.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "skiff/kube/parse.h"
#include "skiff/net/ip.h"

namespace skiff::kube::detail {

// A value in the document (nullptr when absent) and the path that led to it.
struct Field {
  const nlohmann::json* value = nullptr;
  std::string path;

  // Present and not JSON null: Kubernetes treats null as unset.
  bool present() const { return value != nullptr && !value->is_null(); }
  // A member of an object; absent when this is not an object or lacks it.
  Field operator[](std::string_view key) const;
  // An element of an array; absent when out of range or not an array.
  Field operator[](size_t index) const;
};

Field root(const nlohmann::json& doc);

class FieldReader {
 public:
  explicit FieldReader(std::string object) : object_(std::move(object)) {}

  bool ok() const { return !error_.has_value(); }
  // Records a problem; the first one wins because later ones are often
  // consequences of it.
  void fail(const Field& field, std::string reason);
  ParseError error() const { return error_.value_or(ParseError{object_, "", "unknown error"}); }

  // Each returns nullopt when the field is absent (or null) or has the wrong
  // type; only the latter is an error.
  std::optional<std::string> string(const Field& field);
  std::optional<int64_t> integer(const Field& field);
  std::optional<bool> boolean(const Field& field);
  // A port number: 1..65535, or also 0 when allow_zero.
  std::optional<int32_t> port(const Field& field, bool allow_zero = false);
  // An IP address in text form.
  std::optional<net::IpAddr> ip(const Field& field);
  // A string field that must be present and non-empty.
  std::optional<std::string> required_string(const Field& field);

  // True when the field is an object; absent is false without error.
  bool object(const Field& field);
  // The element count of an array field; absent is 0 without error.
  size_t array(const Field& field);
  // A map of strings to strings (labels, annotations, selector).
  std::map<std::string, std::string> string_map(const Field& field);

 private:
  std::string object_;
  std::optional<ParseError> error_;
};

// "Service default/web" from the object's own metadata, for error messages
// even when the object fails to parse further.
std::string describe_object(std::string_view kind, const nlohmann::json& doc, bool namespaced);

}  // namespace skiff::kube::detail
