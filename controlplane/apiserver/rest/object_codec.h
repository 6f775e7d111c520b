// Objects as the store keeps them: compact JSON bytes without
// metadata.resourceVersion (the store's mod_revision is the version). On the
// way out the version is spliced into the bytes, so GET, LIST and WATCH
// never decode and re-encode an object.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "skiff/apimachinery/types.h"
#include "storage/types.h"

namespace skiff::apiserver {

// Bytes to store: `object` without metadata.resourceVersion.
std::string encode_for_storage(nlohmann::json object);

// `stored` with "resourceVersion":"<revision>" as the first member of the
// top-level metadata object (the only decoding is a scan for that key).
std::string with_resource_version(std::string_view stored, storage::Revision revision);

// The object with metadata.resourceVersion set, decoded.
nlohmann::json decode_stored(const storage::KeyValue& kv);

// A request body: JSON, or YAML when the content type says so. 400 on
// malformed input (kube's wording where it has one).
apimachinery::ApiResult<nlohmann::json> decode_body(std::string_view body, std::string_view content_type);

// YAML text to JSON (yaml-cpp): scalars typed as YAML 1.1 core schema would.
apimachinery::ApiResult<nlohmann::json> yaml_to_json(std::string_view text);

}  // namespace skiff::apiserver
