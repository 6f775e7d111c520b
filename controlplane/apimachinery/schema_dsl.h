// A small vocabulary for writing the built-in schemas as C++ data. Internal
// to skiff_apimachinery.
#pragma once
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "skiff/apimachinery/schema.h"

namespace skiff::apimachinery::dsl {

// A schema under construction; converts to SchemaRef when done.
class S {
 public:
  explicit S(FieldType t) : p_(std::make_shared<Schema>()) { p_->type = t; }
  // A per-use copy of a shared (named) schema, so attributes don't leak.
  explicit S(const SchemaRef& shared) : p_(std::make_shared<Schema>(*shared)) {}
  operator SchemaRef() const { return p_; }  // NOLINT: implicit by design

  S& desc(std::string d) { p_->description = std::move(d); return *this; }
  S& format(std::string f) { p_->format = std::move(f); return *this; }
  S& def(nlohmann::json v) { p_->default_value = std::make_shared<const nlohmann::json>(std::move(v)); return *this; }
  S& oneof(std::vector<std::string> values) { p_->enum_values = std::move(values); return *this; }
  S& immutable() { p_->immutable = true; return *this; }
  S& required(std::vector<std::string> r) { p_->required = std::move(r); return *this; }
  S& named(std::string n) { p_->name = std::move(n); return *this; }
  S& strategy(PatchStrategy s) { p_->patch_strategy = s; return *this; }
  S& atomic() { p_->list_type = ListType::Atomic; return *this; }
  S& set() { p_->list_type = ListType::Set; p_->patch_strategy = PatchStrategy::Merge; return *this; }
  S& preserve() { p_->preserve_unknown = true; return *this; }
  // A keyed list: SMP merges items by `merge_key`; SSA by `keys`.
  S& keyed(std::string merge_key, std::vector<std::string> keys = {}) {
    p_->patch_strategy = PatchStrategy::Merge;
    p_->patch_merge_key = merge_key;
    p_->list_type = ListType::Map;
    p_->list_map_keys = keys.empty() ? std::vector<std::string>{merge_key} : std::move(keys);
    return *this;
  }
  // A list that is a map for SSA but is replaced whole by SMP.
  S& map_keys(std::vector<std::string> keys) {
    p_->list_type = ListType::Map;
    p_->list_map_keys = std::move(keys);
    return *this;
  }
  Schema& raw() { return *p_; }

 private:
  std::shared_ptr<Schema> p_;
};

inline S str() { return S(FieldType::String); }
inline S str(std::string d) { return std::move(str().desc(std::move(d))); }
inline S i32() { return std::move(S(FieldType::Integer).format("int32")); }
inline S i64() { return std::move(S(FieldType::Integer).format("int64")); }
inline S num() { return std::move(S(FieldType::Number).format("double")); }
inline S boolean() { return S(FieldType::Boolean); }
inline S ios() { return std::move(S(FieldType::IntOrString).format("int-or-string")); }
inline S quantity() { return S(FieldType::Quantity); }
inline S time() { return std::move(str().format("date-time")); }
inline S bytes() { return std::move(str().format("byte")); }
inline S any() { return std::move(S(FieldType::Any).preserve()); }
inline S strings() {
  S s(FieldType::Array);
  s.raw().items = str();
  return std::move(s.atomic());
}
inline S array(SchemaRef item) {
  S s(FieldType::Array);
  s.raw().items = std::move(item);
  return s;
}
inline S map_of(SchemaRef value) {
  S s(FieldType::Map);
  s.raw().additional = std::move(value);
  return s;
}
inline S string_map() { return map_of(str()); }
inline S object(std::initializer_list<std::pair<const char*, SchemaRef>> fields) {
  S s(FieldType::Object);
  for (const auto& [k, v] : fields) s.raw().properties[k] = v;
  return s;
}
// A shared schema used in a place that needs its own attributes.
inline S use(const SchemaRef& shared) { return S(shared); }

}  // namespace skiff::apimachinery::dsl
