// Label sets and the two selector kinds the scheduler evaluates:
// metav1.LabelSelector (pods, namespaces) and v1.NodeSelectorTerm (nodes).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::scheduler {

// Sorted by key; keys unique.
using Labels = std::vector<std::pair<std::string, std::string>>;

const std::string* find_label(const Labels& labels, std::string_view key);
void sort_labels(Labels& labels);

struct LabelRequirement {
  enum class Op : uint8_t { In, NotIn, Exists, DoesNotExist };
  std::string key;
  Op op = Op::In;
  std::vector<std::string> values;
  bool matches(const Labels& labels) const;
};

// metav1.LabelSelector. A null selector (field absent) matches nothing;
// an empty one ({}) matches everything.
struct LabelSelector {
  bool nothing = true;
  std::vector<LabelRequirement> requirements;
  bool matches(const Labels& labels) const;
  static LabelSelector everything() { return LabelSelector{false, {}}; }
};

struct NodeSelectorRequirement {
  enum class Op : uint8_t { In, NotIn, Exists, DoesNotExist, Gt, Lt };
  std::string key;
  Op op = Op::In;
  std::vector<std::string> values;
  int64_t number = 0;  // Gt/Lt operand
};

// v1.NodeSelectorTerm: expressions on labels AND fields (metadata.name).
// A term with neither matches no node.
struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> expressions;
  std::vector<NodeSelectorRequirement> fields;
  bool matches(const Labels& node_labels, std::string_view node_name) const;
};

bool requirement_matches(const NodeSelectorRequirement& r, const std::string* value);

}  // namespace skiff::scheduler
