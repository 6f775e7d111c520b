// Internal: server-side apply and managedFields bookkeeping (FieldsV1 trees).
#pragma once
#include <nlohmann/json.hpp>

#include "skiff/apimachinery/patch.h"

namespace skiff::apimachinery {

ApiResult<nlohmann::json> server_side_apply(const Schema* schema, const GroupVersionKind&, const nlohmann::json& current,
                                            const nlohmann::json& applied, const ApplyOptions&);

}  // namespace skiff::apimachinery
