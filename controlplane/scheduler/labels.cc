#include "scheduler/labels.h"

#include <algorithm>
#include <charconv>

namespace skiff::scheduler {

const std::string* find_label(const Labels& labels, std::string_view key) {
  auto it = std::lower_bound(labels.begin(), labels.end(), key,
                             [](const auto& kv, std::string_view k) { return kv.first < k; });
  if (it == labels.end() || it->first != key) return nullptr;
  return &it->second;
}

void sort_labels(Labels& labels) {
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               labels.end());
}

bool LabelRequirement::matches(const Labels& labels) const {
  const std::string* v = find_label(labels, key);
  switch (op) {
    case Op::In:
      return v && std::find(values.begin(), values.end(), *v) != values.end();
    case Op::NotIn:
      return !v || std::find(values.begin(), values.end(), *v) == values.end();
    case Op::Exists:
      return v != nullptr;
    case Op::DoesNotExist:
      return v == nullptr;
  }
  return false;
}

bool LabelSelector::matches(const Labels& labels) const {
  if (nothing) return false;
  for (const auto& r : requirements)
    if (!r.matches(labels)) return false;
  return true;
}

bool requirement_matches(const NodeSelectorRequirement& r, const std::string* value) {
  using Op = NodeSelectorRequirement::Op;
  switch (r.op) {
    case Op::In:
      return value && std::find(r.values.begin(), r.values.end(), *value) != r.values.end();
    case Op::NotIn:
      return !value || std::find(r.values.begin(), r.values.end(), *value) == r.values.end();
    case Op::Exists:
      return value != nullptr;
    case Op::DoesNotExist:
      return value == nullptr;
    case Op::Gt:
    case Op::Lt: {
      if (!value) return false;
      int64_t n = 0;
      auto [p, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
      if (ec != std::errc() || p != value->data() + value->size()) return false;
      return r.op == Op::Gt ? n > r.number : n < r.number;
    }
  }
  return false;
}

bool NodeSelectorTerm::matches(const Labels& node_labels, std::string_view node_name) const {
  if (expressions.empty() && fields.empty()) return false;
  for (const auto& r : expressions)
    if (!requirement_matches(r, find_label(node_labels, r.key))) return false;
  if (!fields.empty()) {
    std::string name(node_name);
    for (const auto& r : fields)
      if (!requirement_matches(r, &name)) return false;
  }
  return true;
}

}  // namespace skiff::scheduler
