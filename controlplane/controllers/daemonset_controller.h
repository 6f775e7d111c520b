// DaemonSet controller (pkg/controller/daemon): one pod per eligible node
// (nodeSelector, required node affinity, taints against the pod's
// tolerations plus the default daemon tolerations), each pod pinned to its
// node through required node affinity on metadata.name (the scheduler binds
// it), rolling update within maxUnavailable, OnDelete, ControllerRevisions,
// and status.
#pragma once
#include "controllers/actions.h"

namespace skiff::controllers {

ReconcileResult reconcile_daemon_set(const Json& ds, const Context& ctx);

// Whether a node should run the DaemonSet's pod (exposed for tests).
bool node_should_run_daemon_pod(const Json& node, const Json& ds);

}  // namespace skiff::controllers
