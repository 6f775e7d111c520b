#include "controllers/label_selector.h"

#include <algorithm>

#include "controllers/object_util.h"

namespace skiff::controllers {

Result<LabelSelector> LabelSelector::parse(const Json& selector) {
  LabelSelector s;
  if (selector.is_null()) {
    s.nothing_ = true;
    return s;
  }
  if (!selector.is_object()) return fail("selector is not an object");
  const Json& ml = field(selector, "matchLabels");
  if (!ml.is_null()) {
    if (!ml.is_object()) return fail("selector.matchLabels is not an object");
    for (auto it = ml.begin(); it != ml.end(); ++it) {
      if (!it.value().is_string()) return fail("selector.matchLabels." + it.key() + " is not a string");
      s.requirements_.push_back({it.key(), Op::In, {it.value().get<std::string>()}});
    }
  }
  const Json& me = field(selector, "matchExpressions");
  if (!me.is_null()) {
    if (!me.is_array()) return fail("selector.matchExpressions is not a list");
    for (const auto& e : me) {
      std::string key = str(field(e, "key"));
      std::string op = str(field(e, "operator"));
      if (key.empty()) return fail("selector.matchExpressions: empty key");
      Requirement r{key, Op::In, {}};
      const Json& values = field(e, "values");
      if (values.is_array())
        for (const auto& v : values) {
          if (!v.is_string()) return fail("selector.matchExpressions[" + key + "]: values must be strings");
          r.values.push_back(v.get<std::string>());
        }
      if (op == "In" || op == "NotIn") {
        r.op = op == "In" ? Op::In : Op::NotIn;
        if (r.values.empty()) return fail("selector.matchExpressions[" + key + "]: " + op + " needs values");
      } else if (op == "Exists" || op == "DoesNotExist") {
        r.op = op == "Exists" ? Op::Exists : Op::DoesNotExist;
        if (!r.values.empty()) return fail("selector.matchExpressions[" + key + "]: " + op + " takes no values");
      } else {
        return fail("selector.matchExpressions[" + key + "]: unknown operator \"" + op + "\"");
      }
      s.requirements_.push_back(std::move(r));
    }
  }
  return s;
}

LabelSelector LabelSelector::from_map(const Json& labels) {
  LabelSelector s;
  if (!labels.is_object()) return s;
  for (auto it = labels.begin(); it != labels.end(); ++it)
    s.requirements_.push_back({it.key(), Op::In, {str(it.value())}});
  return s;
}

bool LabelSelector::matches(const Json& labels) const {
  if (nothing_) return false;
  for (const auto& r : requirements_) {
    const Json& v = field(labels, r.key);
    bool present = v.is_string();
    switch (r.op) {
      case Op::Exists:
        if (!present) return false;
        break;
      case Op::DoesNotExist:
        if (present) return false;
        break;
      case Op::In:
        if (!present || std::find(r.values.begin(), r.values.end(), v.get<std::string>()) == r.values.end())
          return false;
        break;
      case Op::NotIn:
        if (present && std::find(r.values.begin(), r.values.end(), v.get<std::string>()) != r.values.end())
          return false;
        break;
    }
  }
  return true;
}

}  // namespace skiff::controllers
