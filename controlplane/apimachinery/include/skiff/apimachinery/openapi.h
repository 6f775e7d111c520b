// OpenAPI v3 documents generated from the schema and resource registries:
// one per group-version (/openapi/v3/api/v1, /openapi/v3/apis/apps/v1) plus
// the index at /openapi/v3, for kubectl's validation and `kubectl explain`.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "skiff/apimachinery/resources.h"
#include "skiff/apimachinery/schema.h"

namespace skiff::apimachinery {

// The documents built once, serialized, with their hashes. Rebuild (and
// swap) when CRDs change.
class OpenApiV3 {
 public:
  static OpenApiV3 build(const ResourceRegistry&, const SchemaRegistry&);

  // GET /openapi/v3: {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}}}
  const std::string& index() const { return index_; }
  // GET /openapi/v3/<path> with path "api/v1" or "apis/apps/v1"; nullptr = 404.
  const std::string* document(std::string_view path) const;
  // The hash in the index for the path ("" if none), for ETag / caching.
  std::string hash(std::string_view path) const;

 private:
  std::string index_;
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> docs_;  // path -> (json, hash)
};

}  // namespace skiff::apimachinery
