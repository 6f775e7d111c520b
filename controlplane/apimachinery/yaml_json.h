// YAML (or JSON) text to JSON, resolving plain scalars as sigs.k8s.io/yaml
// does (numbers, booleans, null), for application/apply-patch+yaml bodies.
// Internal to skiff_apimachinery.
#pragma once
#include <nlohmann/json.hpp>
#include <string_view>

#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery {

ApiResult<nlohmann::json> parse_yaml_or_json(std::string_view text);

}  // namespace skiff::apimachinery
