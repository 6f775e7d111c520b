// Kubernetes' defaulting: what the API server fills in on create and update
// (schema defaults plus the kind-specific rules of pkg/apis/*/v1/defaults.go).
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "skiff/apimachinery/schema.h"
#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery {

// Defaults `obj` in place; with the built-in registry.
void apply_defaults(const GroupVersionKind&, nlohmann::json& obj);
// Same, with a registry that also knows custom resources (CRD schema defaults).
void apply_defaults(const SchemaRegistry&, const GroupVersionKind&, nlohmann::json& obj);

// On update (PUT/PATCH), before apply_defaults: carries over values the
// server allocated and a client may leave out (Service clusterIP(s),
// nodePorts, healthCheckNodePort, ipFamilies; a Job's generated selector and
// labels), as kube's REST strategies do. `old` is the stored object.
void apply_update_defaults(const GroupVersionKind&, nlohmann::json& obj, const nlohmann::json& old);

}  // namespace skiff::apimachinery
