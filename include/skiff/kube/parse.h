// Standard Kubernetes JSON (or YAML converted to JSON) into the typed view.
// Bad input yields an error naming the object, the field and the reason; it
// never throws.
#pragma once
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/kube/objects.h"

namespace skiff::kube {

struct ParseError {
  std::string object;  // "Service default/web" (or the file and document index when unnamed)
  std::string field;   // "spec.ports[1].port"
  std::string reason;  // "must be between 1 and 65535, got 70000"
  std::string str() const;  // "Service default/web: spec.ports[1].port: must be ..."
};

std::expected<Service, ParseError> parse_service(const nlohmann::json& obj);
std::expected<EndpointSlice, ParseError> parse_endpoint_slice(const nlohmann::json& obj);
std::expected<Pod, ParseError> parse_pod(const nlohmann::json& obj);
std::expected<Namespace, ParseError> parse_namespace(const nlohmann::json& obj);

// The documents of one manifest file: YAML (several documents separated by
// ---) or JSON; `kind: List` (and *List) items are flattened. Each document
// either parses into JSON or yields an error with the file and document index.
struct ManifestDocuments {
  std::vector<nlohmann::json> objects;
  std::vector<ParseError> errors;
};
ManifestDocuments read_manifest_text(std::string_view text, const std::string& source_name);
ManifestDocuments read_manifest_file(const std::string& path);

}  // namespace skiff::kube
