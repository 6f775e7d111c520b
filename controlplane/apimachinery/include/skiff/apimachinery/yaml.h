// YAML (or JSON) text to JSON with sigs.k8s.io/yaml's scalar rules
// (unquoted 80 is a number, "80" a string, true/false/null), e.g. for
// application/yaml request bodies. One document.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery {

ApiResult<nlohmann::json> yaml_to_json(std::string_view text);

}  // namespace skiff::apimachinery
