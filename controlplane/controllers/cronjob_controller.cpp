#include "controllers/cronjob_controller.h"

#include <algorithm>
#include <cstdio>

#include "controllers/cron_schedule.h"
#include "controllers/object_util.h"
#include "controllers/time_zone.h"

namespace skiff::controllers {
namespace {
constexpr std::string_view kComponent = "cronjob-controller";

std::string job_finished_as(const Json& job) {
  for (const char* type : {"Complete", "Failed"})
    if (const Json* c = find_condition(field(job, "status"), type); c && str(field(*c, "status")) == "True") return type;
  return "";
}

std::string format_local_rfc3339(const LocalTime& lt) {
  char buf[64];
  if (lt.offset == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", lt.year, lt.month, lt.day, lt.hour, lt.minute,
                  lt.second);
  } else {
    int off = lt.offset < 0 ? -lt.offset : lt.offset;
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", lt.year, lt.month, lt.day, lt.hour,
                  lt.minute, lt.second, lt.offset < 0 ? '-' : '+', off / 3600, off / 60 % 60);
  }
  return buf;
}

std::string format_rfc1123z(Time t) {
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  LocalTime lt = TimeZone::utc()->to_local(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[lt.weekday], lt.day,
                kMonths[lt.month - 1], lt.year, lt.hour, lt.minute, lt.second);
  return buf;
}

bool already_reported(const Context& ctx, const Json& obj, std::string_view reason, const std::string& message) {
  for (const Json* e : ctx.store.list("Event", namespace_of(obj)))
    if (str(path(*e, {"involvedObject", "uid"})) == uid_of(obj) && str(field(*e, "reason")) == reason &&
        str(field(*e, "message")) == message)
      return true;
  return false;
}

Json job_ref(const Json& job) {
  Json ref{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"namespace", namespace_of(job)}, {"name", name_of(job)}};
  if (!uid_of(job).empty()) ref["uid"] = uid_of(job);
  std::string rv = str(path(job, {"metadata", "resourceVersion"}));
  if (!rv.empty()) ref["resourceVersion"] = rv;
  return ref;
}
}  // namespace

ReconcileResult reconcile_cron_job(const Json& cj, const Context& ctx, const CronJobOptions& options) {
  ReconcileResult out;
  Json status = field(cj, "status").is_object() ? cj["status"] : Json::object();
  const Json orig = status;
  std::vector<Action> events, deletes;
  auto event = [&](std::string_view type, std::string_view reason, std::string msg) {
    events.push_back(make_event(cj, type, reason, std::move(msg), ctx.now, kComponent));
  };
  auto finish = [&] {
    for (auto& d : deletes) out.actions.push_back(std::move(d));
    if (status != orig) {
      Json updated = cj;
      updated["status"] = status;
      out.actions.push_back(make_update_status(updated));
    }
    for (auto& e : events) out.actions.push_back(std::move(e));
    return std::move(out);
  };

  // Owned Jobs: the unfinished ones are the active list; finished ones
  // update lastSuccessfulTime and count against the history limits.
  std::vector<const Json*> jobs;
  for (const Json* j : ctx.store.list("Job", namespace_of(cj)))
    if (controlled_by(*j, cj)) jobs.push_back(j);
  Json old_active = field(status, "active").is_array() ? status["active"] : Json::array();
  Json active = Json::array();
  std::vector<const Json*> succeeded, failed;
  for (const Json* j : jobs) {
    std::string done = job_finished_as(*j);
    bool was_active = false;
    for (const auto& ref : old_active)
      if (str(field(ref, "name")) == name_of(*j)) was_active = true;
    if (done.empty()) {
      active.push_back(job_ref(*j));
      continue;
    }
    if (was_active) event("Normal", "SawCompletedJob", "Saw completed job: " + name_of(*j) + ", condition: " + done);
    if (done == "Complete") {
      succeeded.push_back(j);
      auto t = parse_time(str(path(*j, {"status", "completionTime"})));
      auto last = parse_time(str(field(status, "lastSuccessfulTime")));
      if (t && (!last || *t > *last)) status["lastSuccessfulTime"] = format_time(*t);
    } else {
      failed.push_back(j);
    }
  }
  for (const auto& ref : old_active) {
    bool exists = false;
    for (const Json* j : jobs)
      if (name_of(*j) == str(field(ref, "name"))) exists = true;
    if (!exists && !str(field(ref, "uid")).empty())
      event("Normal", "MissingJob", "Active job went missing: " + str(field(ref, "name")));
  }
  // A Job created by the previous sync may not be in the store yet: keep it.
  for (const auto& ref : old_active)
    if (str(field(ref, "uid")).empty() && std::none_of(jobs.begin(), jobs.end(), [&](const Json* j) {
          return name_of(*j) == str(field(ref, "name"));
        }))
      active.push_back(ref);
  std::sort(active.begin(), active.end(), [](const Json& a, const Json& b) { return str(a["name"]) < str(b["name"]); });
  if (active.empty())
    status.erase("active");
  else
    status["active"] = active;

  // History limits: the oldest finished Jobs beyond the limits go.
  auto prune = [&](std::vector<const Json*>& list, int64_t limit) {
    if (static_cast<int64_t>(list.size()) <= limit) return;
    std::sort(list.begin(), list.end(), [](const Json* a, const Json* b) {
      auto ta = parse_time(str(path(*a, {"status", "startTime"}))).value_or(creation_time(*a).value_or(Time{}));
      auto tb = parse_time(str(path(*b, {"status", "startTime"}))).value_or(creation_time(*b).value_or(Time{}));
      return ta == tb ? name_of(*a) < name_of(*b) : ta < tb;
    });
    for (std::size_t i = 0; i + static_cast<std::size_t>(limit) < list.size(); ++i) {
      if (being_deleted(*list[i])) continue;
      Action del = make_delete(*list[i]);
      del.object["propagationPolicy"] = "Background";
      deletes.push_back(std::move(del));
      event("Normal", "SuccessfulDelete", "Deleted job " + name_of(*list[i]));
    }
  };
  prune(succeeded, integer(path(cj, {"spec", "successfulJobsHistoryLimit"}), 3));
  prune(failed, integer(path(cj, {"spec", "failedJobsHistoryLimit"}), 1));

  if (being_deleted(cj)) return finish();

  // Bad input: reported once, no requeue (nothing will change until the spec does).
  std::string tz_name = str(path(cj, {"spec", "timeZone"}));
  auto zone = TimeZone::load(tz_name, options.zoneinfo_dir);
  if (!zone) {
    std::string msg = "invalid timeZone: \"" + tz_name + "\": " + zone.error().message;
    if (!already_reported(ctx, cj, "UnknownTimeZone", msg)) event("Warning", "UnknownTimeZone", msg);
    return finish();
  }
  std::string spec = str(path(cj, {"spec", "schedule"}));
  auto schedule = CronSchedule::parse(spec);
  if (!schedule) {
    std::string msg = "invalid schedule: " + spec + " : " + schedule.error().message;
    if (!already_reported(ctx, cj, "InvalidSchedule", msg)) event("Warning", "InvalidSchedule", msg);
    return finish();
  }
  const TimeZone& tz = **zone;
  auto requeue_next = [&] {
    if (auto next = schedule->next(ctx.now, tz))
      out.requeue(std::chrono::duration_cast<std::chrono::seconds>(*next - ctx.now));
  };
  if (boolean(path(cj, {"spec", "suspend"}), false)) return finish();

  // The most recent schedule time not yet started, from the last one (or
  // creation), no earlier than the starting deadline allows.
  std::optional<Time> earliest = parse_time(str(field(status, "lastScheduleTime")));
  if (!earliest) earliest = creation_time(cj);
  if (!earliest) earliest = ctx.now;
  const Json& sds = path(cj, {"spec", "startingDeadlineSeconds"});
  if (sds.is_number_integer()) {
    Time deadline = ctx.now - std::chrono::seconds(sds.get<int64_t>());
    if (deadline > *earliest) earliest = deadline;
  }
  std::optional<Time> scheduled;
  int64_t missed = 0;
  auto t1 = schedule->next(*earliest, tz);
  if (t1 && *t1 <= ctx.now) {
    auto t2 = schedule->next(*t1, tz);
    Time from = *earliest;
    if (t2 && *t2 <= ctx.now) {
      // Far behind: jump close to now by the schedule's period (as Kubernetes
      // does) instead of walking every missed time.
      int64_t period = (*t2 - *t1).count();
      if (period < 1) return finish();
      missed = (ctx.now - *t1).count() / period + 1;
      from = *t1 + std::chrono::seconds((missed - 2) * period);
      if (from < *earliest) from = *earliest;
    } else {
      missed = 1;
    }
    for (auto t = schedule->next(from, tz); t && *t <= ctx.now; t = schedule->next(*t, tz)) scheduled = t;
  }
  if (missed > 100)
    event("Warning", "TooManyMissedTimes",
          "too many missed start times: " + std::to_string(missed) +
              ". Set or decrease .spec.startingDeadlineSeconds or check clock skew");
  if (!scheduled) {
    requeue_next();
    return finish();
  }
  if (sds.is_number_integer() && *scheduled + std::chrono::seconds(sds.get<int64_t>()) < ctx.now) {
    event("Warning", "MissSchedule", "Missed scheduled time to start a job: " + format_rfc1123z(*scheduled));
    requeue_next();
    return finish();
  }
  std::string job_name = name_of(cj) + "-" + std::to_string(scheduled->time_since_epoch().count() / 60);
  bool exists = ctx.store.get("Job", namespace_of(cj), job_name) != nullptr;
  for (const auto& ref : active)
    if (str(field(ref, "name")) == job_name) exists = true;
  if (exists) {
    requeue_next();
    return finish();
  }
  std::string policy = str(path(cj, {"spec", "concurrencyPolicy"}), "Allow");
  if (policy == "Forbid" && !active.empty()) {
    event("Normal", "JobAlreadyActive",
          "Not starting job because prior execution is running and concurrency policy is Forbid");
    requeue_next();
    return finish();
  }
  if (policy == "Replace") {
    for (const auto& ref : active) {
      const Json* j = ctx.store.get("Job", namespace_of(cj), str(field(ref, "name")));
      if (!j) continue;
      Action del = make_delete(*j);
      del.object["propagationPolicy"] = "Background";
      deletes.push_back(std::move(del));
      event("Normal", "SuccessfulDelete", "Deleted job " + name_of(*j));
    }
    active = Json::array();
  }

  const Json& tmpl = path(cj, {"spec", "jobTemplate"});
  Json meta{{"name", job_name}, {"namespace", namespace_of(cj)}, {"ownerReferences", Json::array({make_controller_ref(cj)})}};
  if (path(tmpl, {"metadata", "labels"}).is_object()) meta["labels"] = tmpl["metadata"]["labels"];
  Json annotations = path(tmpl, {"metadata", "annotations"}).is_object() ? tmpl["metadata"]["annotations"] : Json::object();
  annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] = format_local_rfc3339(tz.to_local(*scheduled));
  meta["annotations"] = annotations;
  Json job_spec = field(tmpl, "spec").is_object() ? tmpl["spec"] : Json::object();
  Json job{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"metadata", meta}, {"spec", job_spec}};
  active.push_back(job_ref(job));
  out.actions.push_back(make_create(std::move(job)));
  event("Normal", "SuccessfulCreate", "Created job " + job_name);
  status["active"] = active;
  status["lastScheduleTime"] = format_time(*scheduled);
  requeue_next();
  return finish();
}

}  // namespace skiff::controllers
