// Job controller (pkg/controller/job), NonIndexed completion mode: pods up to
// parallelism until completions succeed, pod failures counted through the
// batch.kubernetes.io/job-tracking finalizer and status.uncountedTerminatedPods,
// exponential backoff between failures (10 s doubling, capped at 6 min),
// backoffLimit and activeDeadlineSeconds ending in FailureTarget then Failed,
// success in SuccessCriteriaMet then Complete (the 1.31+ order: the terminal
// condition only once no pod is left running), suspend/resume, and the TTL
// after finish (ttlSecondsAfterFinished).
#pragma once
#include "controllers/actions.h"

namespace skiff::controllers {

inline constexpr std::string_view kJobTrackingFinalizer = "batch.kubernetes.io/job-tracking";

ReconcileResult reconcile_job(const Json& job, const Context& ctx);

// Backoff before the next pod after `failures` consecutive failures.
std::chrono::seconds job_backoff(int64_t failures);

}  // namespace skiff::controllers
