// ReplicaSet controller (pkg/controller/replicaset): keeps
// spec.replicas active pods, adopting and releasing by selector, and reports
// status. The executor must apply the actions and let the store observe them
// before the next sync of the same ReplicaSet (Kubernetes' expectations).
#pragma once
#include "controllers/actions.h"

namespace skiff::controllers {

struct ReplicaSetOptions {
  int64_t burst_replicas = 500;  // most creations/deletions per sync
};

ReconcileResult reconcile_replica_set(const Json& rs, const Context& ctx, const ReplicaSetOptions& options = {});

// The pod a controller creates from its template (GetPodFromTemplate), named
// <prefix><5 random safe characters> with a controller ownerReference.
Json pod_from_template(const Json& template_spec, const Json& owner, const std::string& name_prefix,
                       NameSource& names);

}  // namespace skiff::controllers
