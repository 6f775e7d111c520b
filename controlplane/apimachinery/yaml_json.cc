#include "yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <regex>

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

json scalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") return s;  // quoted
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex int_re("[-+]?(0|[1-9][0-9]*)");
  // a float needs a dot or an exponent: "08" stays a string, as in go-yaml
  static const std::regex float_re("[-+]?(\\.[0-9]+|[0-9]+\\.[0-9]*)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+");
  if (std::regex_match(s, int_re)) {
    try {
      return std::stoll(s);
    } catch (...) {
      return s;
    }
  }
  if (std::regex_match(s, float_re)) {
    try {
      return std::stod(s);
    } catch (...) {
      return s;
    }
  }
  return s;
}

ApiResult<json> convert(const YAML::Node& n, int depth) {
  if (depth > 200) return bad_request("yaml nested too deeply");
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return json(nullptr);
    case YAML::NodeType::Scalar:
      return scalar(n);
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : n) {
        auto v = convert(item, depth + 1);
        if (!v) return v;
        arr.push_back(std::move(*v));
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) return bad_request("yaml: mapping keys must be scalars");
        auto v = convert(kv.second, depth + 1);
        if (!v) return v;
        obj[kv.first.Scalar()] = std::move(*v);
      }
      return obj;
    }
  }
  return json(nullptr);
}

}  // namespace

ApiResult<json> parse_yaml_or_json(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i < text.size() && (text[i] == '{' || text[i] == '[')) {
    try {
      return json::parse(text);
    } catch (const json::exception&) {
      // flow-style YAML is also valid; fall through
    }
  }
  try {
    YAML::Node node = YAML::Load(std::string(text));
    return convert(node, 0);
  } catch (const YAML::Exception& e) {
    return bad_request(std::string("error converting YAML to JSON: ") + e.what());
  }
}

}  // namespace skiff::apimachinery

#include "skiff/apimachinery/yaml.h"

namespace skiff::apimachinery {

ApiResult<nlohmann::json> yaml_to_json(std::string_view text) { return parse_yaml_or_json(text); }

}  // namespace skiff::apimachinery
