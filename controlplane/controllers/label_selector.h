// metav1.LabelSelector (matchLabels + matchExpressions) and the plain map
// selectors of Services, parsed once and matched against label sets.
#pragma once
#include <string>
#include <vector>

#include "controllers/actions.h"
#include "skiff/util/result.h"

namespace skiff::controllers {

class LabelSelector {
 public:
  // A metav1.LabelSelector. A null selector matches nothing; {} matches
  // everything (as metav1.LabelSelectorAsSelector).
  static Result<LabelSelector> parse(const Json& selector);
  // A map selector (Service.spec.selector): every key must be equal.
  static LabelSelector from_map(const Json& labels);

  bool matches(const Json& labels) const;
  bool empty() const { return !nothing_ && requirements_.empty(); }
  bool matches_nothing() const { return nothing_; }

 private:
  enum class Op { In, NotIn, Exists, DoesNotExist };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  std::vector<Requirement> requirements_;
  bool nothing_ = false;
};

}  // namespace skiff::controllers
