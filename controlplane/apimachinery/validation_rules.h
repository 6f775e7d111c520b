// Internal: kind-specific validation rules, shared between the files that
// implement them.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "field_errors.h"
#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery::rules {

using json = nlohmann::json;

// `value` as a string or "" if absent / not a string.
std::string str_at(const json& obj, const char* key);
const json* get(const json& obj, const char* key);  // nullptr if absent or null
const json* get_path(const json& obj, std::initializer_list<const char*> keys);

void port_number(FieldErrors&, const Path&, const json& value);  // 1..65535
void iana_port_name(FieldErrors&, const Path&, const std::string& name);
void label_map(FieldErrors&, const Path&, const json& labels);
void dns_label_name(FieldErrors&, const Path&, const std::string& name);
// metav1.LabelSelector syntax.
void label_selector(FieldErrors&, const Path&, const json& selector);
// true if selector (LabelSelector JSON) selects labels.
bool selector_matches(const json& selector, const json& labels);

// Pod spec checks; `allowed_restart` empty = any of kube's three.
// `claim_templates`: StatefulSet volumeClaimTemplates names, mountable like volumes.
void pod_spec(FieldErrors&, const Path&, const json& spec, const std::vector<std::string>& allowed_restart,
              const std::vector<std::string>& claim_templates = {});
void pod_update(FieldErrors&, const json& spec, const json& old_spec);

// Kind-specific rules beyond the schema walk (create: old == nullptr).
void kind_rules(FieldErrors&, const GroupVersionKind&, const json& obj, const json* old);
void workload_rules(FieldErrors&, const GroupVersionKind&, const json& obj, const json* old);
void service_rules(FieldErrors&, const json& obj, const json* old);
void other_rules(FieldErrors&, const GroupVersionKind&, const json& obj, const json* old);

// Quantity ("500m", "1Gi", "2") as a number; nullopt if malformed.
std::optional<double> parse_quantity(const json& q);

}  // namespace skiff::apimachinery::rules
