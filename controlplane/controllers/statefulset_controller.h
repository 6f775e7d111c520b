// StatefulSet controller (pkg/controller/statefulset): pods <set>-<ordinal>
// with stable hostname/subdomain, PVCs <claim>-<set>-<ordinal> from
// volumeClaimTemplates created before their pod, OrderedReady (one pod at a
// time, waiting for Running and Ready; scale down from the highest ordinal)
// and Parallel management, RollingUpdate with partition (highest ordinal
// first, one at a time) and OnDelete, ControllerRevisions with
// currentRevision/updateRevision, and status.
#pragma once
#include "controllers/actions.h"

namespace skiff::controllers {

ReconcileResult reconcile_stateful_set(const Json& set, const Context& ctx);

}  // namespace skiff::controllers
