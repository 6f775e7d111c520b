// EndpointSlice controller (pkg/controller/endpointslice and its reconciler)
// and the legacy Endpoints controller: a Service's selected pods become
// endpoints with ready/serving/terminating conditions, grouped by their
// resolved port set into slices of at most maxEndpointsPerSlice, changed with
// as little churn as Kubernetes' reconciler makes.
#pragma once
#include "controllers/actions.h"

namespace skiff::controllers {

inline constexpr std::string_view kServiceNameLabel = "kubernetes.io/service-name";
inline constexpr std::string_view kManagedByLabel = "endpointslice.kubernetes.io/managed-by";
inline constexpr std::string_view kEndpointSliceControllerName = "endpointslice-controller.k8s.io";

struct EndpointSliceOptions {
  std::size_t max_endpoints_per_slice = 100;
};

// Actions for one Service's slices. Services without a selector (and
// ExternalName services) are not managed: no actions.
ReconcileResult reconcile_endpoint_slices(const Json& service, const Context& ctx,
                                          const EndpointSliceOptions& options = {});

// The legacy v1 Endpoints object named like the Service (at most 1000
// addresses, then the over-capacity annotation).
ReconcileResult reconcile_endpoints(const Json& service, const Context& ctx);

// Endpoints and EndpointSlice "kubernetes" in default pointing at the API
// server (what kube-apiserver's endpoint reconciler maintains).
ReconcileResult reconcile_kubernetes_service_endpoints(const std::string& api_server_ip, int port,
                                                       const Context& ctx);

}  // namespace skiff::controllers
