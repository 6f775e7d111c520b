// Validation of objects against Kubernetes' rules: object meta (names,
// labels, annotations), required fields, enums, ranges, uniqueness,
// selector/template consistency and immutable fields on update.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/apimachinery/schema.h"
#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery {

// Empty = valid. `old` is the stored object on update (immutable fields),
// nullptr on create. Expects a defaulted object. Paths as kube prints them:
// "metadata.name", "spec.template.spec.containers[0].image".
std::vector<FieldCause> validate(const GroupVersionKind&, const nlohmann::json& obj,
                                 const nlohmann::json* old = nullptr);
std::vector<FieldCause> validate(const SchemaRegistry&, const GroupVersionKind&,
                                 const nlohmann::json& obj, const nlohmann::json* old = nullptr);

// Paths unknown to the schema (fieldValidation=Strict -> 400, Warn -> warnings),
// formatted as kube does: "spec.foo", "spec.template.spec.containers[0].bar".
// Kube's 400 message: `strict decoding error: unknown field "spec.foo", unknown field "..."`.
std::vector<std::string> unknown_fields(const GroupVersionKind&, const nlohmann::json& obj);
std::vector<std::string> unknown_fields(const SchemaRegistry&, const GroupVersionKind&,
                                        const nlohmann::json& obj);

// The 422 message kube builds from causes:
// `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
ApiError invalid_error(const GroupVersionKind&, std::string_view name, const std::vector<FieldCause>&);

// Name rules, exposed for the server (e.g. namespace names in URLs).
// Each returns the error messages kube gives; empty = valid.
std::vector<std::string> dns1123_subdomain_errors(std::string_view);  // most kinds
std::vector<std::string> dns1123_label_errors(std::string_view);      // namespaces, services
std::vector<std::string> dns1035_label_errors(std::string_view);      // service names
std::vector<std::string> qualified_name_errors(std::string_view);     // label and annotation keys
std::vector<std::string> label_value_errors(std::string_view);

}  // namespace skiff::apimachinery
