// CustomResourceDefinition objects to what the registries need to serve
// their custom resources: one ResourceInfo (with printer columns) and one
// Schema per served version.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "skiff/apimachinery/resources.h"
#include "skiff/apimachinery/schema.h"

namespace skiff::apimachinery {

struct CustomResourceVersion {
  ResourceInfo info;  // custom = true; printer_columns from additionalPrinterColumns (Age if none)
  SchemaRef schema;   // from the version's openAPIV3Schema
  bool storage = false;
};

// Served versions of a (defaulted, validated) CRD, storage version included.
// Errors: 400 with a message naming the bad part.
ApiResult<std::vector<CustomResourceVersion>> custom_resources_from_crd(const nlohmann::json& crd);

// Registers every served version in both registries (replacing earlier ones).
ApiResult<void> register_crd(const nlohmann::json& crd, ResourceRegistry&, SchemaRegistry&);

}  // namespace skiff::apimachinery
