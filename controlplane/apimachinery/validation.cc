// Validation entry points: object meta, the schema walk (types, required
// fields, enums, immutable fields), unknown fields, then kind rules.
#include "skiff/apimachinery/validation.h"

#include <nlohmann/json.hpp>

#include "field_errors.h"
#include "validation_rules.h"
#include "json_access.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

enum class NameRule { Subdomain, Label, Dns1035, PathSegment };

NameRule name_rule(const GroupVersionKind& gvk) {
  if (gvk.group.empty() && gvk.kind == "Namespace") return NameRule::Label;
  if (gvk.group.empty() && gvk.kind == "Service") return NameRule::Dns1035;
  if (gvk.group == "rbac.authorization.k8s.io") return NameRule::PathSegment;
  return NameRule::Subdomain;
}

const char* type_name(FieldType t) {
  switch (t) {
    case FieldType::Object: case FieldType::Map: return "object";
    case FieldType::Array: return "array";
    case FieldType::String: return "string";
    case FieldType::Integer: return "integer";
    case FieldType::Number: return "number";
    case FieldType::Boolean: return "boolean";
    default: return "any";
  }
}

bool type_ok(FieldType t, const json& v) {
  switch (t) {
    case FieldType::Object: case FieldType::Map: return v.is_object();
    case FieldType::Array: return v.is_array();
    case FieldType::String: return v.is_string();
    case FieldType::Integer: return v.is_number_integer() || (v.is_number_float() && v.get<double>() == static_cast<double>(static_cast<int64_t>(v.get<double>())));
    case FieldType::Number: return v.is_number();
    case FieldType::Boolean: return v.is_boolean();
    case FieldType::IntOrString: return v.is_string() || v.is_number_integer();
    case FieldType::Quantity: return v.is_string() || v.is_number();
    case FieldType::Any: return true;
  }
  return true;
}

void walk(FieldErrors& errs, const Schema* s, const json& v, const json* old, const Path& path, bool check_required,
          int depth) {
  if (!s || v.is_null() || depth > 100) return;
  if (!type_ok(s->type, v)) {
    errs.type_invalid(path, v, std::string("must be of type ") + type_name(s->type));
    return;
  }
  if (s->immutable && old && !old->is_null() && *old != v) {
    errs.invalid(path, v, "field is immutable");
    return;
  }
  switch (s->type) {
    case FieldType::Object:
      if (check_required)
        for (const auto& r : s->required) {
          auto it = v.find(r);
          if ((it == v.end() || it->is_null()) && r != "template") errs.required(path / r);
        }
      for (const auto& [k, sub] : s->properties) {
        if (depth == 0 && k == "metadata") continue;  // object_meta() checks it
        auto it = v.find(k);
        if (it == v.end()) continue;
        const json* old_sub = old && old->is_object() && old->contains(k) ? &(*old)[k] : nullptr;
        walk(errs, sub.get(), *it, old_sub, path / k, check_required && !(depth == 0 && k == "status"), depth + 1);
      }
      return;
    case FieldType::Array:
      for (size_t i = 0; i < v.size(); ++i) walk(errs, s->items.get(), v[i], nullptr, path[i], check_required, depth + 1);
      return;
    case FieldType::Map:
      for (const auto& [k, sub] : v.items()) walk(errs, s->additional.get(), sub, nullptr, path.key(k), check_required, depth + 1);
      return;
    case FieldType::String:
      // "" passes: kube's hand-written enum checks mostly accept or default it.
      if (!s->enum_values.empty() && !v.get_ref<const std::string&>().empty() &&
          std::find(s->enum_values.begin(), s->enum_values.end(), v.get<std::string>()) == s->enum_values.end())
        errs.not_supported(path, v, s->enum_values);
      return;
    default:
      return;
  }
}

void object_meta(FieldErrors& errs, const GroupVersionKind& gvk, const json& obj, const json* old) {
  Path meta("metadata");
  const json* m = rules::get(obj, "metadata");
  if (!m || !m->is_object()) {
    errs.required(meta / "name", "name or generateName is required");
    return;
  }
  std::string name = rules::str_at(*m, "name");
  if (name.empty()) {
    if (rules::str_at(*m, "generateName").empty()) errs.required(meta / "name", "name or generateName is required");
  } else {
    std::vector<std::string> msgs;
    switch (name_rule(gvk)) {
      case NameRule::Subdomain: msgs = dns1123_subdomain_errors(name); break;
      case NameRule::Label: msgs = dns1123_label_errors(name); break;
      case NameRule::Dns1035: msgs = dns1035_label_errors(name); break;
      case NameRule::PathSegment:
        if (name == "." || name == "..") msgs.push_back("may not be '" + name + "'");
        if (name.find('/') != std::string::npos) msgs.push_back("may not contain '/'");
        if (name.find('%') != std::string::npos) msgs.push_back("may not contain '%'");
        break;
    }
    for (auto& msg : msgs) errs.invalid(meta / "name", name, msg);
  }
  if (const json* labels = rules::get(*m, "labels")) rules::label_map(errs, meta / "labels", *labels);
  if (const json* ann = rules::get(*m, "annotations"); ann && ann->is_object()) {
    size_t total = 0;
    for (const auto& [k, v] : ann->items()) {
      for (auto& msg : qualified_name_errors(k)) errs.invalid(meta / "annotations", k, msg);
      total += k.size() + (v.is_string() ? v.get_ref<const std::string&>().size() : 0);
    }
    if (total > 262144) errs.add("FieldValueTooLong", meta / "annotations", "Too long: must have at most 262144 bytes");
  }
  if (const json* fins = rules::get(*m, "finalizers"); fins && fins->is_array()) {
    for (size_t i = 0; i < fins->size(); ++i) {
      if (!(*fins)[i].is_string()) continue;
      std::string f = (*fins)[i].get<std::string>();
      for (auto& msg : qualified_name_errors(f)) errs.invalid((meta / "finalizers")[i], f, msg);
      if (f.find('/') == std::string::npos && f != "kubernetes" && f != "orphan" && f != "foregroundDeletion")
        errs.invalid((meta / "finalizers")[i], f, "name is neither a standard finalizer name nor is it fully qualified");
    }
  }
  if (const json* owners = rules::get(*m, "ownerReferences"); owners && owners->is_array()) {
    int controllers = 0;
    for (size_t i = 0; i < owners->size(); ++i) {
      const json& o = (*owners)[i];
      if (!o.is_object()) continue;
      if (rules::str_at(o, "apiVersion").empty()) errs.invalid(meta / "ownerReferences" / "apiVersion", "", "version must not be empty");
      if (rules::str_at(o, "kind").empty()) errs.invalid(meta / "ownerReferences" / "kind", "", "kind must not be empty");
      if (rules::str_at(o, "name").empty()) errs.invalid(meta / "ownerReferences" / "name", "", "name must not be empty");
      if (rules::str_at(o, "uid").empty()) errs.invalid(meta / "ownerReferences" / "uid", "", "uid must not be empty");
      if (bval(o, "controller", false)) ++controllers;
    }
    if (controllers > 1) errs.invalid(meta / "ownerReferences", *owners, "Only one reference can have Controller set to true");
  }
  if (old && old->is_object() && old->contains("metadata")) {
    const json& om = (*old)["metadata"];
    for (const char* f : {"name", "namespace", "uid"}) {
      std::string before = rules::str_at(om, f), after = rules::str_at(*m, f);
      if (!before.empty() && before != after) errs.invalid(meta / f, after, "field is immutable");
    }
  }
}

std::string qualified_kind(const GroupVersionKind& gvk) {
  return gvk.group.empty() ? gvk.kind : gvk.kind + "." + gvk.group;
}

void unknown(const Schema* s, const json& v, const Path& path, std::vector<std::string>& out, int depth) {
  if (!s || s->preserve_unknown || depth > 100) return;
  if (s->type == FieldType::Object && v.is_object()) {
    for (const auto& [k, sub] : v.items()) {
      auto it = s->properties.find(k);
      if (it == s->properties.end()) {
        out.push_back((path / k).str());
      } else {
        unknown(it->second.get(), sub, path / k, out, depth + 1);
      }
    }
  } else if (s->type == FieldType::Array && v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) unknown(s->items.get(), v[i], path[i], out, depth + 1);
  } else if (s->type == FieldType::Map && v.is_object()) {
    for (const auto& [k, sub] : v.items()) unknown(s->additional.get(), sub, path / k, out, depth + 1);
  }
}

}  // namespace

std::string format_value(const json& v) {
  if (v.is_string()) return v.dump();
  if (v.is_null()) return "null";
  return v.dump();
}

void FieldErrors::not_supported(const Path& p, const json& value, const std::vector<std::string>& supported) {
  std::string msg = "Unsupported value: " + format_value(value) + ": supported values: ";
  for (size_t i = 0; i < supported.size(); ++i) msg += (i ? ", \"" : "\"") + supported[i] + "\"";
  add("FieldValueNotSupported", p, msg);
}

std::vector<FieldCause> validate(const GroupVersionKind& gvk, const json& obj, const json* old) {
  return validate(SchemaRegistry::builtin(), gvk, obj, old);
}

std::vector<FieldCause> validate(const SchemaRegistry& reg, const GroupVersionKind& gvk, const json& obj,
                                 const json* old) {
  FieldErrors errs;
  if (!obj.is_object()) {
    errs.type_invalid(Path(), obj, "must be an object");
    return errs.causes();
  }
  object_meta(errs, gvk, obj, old);
  if (const Schema* s = reg.for_kind(gvk)) {
    walk(errs, s, obj, old && old->is_object() ? old : nullptr, Path(), true, 0);
  }
  rules::kind_rules(errs, gvk, obj, old);
  return errs.causes();
}

std::vector<std::string> unknown_fields(const GroupVersionKind& gvk, const json& obj) {
  return unknown_fields(SchemaRegistry::builtin(), gvk, obj);
}

std::vector<std::string> unknown_fields(const SchemaRegistry& reg, const GroupVersionKind& gvk, const json& obj) {
  std::vector<std::string> out;
  unknown(reg.for_kind(gvk), obj, Path(), out, 0);
  return out;
}

ApiError invalid_error(const GroupVersionKind& gvk, std::string_view name, const std::vector<FieldCause>& causes) {
  std::string msg = qualified_kind(gvk) + " \"" + std::string(name) + "\" is invalid: ";
  std::vector<std::string> parts;
  for (const auto& c : causes) {
    std::string part = c.field.empty() ? c.message : c.field + ": " + c.message;
    if (std::find(parts.begin(), parts.end(), part) == parts.end()) parts.push_back(part);
  }
  if (parts.size() == 1) {
    msg += parts[0];
  } else {
    msg += "[";
    for (size_t i = 0; i < parts.size(); ++i) msg += (i ? ", " : "") + parts[i];
    msg += "]";
  }
  return ApiError{422, "Invalid", msg, causes};
}

}  // namespace skiff::apimachinery
