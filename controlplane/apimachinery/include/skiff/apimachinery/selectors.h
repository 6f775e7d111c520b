// Label selectors (string form of ?labelSelector= and the metav1.LabelSelector
// JSON form) and field selectors (?fieldSelector=) with the per-kind fields
// kube supports.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery {

class LabelSelector {
 public:
  enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;  // sorted
  };

  // "app=web,tier!=db,env in (a,b),!legacy"; "" selects everything.
  // Errors are 400 BadRequest with kube's parse messages.
  static ApiResult<LabelSelector> parse(std::string_view);
  // {"matchLabels":{...},"matchExpressions":[{"key","operator","values"}]};
  // a null/absent selector selects nothing, {} selects everything (as kube).
  static ApiResult<LabelSelector> from_json(const nlohmann::json&);
  static LabelSelector everything() { return {}; }
  static LabelSelector nothing();

  bool matches(const nlohmann::json& labels) const;  // labels: object or null
  bool empty() const { return requirements_.empty() && !nothing_; }
  const std::vector<Requirement>& requirements() const { return requirements_; }
  std::string str() const;  // canonical string form (kubectl describe "Selector:")

 private:
  std::vector<Requirement> requirements_;
  bool nothing_ = false;
};

class FieldSelector {
 public:
  struct Requirement {
    std::string field;  // "metadata.name"
    bool equals;        // = / == vs !=
    std::string value;
  };
  // "metadata.name=x,status.phase!=Running". Fields not supported for the
  // kind: 400 `field label not supported: <field>`.
  static ApiResult<FieldSelector> parse(std::string_view, const GroupVersionKind&);
  bool matches(const nlohmann::json& obj) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<Requirement>& requirements() const { return requirements_; }
  // The value required by `field=value`, if any (to use an index).
  std::optional<std::string> exact(std::string_view field) const;

 private:
  GroupVersionKind gvk_;
  std::vector<Requirement> requirements_;
};

// The value of a selectable field of an object (as a string: "true", "5", ""
// for absent), or nullopt if the field is not selectable for the kind.
std::optional<std::string> selectable_field(const GroupVersionKind&, const nlohmann::json& obj,
                                            std::string_view field);
// The field names kube supports in field selectors for the kind.
std::vector<std::string> selectable_fields(const GroupVersionKind&);

}  // namespace skiff::apimachinery
