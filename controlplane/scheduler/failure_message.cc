#include "scheduler/failure_message.h"

#include <algorithm>
#include <map>

namespace skiff::scheduler {

std::string reasons_histogram(const std::vector<NodeFailure>& failures) {
  std::map<std::string_view, size_t> counts;
  for (const auto& f : failures)
    for (size_t i = 0; i < f.status.count; i++) counts[f.status.reasons[i]]++;
  std::vector<std::string> parts;
  for (const auto& [reason, n] : counts) parts.push_back(std::to_string(n) + " " + std::string(reason));
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

std::string fit_error_message(size_t num_all_nodes, const std::vector<NodeFailure>& failures,
                              std::string_view post_filter_message) {
  std::string msg = "0/" + std::to_string(num_all_nodes) + " nodes are available:";
  std::string hist = reasons_histogram(failures);
  if (!hist.empty()) msg += " " + hist + ".";
  if (!post_filter_message.empty()) {
    msg += " ";
    msg += post_filter_message;
    msg += ".";
  }
  return msg;
}

std::string truncate_event_message(std::string message) {
  constexpr size_t kNoteLengthLimit = 1024;
  if (message.size() <= kNoteLengthLimit) return message;
  constexpr std::string_view suffix = " ...";
  message.resize(kNoteLengthLimit - suffix.size());
  message += suffix;
  return message;
}

}  // namespace skiff::scheduler
