#include "controllers/job_controller.h"

#include <algorithm>
#include <set>

#include "controllers/label_selector.h"
#include "controllers/object_util.h"
#include "controllers/owner_claims.h"
#include "controllers/pod_util.h"
#include "controllers/replicaset_controller.h"

namespace skiff::controllers {
namespace {
constexpr std::string_view kComponent = "job-controller";

bool finished(const Json& status) {
  for (const char* type : {"Complete", "Failed"})
    if (const Json* c = find_condition(status, type); c && str(field(*c, "status")) == "True") return true;
  return false;
}

bool has_finalizer(const Json& pod) {
  const Json& f = path(pod, {"metadata", "finalizers"});
  return f.is_array() && std::find(f.begin(), f.end(), Json(kJobTrackingFinalizer)) != f.end();
}

Json finalizer_removal_patch(const Json& pod) {
  Json rest = Json::array();
  for (const auto& f : path(pod, {"metadata", "finalizers"}))
    if (f != Json(kJobTrackingFinalizer)) rest.push_back(f);
  return Json{{"metadata", {{"finalizers", rest}}}};
}

std::optional<Time> finish_time(const Json& pod) {
  std::optional<Time> latest;
  const Json& statuses = path(pod, {"status", "containerStatuses"});
  if (statuses.is_array())
    for (const auto& s : statuses)
      if (auto t = parse_time(str(path(s, {"state", "terminated", "finishedAt"})))) latest = latest ? std::max(*latest, *t) : *t;
  if (!latest) {
    if (const Json* c = find_condition(field(pod, "status"), "Ready")) latest = parse_time(str(field(*c, "lastTransitionTime")));
  }
  return latest ? latest : creation_time(pod);
}

bool set_job_condition(Json& status, std::string_view type, std::string_view cstatus, std::string_view reason,
                       std::string_view message, Time now) {
  if (!set_condition(status, type, cstatus, reason, message, now)) return false;
  for (auto& c : status["conditions"])
    if (c["type"] == type) c["lastProbeTime"] = format_time(now);
  return true;
}
}  // namespace

std::chrono::seconds job_backoff(int64_t failures) {
  if (failures <= 0) return std::chrono::seconds(0);
  int64_t s = 10;
  for (int64_t i = 1; i < failures && s < 360; ++i) s *= 2;
  return std::chrono::seconds(std::min<int64_t>(s, 360));
}

ReconcileResult reconcile_job(const Json& job, const Context& ctx) {
  ReconcileResult out;
  Json status = field(job, "status").is_object() ? job["status"] : Json::object();
  const Json orig = status;
  auto emit_status = [&] {
    if (status != orig) {
      Json j = job;
      j["status"] = status;
      out.actions.push_back(make_update_status(j));
    }
  };

  // Finished: only the TTL is left to honour.
  if (finished(status)) {
    const Json& ttl = path(job, {"spec", "ttlSecondsAfterFinished"});
    if (ttl.is_number_integer() && !being_deleted(job)) {
      auto done = parse_time(str(field(status, "completionTime")));
      for (const char* type : {"Complete", "Failed"})
        if (const Json* c = find_condition(status, type); !done && c) done = parse_time(str(field(*c, "lastTransitionTime")));
      Time expiry = done.value_or(ctx.now) + std::chrono::seconds(ttl.get<int64_t>());
      if (expiry <= ctx.now) {
        Action del = make_delete(job);
        del.object["propagationPolicy"] = "Foreground";
        out.actions.push_back(std::move(del));
      } else {
        out.requeue(std::chrono::duration_cast<std::chrono::seconds>(expiry - ctx.now));
      }
    }
    return out;
  }

  // Pods: selected by spec.selector, or by the controller-uid label the API
  // server's defaulting adds when the selector is not manual.
  Json selector_json = path(job, {"spec", "selector"});
  if (selector_json.is_null())
    selector_json = Json{{"matchLabels", {{"batch.kubernetes.io/controller-uid", uid_of(job)}}}};
  auto selector = LabelSelector::parse(selector_json);
  if (!selector || selector->empty()) {
    std::string msg = selector ? "spec.selector is empty" : "invalid selector: " + selector.error().message;
    if (set_job_condition(status, "Failed", "True", "InvalidSelector", msg, ctx.now))
      out.actions.push_back(make_event(job, "Warning", "InvalidSelector", msg, ctx.now, kComponent));
    emit_status();
    return out;
  }
  std::vector<const Json*> candidates = ctx.store.list("Pod", namespace_of(job));
  Claimed claimed = claim_objects(job, *selector, candidates);
  for (auto& a : claimed.patches) out.actions.push_back(std::move(a));

  // Terminated pods are counted once: first recorded as uncounted (so a
  // crash between the two writes cannot lose or double them), the finalizer
  // removed, and moved to the counters on a later sync.
  Json& uncounted = status["uncountedTerminatedPods"];
  if (!uncounted.is_object()) uncounted = Json::object();
  std::set<std::string> unc_succeeded, unc_failed;
  for (const char* k : {"succeeded", "failed"})
    if (uncounted[k].is_array())
      for (const auto& u : uncounted[k]) (std::string(k) == "succeeded" ? unc_succeeded : unc_failed).insert(str(u));
  std::set<std::string> still_tracked;
  std::vector<const Json*> active, failed_pods;
  int64_t ready = 0, terminating = 0;
  for (const Json* p : claimed.objects) {
    std::string phase = pod_phase(*p);
    bool terminal = phase == "Succeeded" || phase == "Failed";
    if (has_finalizer(*p)) still_tracked.insert(uid_of(*p));
    if (phase == "Failed") failed_pods.push_back(p);
    if (terminal) {
      if (has_finalizer(*p)) {
        (phase == "Succeeded" ? unc_succeeded : unc_failed).insert(uid_of(*p));
        out.actions.push_back(make_patch(*p, kStrategicMergePatch, finalizer_removal_patch(*p)));
      }
      continue;
    }
    if (being_deleted(*p)) {
      ++terminating;
      if (has_finalizer(*p)) out.actions.push_back(make_patch(*p, kStrategicMergePatch, finalizer_removal_patch(*p)));
      continue;
    }
    active.push_back(p);
    if (pod_ready(*p)) ++ready;
  }
  int64_t succeeded = integer(field(status, "succeeded"), 0);
  int64_t failed = integer(field(status, "failed"), 0);
  // Uncounted pods whose finalizer is gone (or that are gone) move to the counters.
  auto settle = [&](std::set<std::string>& set, int64_t& counter) {
    Json keep = Json::array();
    for (const auto& uid : set) {
      if (still_tracked.count(uid))
        keep.push_back(uid);
      else
        ++counter;
    }
    return keep;
  };
  uncounted["succeeded"] = settle(unc_succeeded, succeeded);
  uncounted["failed"] = settle(unc_failed, failed);
  if (uncounted["succeeded"].empty()) uncounted.erase("succeeded");
  if (uncounted["failed"].empty()) uncounted.erase("failed");
  // Decisions use every terminated pod seen, counted or not yet.
  int64_t total_succeeded = succeeded + static_cast<int64_t>(uncounted.value("succeeded", Json::array()).size());
  int64_t total_failed = failed + static_cast<int64_t>(uncounted.value("failed", Json::array()).size());

  const bool suspended = boolean(path(job, {"spec", "suspend"}), false);
  const int64_t parallelism = integer(path(job, {"spec", "parallelism"}), 1);
  const Json& completions_v = path(job, {"spec", "completions"});
  const bool has_completions = completions_v.is_number_integer();
  const int64_t completions = has_completions ? completions_v.get<int64_t>() : 0;
  const int64_t backoff_limit = integer(path(job, {"spec", "backoffLimit"}), 6);

  if (!suspended && !field(status, "startTime").is_string()) status["startTime"] = format_time(ctx.now);
  auto start = parse_time(str(field(status, "startTime")));

  // Why the Job ends, if it does.
  std::string fail_reason, fail_message;
  const Json* target = find_condition(status, "FailureTarget");
  if (target && str(field(*target, "status")) == "True") {
    fail_reason = str(field(*target, "reason"));
    fail_message = str(field(*target, "message"));
  } else if (total_failed > backoff_limit) {
    fail_reason = "BackoffLimitExceeded";
    fail_message = "Job has reached the specified backoff limit";
  } else if (const Json& ads = path(job, {"spec", "activeDeadlineSeconds"}); ads.is_number_integer() && start && !suspended) {
    Time deadline = *start + std::chrono::seconds(ads.get<int64_t>());
    if (ctx.now >= deadline) {
      fail_reason = "DeadlineExceeded";
      fail_message = "Job was active longer than specified deadline";
    } else {
      out.requeue(std::chrono::duration_cast<std::chrono::seconds>(deadline - ctx.now));
    }
  }
  bool success = false;
  if (fail_reason.empty()) {
    if (has_completions)
      success = total_succeeded >= completions;
    else
      success = total_succeeded > 0 && active.empty();
  }
  const Json* criteria = find_condition(status, "SuccessCriteriaMet");
  if (criteria && str(field(*criteria, "status")) == "True") success = true;

  std::vector<Action> deletes;
  auto delete_active = [&] {
    for (const Json* p : active) {
      deletes.push_back(make_delete(*p));
      ++terminating;
    }
    active.clear();
    ready = 0;
  };

  if (!fail_reason.empty()) {
    if (set_job_condition(status, "FailureTarget", "True", fail_reason, fail_message, ctx.now))
      out.actions.push_back(make_event(job, "Warning", fail_reason, fail_message, ctx.now, kComponent));
    delete_active();
    if (terminating == 0 && uncounted.empty())
      set_job_condition(status, "Failed", "True", fail_reason, fail_message, ctx.now);
  } else if (success) {
    set_job_condition(status, "SuccessCriteriaMet", "True", "CompletionsReached",
                      "Reached expected number of succeeded pods", ctx.now);
    delete_active();
    if (terminating == 0 && uncounted.empty()) {
      set_job_condition(status, "Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods",
                        ctx.now);
      status["completionTime"] = format_time(ctx.now);
      out.actions.push_back(make_event(job, "Normal", "Completed", "Job completed", ctx.now, kComponent));
    }
  } else if (suspended) {
    delete_active();
    if (set_job_condition(status, "Suspended", "True", "JobSuspended", "Job suspended", ctx.now))
      out.actions.push_back(make_event(job, "Normal", "Suspended", "Job suspended", ctx.now, kComponent));
    status.erase("startTime");
  } else {
    if (const Json* s = find_condition(status, "Suspended"); s && str(field(*s, "status")) == "True") {
      set_job_condition(status, "Suspended", "False", "JobResumed", "Job resumed", ctx.now);
      out.actions.push_back(make_event(job, "Normal", "Resumed", "Job resumed", ctx.now, kComponent));
    }
    int64_t want = has_completions ? std::min(parallelism, completions - total_succeeded)
                                   : (total_succeeded > 0 ? 0 : parallelism);
    want = std::max<int64_t>(0, want);
    int64_t have = static_cast<int64_t>(active.size());
    if (have > want) {
      std::vector<const Json*> victims = active;
      sort_pods_for_deletion(victims, std::vector<int>(victims.size(), 0), ctx.now);
      victims.resize(static_cast<std::size_t>(have - want));
      for (const Json* p : victims) deletes.push_back(make_delete(*p));
      terminating += have - want;
      active.resize(static_cast<std::size_t>(want));
    } else if (have < want) {
      // Backoff: failures since the last success, from the newest failure.
      int64_t consecutive = 0;
      std::optional<Time> last_failure;
      std::optional<Time> last_success;
      for (const Json* p : claimed.objects)
        if (pod_phase(*p) == "Succeeded") {
          auto t = finish_time(*p);
          if (t && (!last_success || *t > *last_success)) last_success = t;
        }
      for (const Json* p : failed_pods) {
        auto t = finish_time(*p);
        if (last_success && t && *t <= *last_success) continue;
        ++consecutive;
        if (t && (!last_failure || *t > *last_failure)) last_failure = t;
      }
      Time ready_at = last_failure ? *last_failure + job_backoff(consecutive) : ctx.now;
      if (consecutive > 0 && ready_at > ctx.now) {
        out.requeue(std::chrono::duration_cast<std::chrono::seconds>(ready_at - ctx.now));
      } else {
        int64_t n = want - have;
        int64_t made = 0, batch_size = 1;
        int batch = 0;
        Json tmpl = path(job, {"spec", "template"});
        Json& labels = tmpl["metadata"]["labels"];
        if (!labels.is_object()) labels = Json::object();
        for (auto [k, v] : {std::pair{"batch.kubernetes.io/controller-uid", uid_of(job)},
                            std::pair{"batch.kubernetes.io/job-name", name_of(job)},
                            std::pair{"controller-uid", uid_of(job)}, std::pair{"job-name", name_of(job)}})
          if (!labels.contains(k)) labels[k] = v;
        Json& finalizers = tmpl["metadata"]["finalizers"];
        if (!finalizers.is_array()) finalizers = Json::array();
        finalizers.push_back(kJobTrackingFinalizer);
        while (made < n) {
          int64_t this_batch = std::min(batch_size, n - made);
          for (int64_t i = 0; i < this_batch; ++i) {
            Json pod = pod_from_template(tmpl, job, name_of(job) + "-", ctx.names);
            std::string pod_name = name_of(pod);
            Action create = make_create(std::move(pod));
            create.batch = batch;
            out.actions.push_back(std::move(create));
            Action ev = make_event(job, "Normal", "SuccessfulCreate", "Created pod: " + pod_name, ctx.now, kComponent);
            ev.batch = batch;
            out.actions.push_back(std::move(ev));
          }
          made += this_batch;
          batch_size *= 2;
          ++batch;
        }
        have = want;
      }
    }
    status["active"] = have;
  }
  if (!status.contains("active") || !fail_reason.empty() || success || suspended)
    status["active"] = static_cast<int64_t>(active.size());
  status["ready"] = ready;
  status["succeeded"] = succeeded;
  status["failed"] = failed;
  status["terminating"] = terminating;
  // The Job's spec says how many pods; the API omits zero counters.
  for (const char* k : {"active", "succeeded", "failed"})
    if (status[k] == 0) status.erase(k);
  if (uncounted.empty()) status["uncountedTerminatedPods"] = Json::object();
  for (auto& d : deletes) out.actions.push_back(std::move(d));
  emit_status();
  return out;
}

}  // namespace skiff::controllers
