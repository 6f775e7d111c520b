// Namespace lifecycle (pkg/controller/namespace): a namespace being deleted
// is Terminating; its contents are deleted, the NamespaceContentRemaining /
// NamespaceFinalizersRemaining conditions say what is left, and once nothing
// is left the "kubernetes" finalizer is removed through namespaces/finalize.
#pragma once
#include <string>
#include <vector>

#include "controllers/actions.h"

namespace skiff::controllers {

// `kinds`: the namespaced kinds to empty (default: the GC's list).
ReconcileResult reconcile_namespace(const Json& ns, const Context& ctx, const std::vector<std::string>& kinds = {});

}  // namespace skiff::controllers
