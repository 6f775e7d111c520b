// The scale subresource: an autoscaling/v1 Scale view of workloads'
// spec.replicas (what `kubectl scale` reads and patches).
#pragma once

#include <nlohmann/json.hpp>

#include "http/http_types.h"
#include "rest/request_info.h"
#include "storage/kv_store.h"

namespace skiff::apiserver {

nlohmann::json scale_of(const nlohmann::json& object);
HttpResponse get_scale(storage::KvStore& store, const HttpRequest& request, const ResourceRequest& target);

}  // namespace skiff::apiserver
