#include <gtest/gtest.h>

#include <set>

#include "controllers/cron_schedule.h"
#include "controllers/cronjob_controller.h"
#include "controllers/time_zone.h"
#include "harness.h"

namespace skiff::controllers {
namespace {
using testing::Cluster;

Time at(const char* rfc3339) { return *parse_time(rfc3339); }
std::string next_after(const std::string& spec, const char* from, const char* zone = "UTC") {
  auto s = CronSchedule::parse(spec);
  EXPECT_TRUE(s) << spec << ": " << (s ? "" : s.error().message);
  auto tz = TimeZone::load(zone);
  EXPECT_TRUE(tz);
  auto n = s->next(at(from), **tz);
  return n ? format_time(*n) : "none";
}

TEST(CronSchedule, StandardFieldsRangesStepsAndNames) {
  EXPECT_EQ(next_after("*/15 * * * *", "2026-11-23T12:07:00Z"), "2026-11-23T12:15:00Z");
  EXPECT_EQ(next_after("*/15 * * * *", "2026-11-23T12:15:00Z"), "2026-11-23T12:30:00Z");
  EXPECT_EQ(next_after("0 9 * * MON-FRI", "2026-11-21T10:00:00Z"), "2026-11-23T09:00:00Z");  // Sat -> Mon
  EXPECT_EQ(next_after("5 4 * * sun", "2026-11-23T00:00:00Z"), "2026-11-29T04:05:00Z");
  EXPECT_EQ(next_after("0 0 1 jan,jul *", "2026-02-01T00:00:00Z"), "2026-07-01T00:00:00Z");
  EXPECT_EQ(next_after("10-20/5 3 * * *", "2026-11-23T03:12:00Z"), "2026-11-23T03:15:00Z");
  EXPECT_EQ(next_after("@hourly", "2026-11-23T12:07:00Z"), "2026-11-23T13:00:00Z");
  EXPECT_EQ(next_after("@daily", "2026-11-23T12:07:00Z"), "2026-11-24T00:00:00Z");
  EXPECT_EQ(next_after("@weekly", "2026-11-23T12:07:00Z"), "2026-11-29T00:00:00Z");
  EXPECT_EQ(next_after("@monthly", "2026-11-23T12:07:00Z"), "2026-12-01T00:00:00Z");
  EXPECT_EQ(next_after("@yearly", "2026-11-23T12:07:00Z"), "2027-01-01T00:00:00Z");
  // Both day fields restricted: either matches (Friday or the 13th).
  EXPECT_EQ(next_after("0 0 13 * FRI", "2026-11-23T00:00:00Z"), "2026-11-27T00:00:00Z");
  EXPECT_EQ(next_after("0 0 13 * FRI", "2026-12-05T00:00:00Z"), "2026-12-11T00:00:00Z");
  EXPECT_EQ(next_after("0 0 30 2 *", "2026-01-01T00:00:00Z"), "none");
}

TEST(CronSchedule, InvalidSpecsSayWhatIsWrong) {
  for (const char* bad : {"61 * * * *", "* * *", "0 0 * * 8", "*/0 * * * *", "@every 5m", "TZ=UTC * * * * *",
                          "a b c d e", "5-1 * * * *", ""}) {
    auto s = CronSchedule::parse(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_FALSE(s.error().message.empty());
  }
  EXPECT_NE(CronSchedule::parse("61 * * * *").error().message.find("above maximum"), std::string::npos);
}

TEST(CronSchedule, DaylightSavingTransitionsInATimeZone) {
  // Europe/Berlin springs forward on 2026-03-29 at 02:00 and falls back on
  // 2026-10-25 at 03:00. Like robfig/cron, a 02:30 job is skipped on the
  // spring day and runs twice on the autumn day.
  EXPECT_EQ(next_after("30 2 * * *", "2026-03-28T01:30:00Z", "Europe/Berlin"), "2026-03-30T00:30:00Z");
  EXPECT_EQ(next_after("30 2 * * *", "2026-10-24T00:30:00Z", "Europe/Berlin"), "2026-10-25T00:30:00Z");
  EXPECT_EQ(next_after("30 2 * * *", "2026-10-25T00:30:00Z", "Europe/Berlin"), "2026-10-25T01:30:00Z");
  EXPECT_EQ(next_after("30 2 * * *", "2026-10-25T01:30:00Z", "Europe/Berlin"), "2026-10-26T01:30:00Z");
  // 09:00 New York is 14:00 UTC in winter and 13:00 UTC in summer.
  EXPECT_EQ(next_after("0 9 * * *", "2026-01-10T00:00:00Z", "America/New_York"), "2026-01-10T14:00:00Z");
  EXPECT_EQ(next_after("0 9 * * *", "2026-07-10T00:00:00Z", "America/New_York"), "2026-07-10T13:00:00Z");
  EXPECT_FALSE(TimeZone::load("Mars/Olympus_Mons"));
  EXPECT_FALSE(TimeZone::load("../../etc/passwd"));
}

Json make_cronjob(const std::string& schedule, Json spec_extra = Json::object()) {
  Json cj{{"apiVersion", "batch/v1"},
          {"kind", "CronJob"},
          {"metadata", {{"name", "tick"}, {"namespace", "default"}, {"creationTimestamp", "2026-11-23T11:00:00Z"}}},
          {"spec",
           {{"schedule", schedule},
            {"jobTemplate",
             {{"metadata", {{"labels", {{"app", "tick"}}}}},
              {"spec", {{"template", {{"spec", {{"restartPolicy", "Never"}, {"containers", Json::array({{{"name", "c"}, {"image", "busybox"}}})}}}}}}}}}}}};
  cj["spec"].merge_patch(spec_extra);
  return cj;
}

const Json& cronjob(Cluster& c) { return *c.store.get("CronJob", "default", "tick"); }
std::vector<const Json*> jobs(Cluster& c) { return c.store.list("Job", "default"); }
void finish_job(Cluster& c, const std::string& name, const char* type = "Complete") {
  Json* j = c.store.get_mutable("Job", "default", name);
  (*j)["status"] = Json{{"startTime", format_time(c.now)},
                        {"completionTime", format_time(c.now)},
                        {"conditions", Json::array({{{"type", type}, {"status", "True"}}})}};
}

TEST(CronJob, CreatesTheJobForTheScheduledMinute) {
  Cluster c;
  c.now = at("2026-11-23T12:00:05Z");
  c.store.put(make_cronjob("0 * * * *", {{"timeZone", "Europe/Berlin"}}), c.now);
  auto r = reconcile_cron_job(cronjob(c), c.ctx());
  ASSERT_EQ(r.count(Verb::Create, "Job"), 1u);
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(r.requeue_after->count(), 3595);
  c.apply(r);
  ASSERT_EQ(jobs(c).size(), 1u);
  const Json& job = *jobs(c)[0];
  EXPECT_EQ(name_of(job), "tick-" + std::to_string(at("2026-11-23T12:00:00Z").time_since_epoch().count() / 60));
  EXPECT_EQ(annotation(job, "batch.kubernetes.io/cronjob-scheduled-timestamp"), "2026-11-23T13:00:00+01:00");
  EXPECT_EQ(labels_of(job)["app"], "tick");
  EXPECT_TRUE(controlled_by(job, cronjob(c)));
  EXPECT_EQ(cronjob(c)["status"]["lastScheduleTime"], "2026-11-23T12:00:00Z");
  EXPECT_EQ(cronjob(c)["status"]["active"][0]["name"], name_of(job));
  EXPECT_EQ(c.events("SuccessfulCreate"), (std::vector<std::string>{"Created job " + name_of(job)}));
  // Same minute again: nothing new.
  EXPECT_EQ(reconcile_cron_job(cronjob(c), c.ctx()).count(Verb::Create), 0u);
}

TEST(CronJob, ConcurrencyPolicies) {
  for (std::string policy : {"Allow", "Forbid", "Replace"}) {
    Cluster c;
    c.now = at("2026-11-23T12:00:05Z");
    c.store.put(make_cronjob("*/5 * * * *", {{"concurrencyPolicy", policy}}), c.now);
    c.apply(reconcile_cron_job(cronjob(c), c.ctx()));
    ASSERT_EQ(jobs(c).size(), 1u);
    std::string first = name_of(*jobs(c)[0]);
    c.now = at("2026-11-23T12:05:01Z");
    auto r = reconcile_cron_job(cronjob(c), c.ctx());
    c.apply(r);
    if (policy == "Allow") {
      EXPECT_EQ(jobs(c).size(), 2u);
      EXPECT_EQ(cronjob(c)["status"]["active"].size(), 2u);
    } else if (policy == "Forbid") {
      EXPECT_EQ(jobs(c).size(), 1u);
      EXPECT_EQ(c.events("JobAlreadyActive").size(), 1u);
      // Once the running one finishes, the next slot starts a job.
      finish_job(c, first);
      c.now = at("2026-11-23T12:10:01Z");
      c.apply(reconcile_cron_job(cronjob(c), c.ctx()));
      EXPECT_EQ(jobs(c).size(), 2u);
    } else {
      EXPECT_EQ(jobs(c).size(), 1u);
      EXPECT_NE(name_of(*jobs(c)[0]), first);
      EXPECT_EQ(c.events("SuccessfulDelete"), (std::vector<std::string>{"Deleted job " + first}));
    }
  }
}

TEST(CronJob, SuspendStartsNothing) {
  Cluster c;
  c.now = at("2026-11-23T12:00:05Z");
  c.store.put(make_cronjob("* * * * *", {{"suspend", true}}), c.now);
  auto r = reconcile_cron_job(cronjob(c), c.ctx());
  EXPECT_EQ(r.count(Verb::Create), 0u);
  EXPECT_FALSE(r.requeue_after);
}

TEST(CronJob, MissedSchedulesStartOnlyTheMostRecentAndHonourTheStartingDeadline) {
  Cluster c;
  c.now = at("2026-11-23T17:30:00Z");  // controller was away since 11:00
  c.store.put(make_cronjob("0 * * * *"), c.now);
  c.apply(reconcile_cron_job(cronjob(c), c.ctx()));
  ASSERT_EQ(jobs(c).size(), 1u);
  EXPECT_EQ(cronjob(c)["status"]["lastScheduleTime"], "2026-11-23T17:00:00Z");

  Cluster late;
  late.now = at("2026-11-23T17:30:00Z");
  late.store.put(make_cronjob("0 * * * *", {{"startingDeadlineSeconds", 600}}), late.now);
  auto r = reconcile_cron_job(*late.store.get("CronJob", "default", "tick"), late.ctx());
  EXPECT_EQ(r.count(Verb::Create), 0u);
  late.apply(r);
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(r.requeue_after->count(), 1800);

  Cluster many;  // far more than 100 missed minutes: a warning, still the latest runs
  many.now = at("2026-11-24T11:00:30Z");
  many.store.put(make_cronjob("* * * * *"), many.now);
  many.apply(reconcile_cron_job(*many.store.get("CronJob", "default", "tick"), many.ctx()));
  EXPECT_EQ(many.events("TooManyMissedTimes").size(), 1u);
  EXPECT_EQ(many.store.get("CronJob", "default", "tick")->at("status")["lastScheduleTime"], "2026-11-24T11:00:00Z");
}

TEST(CronJob, HistoryLimitsDeleteTheOldestFinishedJobs) {
  Cluster c;
  c.now = at("2026-11-23T12:00:05Z");
  c.store.put(make_cronjob("* * * * *", {{"successfulJobsHistoryLimit", 2}, {"failedJobsHistoryLimit", 1}}), c.now);
  std::vector<std::string> names;
  for (int i = 0; i < 6; ++i) {
    c.apply(reconcile_cron_job(cronjob(c), c.ctx()));
    std::string newest;
    for (const Json* j : jobs(c))
      if (!find_condition(field(*j, "status"), "Complete") && !find_condition(field(*j, "status"), "Failed")) newest = name_of(*j);
    ASSERT_FALSE(newest.empty());
    finish_job(c, newest, i < 4 ? "Complete" : "Failed");
    names.push_back(newest);
    c.advance(std::chrono::seconds(60));
  }
  c.apply(reconcile_cron_job(cronjob(c), c.ctx()));
  std::set<std::string> left;
  for (const Json* j : jobs(c))
    if (find_condition(field(*j, "status"), "Complete") || find_condition(field(*j, "status"), "Failed")) left.insert(name_of(*j));
  EXPECT_EQ(left, (std::set<std::string>{names[2], names[3], names[5]}));
  EXPECT_TRUE(cronjob(c)["status"].contains("lastSuccessfulTime"));
}

TEST(CronJob, InvalidScheduleAndTimeZoneAreReportedOnceWithoutRequeue) {
  Cluster c;
  c.store.put(make_cronjob("61 * * * *"), c.now);
  auto r = reconcile_cron_job(cronjob(c), c.ctx());
  EXPECT_EQ(r.count(Verb::Create), 0u);
  EXPECT_FALSE(r.requeue_after);
  c.apply(r);
  auto events = c.events("InvalidSchedule");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].find("invalid schedule: 61 * * * *"), std::string::npos);
  EXPECT_TRUE(reconcile_cron_job(cronjob(c), c.ctx()).actions.empty());

  Cluster z;
  z.store.put(make_cronjob("0 * * * *", {{"timeZone", "Nowhere/City"}}), z.now);
  auto rz = reconcile_cron_job(*z.store.get("CronJob", "default", "tick"), z.ctx());
  EXPECT_FALSE(rz.requeue_after);
  z.apply(rz);
  EXPECT_EQ(z.events("UnknownTimeZone").size(), 1u);
}

}  // namespace
}  // namespace skiff::controllers
