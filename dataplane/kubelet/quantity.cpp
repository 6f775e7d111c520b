#include "kubelet/quantity.h"

#include <cmath>
#include <string>

namespace skiff::kubelet {

namespace {

// Splits "<number><suffix>" and returns number * multiplier(suffix) * scale.
std::optional<int64_t> parse_scaled(std::string_view q, double scale) {
  if (q.empty()) return std::nullopt;
  size_t i = 0;
  if (q[i] == '+' || q[i] == '-') ++i;
  while (i < q.size() && (std::isdigit(static_cast<unsigned char>(q[i])) || q[i] == '.')) ++i;
  std::string number(q.substr(0, i));
  std::string_view suffix = q.substr(i);
  if (number.empty() || number == "." || number == "+" || number == "-") return std::nullopt;
  double value = 0;
  try {
    size_t used = 0;
    value = std::stod(number, &used);
    if (used != number.size()) return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  double mult = 1;
  if (suffix.empty()) mult = 1;
  else if (suffix == "m") mult = 1e-3;
  else if (suffix == "k") mult = 1e3;
  else if (suffix == "M") mult = 1e6;
  else if (suffix == "G") mult = 1e9;
  else if (suffix == "T") mult = 1e12;
  else if (suffix == "P") mult = 1e15;
  else if (suffix == "E") mult = 1e18;
  else if (suffix == "Ki") mult = 1024.0;
  else if (suffix == "Mi") mult = 1024.0 * 1024;
  else if (suffix == "Gi") mult = 1024.0 * 1024 * 1024;
  else if (suffix == "Ti") mult = 1024.0 * 1024 * 1024 * 1024;
  else if (suffix == "Pi") mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
  else if (suffix == "Ei") mult = 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024;
  else if (suffix[0] == 'e' || suffix[0] == 'E') {
    try {
      size_t used = 0;
      int exp = std::stoi(std::string(suffix.substr(1)), &used);
      if (used != suffix.size() - 1) return std::nullopt;
      mult = std::pow(10.0, exp);
    } catch (...) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  // Kubernetes rounds fractional results up.
  return static_cast<int64_t>(std::ceil(value * mult * scale - 1e-9));
}

}  // namespace

std::optional<int64_t> parse_cpu_millis(std::string_view q) { return parse_scaled(q, 1000.0); }
std::optional<int64_t> parse_bytes(std::string_view q) { return parse_scaled(q, 1.0); }

}  // namespace skiff::kubelet
