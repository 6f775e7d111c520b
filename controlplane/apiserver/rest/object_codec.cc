#include "rest/object_codec.h"

#include <yaml-cpp/yaml.h>

#include <charconv>

namespace skiff::apiserver {

using nlohmann::json;

std::string encode_for_storage(json object) {
  if (auto meta = object.find("metadata"); meta != object.end() && meta->is_object()) meta->erase("resourceVersion");
  return object.dump();
}

std::string with_resource_version(std::string_view stored, storage::Revision revision) {
  // Find the top-level "metadata" key: track depth and strings.
  int depth = 0;
  bool in_string = false;
  std::size_t key_start = std::string_view::npos;
  for (std::size_t i = 0; i < stored.size(); ++i) {
    char c = stored[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 1 && stored.substr(key_start, i + 1 - key_start) == "\"metadata\"") {
          std::size_t j = i + 1;
          while (j < stored.size() && (stored[j] == ' ' || stored[j] == ':')) ++j;
          if (j < stored.size() && stored[j] == '{') {
            std::string out;
            out.reserve(stored.size() + 40);
            out.append(stored.substr(0, j + 1));
            out.append("\"resourceVersion\":\"").append(std::to_string(revision)).append("\"");
            std::size_t k = j + 1;
            while (k < stored.size() && stored[k] == ' ') ++k;
            if (k < stored.size() && stored[k] != '}') out.push_back(',');
            out.append(stored.substr(j + 1));
            return out;
          }
        }
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      key_start = i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  // No metadata object: decode and set it (rare: objects always have metadata).
  json object = json::parse(stored, nullptr, false);
  if (object.is_object()) {
    object["metadata"]["resourceVersion"] = std::to_string(revision);
    return object.dump();
  }
  return std::string(stored);
}

json decode_stored(const storage::KeyValue& kv) {
  json object = json::parse(kv.value, nullptr, false);
  if (object.is_object()) object["metadata"]["resourceVersion"] = std::to_string(kv.mod_revision);
  return object;
}

namespace {

json yaml_scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: always a string
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  {
    long long value = 0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (*begin == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc() && ptr == end) return value;
  }
  {
    bool numeric = text.find_first_not_of("0123456789.eE+-") == std::string::npos &&
                   text.find_first_of("0123456789") != std::string::npos;
    if (numeric) {
      double value = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec == std::errc() && ptr == text.data() + text.size()) return value;
    }
  }
  return text;
}

json yaml_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: return yaml_scalar(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(yaml_node(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& item : node) out[item.first.as<std::string>()] = yaml_node(item.second);
      return out;
    }
    default: return nullptr;
  }
}

}  // namespace

apimachinery::ApiResult<json> yaml_to_json(std::string_view text) {
  try {
    return yaml_node(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    return apimachinery::bad_request(std::string("error converting YAML to JSON: ") + e.what());
  }
}

apimachinery::ApiResult<json> decode_body(std::string_view body, std::string_view content_type) {
  auto semicolon = content_type.find(';');
  auto media = content_type.substr(0, semicolon);
  bool yaml = media.find("yaml") != std::string_view::npos;
  if (yaml) {
    // YAML is a superset of JSON; parse JSON first so numbers keep their types exactly.
    json parsed = json::parse(body, nullptr, false);
    if (!parsed.is_discarded()) return parsed;
    return yaml_to_json(body);
  }
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    return apimachinery::bad_request(std::string("couldn't get version/kind; json parse error: ") + e.what());
  }
}

}  // namespace skiff::apiserver
