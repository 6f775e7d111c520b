// Deployment controller (pkg/controller/deployment): ReplicaSets per pod
// template named <deployment>-<pod-template-hash>, rolling update within
// maxSurge/maxUnavailable, Recreate, proportional scaling, revisions and
// revision history cleanup, Progressing/Available conditions with the
// progress deadline, pause/resume, and rollback (kubectl 1.32 rolls back
// client-side by patching spec.template back to an old ReplicaSet's; the old
// ReplicaSet then becomes the new one and gets the next revision).
#pragma once
#include "controllers/actions.h"

namespace skiff::controllers {

inline constexpr std::string_view kPodTemplateHashLabel = "pod-template-hash";
inline constexpr std::string_view kRevisionAnnotation = "deployment.kubernetes.io/revision";
inline constexpr std::string_view kRevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
inline constexpr std::string_view kDesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
inline constexpr std::string_view kMaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

ReconcileResult reconcile_deployment(const Json& deployment, const Context& ctx);

// Templates equal except for the pod-template-hash label
// (deploymentutil.EqualIgnoreHash).
bool templates_equal_ignoring_hash(const Json& a, const Json& b);

// maxSurge / maxUnavailable resolved against spec.replicas
// (deploymentutil.ResolveFenceposts; both zero means unavailable 1).
struct Fenceposts {
  int64_t surge = 0;
  int64_t unavailable = 0;
};
Fenceposts resolve_fenceposts(const Json& deployment);

}  // namespace skiff::controllers
