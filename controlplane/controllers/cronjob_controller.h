// CronJob controller (pkg/controller/cronjob, controllerv2): Jobs named
// <cronjob>-<scheduled time in minutes since the epoch> at the schedule's
// times in spec.timeZone, concurrencyPolicy Allow/Forbid/Replace, suspend,
// startingDeadlineSeconds and missed-schedule handling, history limits, and
// the active/lastScheduleTime/lastSuccessfulTime status. The requeue is the
// next schedule time. Invalid schedules and time zones become a Warning
// event (once: an identical event already in the store is not repeated) and
// no requeue.
#pragma once
#include "controllers/actions.h"

namespace skiff::controllers {

struct CronJobOptions {
  std::string zoneinfo_dir = "/usr/share/zoneinfo";
};

ReconcileResult reconcile_cron_job(const Json& cronjob, const Context& ctx, const CronJobOptions& options = {});

}  // namespace skiff::controllers
