#include <gtest/gtest.h>

#include "controllers/job_controller.h"
#include "controllers/pod_util.h"
#include "harness.h"

namespace skiff::controllers {
namespace {
using testing::Cluster;

Json make_job(const std::string& name, Json spec_extra = Json::object()) {
  Json job{{"apiVersion", "batch/v1"},
           {"kind", "Job"},
           {"metadata", {{"name", name}, {"namespace", "default"}}},
           {"spec",
            {{"template",
              {{"metadata", {{"labels", {{"app", name}}}}},
               {"spec", {{"restartPolicy", "Never"}, {"containers", Json::array({{{"name", "c"}, {"image", "busybox"}}})}}}}}}}};
  job["spec"].merge_patch(spec_extra);
  return job;
}

const Json& job(Cluster& c, const std::string& name = "pi") { return *c.store.get("Job", "default", name); }
void sync(Cluster& c, const std::string& name = "pi") { c.apply(reconcile_job(job(c, name), c.ctx())); }

// Kubelet: `n` running pods end in `phase`.
void finish(Cluster& c, const std::string& phase, std::size_t n = SIZE_MAX) {
  for (const Json* p : c.pods()) {
    if (n == 0) break;
    if (!pod_active(*p)) continue;
    Json* m = c.store.get_mutable("Pod", "default", name_of(*p));
    (*m)["status"] = Json{{"phase", phase},
                          {"containerStatuses",
                           Json::array({{{"name", "c"}, {"state", {{"terminated", {{"finishedAt", format_time(c.now)}}}}}}})}};
    --n;
  }
}

std::size_t active_pods(Cluster& c) {
  std::size_t n = 0;
  for (const Json* p : c.pods())
    if (pod_active(*p)) ++n;
  return n;
}

std::string condition_reason(Cluster& c, std::string_view type, const std::string& name = "pi") {
  const Json* cond = find_condition(job(c, name)["status"], type);
  return cond && str(field(*cond, "status")) == "True" ? str(field(*cond, "reason")) : "";
}

TEST(Job, BackoffDoublesFromTenSecondsCappedAtSixMinutes) {
  EXPECT_EQ(job_backoff(1).count(), 10);
  EXPECT_EQ(job_backoff(2).count(), 20);
  EXPECT_EQ(job_backoff(3).count(), 40);
  EXPECT_EQ(job_backoff(6).count(), 320);
  EXPECT_EQ(job_backoff(7).count(), 360);
  EXPECT_EQ(job_backoff(30).count(), 360);
}

TEST(Job, RunsToCompletionsWithParallelism) {
  Cluster c;
  c.store.put(make_job("pi", {{"completions", 3}, {"parallelism", 2}}), c.now);
  sync(c);
  ASSERT_EQ(active_pods(c), 2u);
  for (const Json* p : c.pods()) {
    EXPECT_EQ(labels_of(*p)["batch.kubernetes.io/job-name"], "pi");
    EXPECT_EQ(labels_of(*p)["job-name"], "pi");
    EXPECT_EQ(labels_of(*p)["batch.kubernetes.io/controller-uid"], uid_of(job(c)));
    EXPECT_EQ(labels_of(*p)["controller-uid"], uid_of(job(c)));
    EXPECT_EQ(p->at("metadata")["finalizers"], Json::array({"batch.kubernetes.io/job-tracking"}));
    EXPECT_TRUE(controlled_by(*p, job(c)));
  }
  EXPECT_EQ(job(c)["status"]["active"], 2);
  EXPECT_TRUE(job(c)["status"].contains("startTime"));
  finish(c, "Succeeded");
  sync(c);  // recorded as uncounted, finalizers removed, third pod created
  EXPECT_EQ(job(c)["status"]["uncountedTerminatedPods"]["succeeded"].size(), 2u);
  EXPECT_EQ(active_pods(c), 1u);
  sync(c);  // moved to the counter
  EXPECT_EQ(job(c)["status"]["succeeded"], 2);
  EXPECT_TRUE(job(c)["status"]["uncountedTerminatedPods"].empty());
  finish(c, "Succeeded");
  sync(c);
  EXPECT_EQ(condition_reason(c, "SuccessCriteriaMet"), "CompletionsReached");
  EXPECT_EQ(condition_reason(c, "Complete"), "");  // a pod is still uncounted
  sync(c);
  EXPECT_EQ(condition_reason(c, "Complete"), "CompletionsReached");
  EXPECT_EQ(job(c)["status"]["succeeded"], 3);
  EXPECT_TRUE(job(c)["status"].contains("completionTime"));
  EXPECT_EQ(c.pods().size(), 3u);  // finished pods stay for logs
  EXPECT_TRUE(reconcile_job(job(c), c.ctx()).actions.empty());
}

TEST(Job, FailuresBackOffThenHitTheBackoffLimit) {
  Cluster c;
  c.store.put(make_job("pi", {{"backoffLimit", 2}}), c.now);
  sync(c);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    finish(c, "Failed");
    sync(c);
    EXPECT_EQ(active_pods(c), 0u) << attempt;
    auto r = reconcile_job(job(c), c.ctx());
    ASSERT_TRUE(r.requeue_after) << attempt;
    EXPECT_EQ(r.requeue_after->count(), 10 << (attempt - 1));
    c.apply(r);
    c.advance(std::chrono::seconds(5 << (attempt - 1)));  // half the backoff: still nothing
    sync(c);
    EXPECT_EQ(active_pods(c), 0u);
    c.advance(std::chrono::seconds(5 << (attempt - 1)));
    sync(c);
    EXPECT_EQ(active_pods(c), 1u) << attempt;
  }
  finish(c, "Failed");
  sync(c);
  EXPECT_EQ(condition_reason(c, "FailureTarget"), "BackoffLimitExceeded");
  sync(c);
  EXPECT_EQ(condition_reason(c, "Failed"), "BackoffLimitExceeded");
  EXPECT_EQ(job(c)["status"]["failed"], 3);
  EXPECT_EQ(c.events("BackoffLimitExceeded").size(), 1u);
  EXPECT_TRUE(reconcile_job(job(c), c.ctx()).actions.empty());
}

TEST(Job, ActiveDeadlineTerminatesRunningPods) {
  Cluster c;
  c.store.put(make_job("pi", {{"activeDeadlineSeconds", 30}, {"parallelism", 2}, {"completions", 4}}), c.now);
  sync(c);
  ASSERT_EQ(active_pods(c), 2u);
  auto r = reconcile_job(job(c), c.ctx());
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(r.requeue_after->count(), 30);
  c.advance(std::chrono::seconds(31));
  sync(c);
  EXPECT_EQ(condition_reason(c, "FailureTarget"), "DeadlineExceeded");
  EXPECT_EQ(condition_reason(c, "Failed"), "");  // pods still terminating
  EXPECT_EQ(active_pods(c), 0u);
  sync(c);  // finalizers off, pods gone
  sync(c);
  EXPECT_EQ(condition_reason(c, "Failed"), "DeadlineExceeded");
  EXPECT_TRUE(c.pods().empty());
}

TEST(Job, SuspendDeletesPodsAndResumeRecreates) {
  Cluster c;
  c.store.put(make_job("pi", {{"parallelism", 2}, {"completions", 2}}), c.now);
  sync(c);
  c.store.get_mutable("Job", "default", "pi")->at("spec")["suspend"] = true;
  sync(c);
  EXPECT_EQ(condition_reason(c, "Suspended"), "JobSuspended");
  EXPECT_EQ(active_pods(c), 0u);
  c.store.get_mutable("Job", "default", "pi")->at("spec")["suspend"] = false;
  sync(c);
  EXPECT_EQ(condition_reason(c, "Suspended"), "");
  EXPECT_EQ(active_pods(c), 2u);
}

TEST(Job, TtlAfterFinishedDeletesTheJob) {
  Cluster c;
  c.store.put(make_job("pi", {{"ttlSecondsAfterFinished", 60}}), c.now);
  sync(c);
  finish(c, "Succeeded");
  sync(c);
  sync(c);
  ASSERT_EQ(condition_reason(c, "Complete"), "CompletionsReached");
  auto r = reconcile_job(job(c), c.ctx());
  EXPECT_TRUE(r.actions.empty());
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(r.requeue_after->count(), 60);
  c.advance(std::chrono::seconds(60));
  r = reconcile_job(job(c), c.ctx());
  ASSERT_EQ(r.count(Verb::Delete, "Job"), 1u);
  EXPECT_EQ(r.actions[0].object["propagationPolicy"], "Foreground");
}

}  // namespace
}  // namespace skiff::controllers
