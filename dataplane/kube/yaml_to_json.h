// One YAML document's text into JSON, resolving untyped scalars the way
// kubectl's YAML reader does, so "port: 80" is a number and "name: '80'" a
// string. Keeps yaml-cpp out of every other file. Internal to skiff_kube.
#pragma once
#include <expected>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace skiff::kube::detail {

// A null JSON value for an empty document (only comments or nothing); the
// error text carries the line (1-based, counted from `first_line`).
std::expected<nlohmann::json, std::string> yaml_document_to_json(std::string_view text, size_t first_line);

}  // namespace skiff::kube::detail
