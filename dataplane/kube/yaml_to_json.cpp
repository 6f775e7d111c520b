#include "yaml_to_json.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace skiff::kube::detail {

namespace {

using nlohmann::json;

// Deeper than any Kubernetes object; stops hostile input from exhausting
// the stack in the recursive conversion.
constexpr int kMaxDepth = 256;

struct ConversionError {
  std::string reason;
  YAML::Mark mark;
};

bool is_one_of(std::string_view text, std::initializer_list<std::string_view> words) {
  for (auto w : words) {
    if (text == w) return true;
  }
  return false;
}

std::optional<json> parse_integer(std::string_view text) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.starts_with("0x")) {
    base = 16;
    digits.remove_prefix(2);
  } else if (digits.starts_with("0o")) {
    base = 8;
    digits.remove_prefix(2);
  }
  if (digits.empty()) return std::nullopt;
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (end != digits.data() + digits.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return std::nullopt;  // falls through to float
  if (!negative) return json(magnitude);
  if (magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return std::nullopt;
  return json(static_cast<int64_t>(0 - magnitude));
}

std::optional<json> parse_float(std::string_view text) {
  if (is_one_of(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    return json(std::numeric_limits<double>::infinity());
  }
  if (is_one_of(text, {"-.inf", "-.Inf", "-.INF"})) return json(-std::numeric_limits<double>::infinity());
  if (is_one_of(text, {".nan", ".NaN", ".NAN"})) return json(std::numeric_limits<double>::quiet_NaN());
  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data() + (text.front() == '+' ? 1 : 0), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return json(value);
}

// A plain (unquoted, untagged) scalar: YAML 1.2 core schema, plus the YAML
// 1.1 yes/no/on/off booleans that kubectl's YAML reader still honours.
json resolve_plain_scalar(const std::string& text) {
  if (is_one_of(text, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (is_one_of(text, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})) return true;
  if (is_one_of(text, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})) return false;
  if (auto number = parse_integer(text)) return *number;
  if (auto number = parse_float(text)) return *number;
  return text;
}

json scalar_to_json(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  // "!" marks quoted and block scalars: always strings.
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return text;
  if (tag == "tag:yaml.org,2002:null") return nullptr;
  return resolve_plain_scalar(text);
}

json convert(const YAML::Node& node, int depth) {
  if (depth > kMaxDepth) throw ConversionError{"nesting deeper than " + std::to_string(kMaxDepth), node.Mark()};
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(convert(item, depth + 1));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) throw ConversionError{"mapping keys must be scalars", entry.first.Mark()};
        out[entry.first.Scalar()] = convert(entry.second, depth + 1);
      }
      return out;
    }
  }
  return nullptr;
}

std::string at_line(const YAML::Mark& mark, size_t first_line, const std::string& reason) {
  if (mark.is_null()) return reason;
  return "line " + std::to_string(first_line + static_cast<size_t>(mark.line)) + ": " + reason;
}

}  // namespace

std::expected<json, std::string> yaml_document_to_json(std::string_view text, size_t first_line) {
  try {
    const YAML::Node node = YAML::Load(std::string(text));
    return convert(node, 0);
  } catch (const ConversionError& e) {
    return std::unexpected(at_line(e.mark, first_line, e.reason));
  } catch (const YAML::Exception& e) {
    return std::unexpected(at_line(e.mark, first_line, "invalid YAML: " + e.msg));
  } catch (const std::exception& e) {
    return std::unexpected(std::string("invalid YAML: ") + e.what());
  }
}

}  // namespace skiff::kube::detail
