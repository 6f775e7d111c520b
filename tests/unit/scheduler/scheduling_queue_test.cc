#include <gtest/gtest.h>

#include "builders.h"
#include "scheduler/scheduling_queue.h"

namespace skiff::scheduler {
namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::PodBuilder;

struct FakeClock {
  SteadyTime now{};
  NowFn fn() {
    return [this] { return now; };
  }
};

std::vector<std::string> drain(SchedulingQueue& q) {
  std::vector<std::string> out;
  while (auto p = q.pop()) out.push_back(p->pod.name);
  return out;
}

TEST(SchedulingQueue, PriorityThenArrival) {
  FakeClock clock;
  SchedulingQueue q(clock.fn());
  struct In {
    const char* name;
    int priority;
  };
  for (In in : {In{"low-1", 0}, In{"high-1", 100}, In{"mid", 50}, In{"high-2", 100}, In{"low-2", 0}}) {
    q.add(PodBuilder(in.name).priority(in.priority).view());
    clock.now += milliseconds(1);
  }
  EXPECT_EQ(drain(q), (std::vector<std::string>{"high-1", "high-2", "mid", "low-1", "low-2"}));
}

TEST(SchedulingQueue, BackoffDoublesFromOneToTenSeconds) {
  FakeClock clock;
  SchedulingQueue q(clock.fn());
  std::vector<int64_t> got;
  for (int attempts = 1; attempts <= 6; attempts++) got.push_back(q.backoff_duration(attempts).count());
  EXPECT_EQ(got, (std::vector<int64_t>{1000, 2000, 4000, 8000, 10000, 10000}));
}

TEST(SchedulingQueue, UnschedulableWaitsForAnEventThenBacksOff) {
  FakeClock clock;
  SchedulingQueue q(clock.fn());
  q.add(PodBuilder("p").view());
  auto p = q.pop();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->attempts, 1);
  q.add_unschedulable(*p);
  EXPECT_EQ(q.unschedulable_size(), 1u);
  clock.now += seconds(30);
  q.flush();
  EXPECT_FALSE(q.pop()) << "no event, not yet 5 minutes";
  q.move_all_to_active_or_backoff();  // backoff (1 s) long over
  p = q.pop();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->attempts, 2);
  q.add_unschedulable(*p);
  clock.now += milliseconds(500);
  q.move_all_to_active_or_backoff();  // still inside the 2 s backoff
  EXPECT_EQ(q.backoff_size(), 1u);
  EXPECT_FALSE(q.pop());
  clock.now += milliseconds(1499);
  q.flush();
  EXPECT_FALSE(q.pop());
  clock.now += milliseconds(1);
  q.flush();
  ASSERT_TRUE(q.pop());
}

TEST(SchedulingQueue, EventDuringTheAttemptSendsThePodToBackoff) {
  FakeClock clock;
  SchedulingQueue q(clock.fn());
  q.add(PodBuilder("p").view());
  auto p = q.pop();
  q.move_all_to_active_or_backoff();  // e.g. a node was added while p was being scheduled
  q.add_unschedulable(*p);
  EXPECT_EQ(q.unschedulable_size(), 0u);
  EXPECT_EQ(q.backoff_size(), 1u);
  clock.now += seconds(1);
  q.flush();
  EXPECT_TRUE(q.pop());
}

TEST(SchedulingQueue, UpdateDuringTheAttemptIsKeptForTheRetry) {
  FakeClock clock;
  SchedulingQueue q(clock.fn());
  q.add(PodBuilder("p").view());
  auto p = q.pop();
  q.update(PodBuilder("p").label("v", "2").view());
  q.add_unschedulable(*p);
  EXPECT_EQ(q.backoff_size(), 1u);
  clock.now += seconds(1);
  q.flush();
  auto again = q.pop();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 2);
  ASSERT_EQ(again->pod.labels.size(), 1u);
  EXPECT_EQ(again->pod.labels[0].second, "2");
}

TEST(SchedulingQueue, LongUnschedulablePodsAreRetried) {
  FakeClock clock;
  SchedulingQueue q(clock.fn());
  q.add(PodBuilder("p").view());
  q.add_unschedulable(*q.pop());
  clock.now += seconds(300);
  q.flush();
  EXPECT_FALSE(q.pop());
  clock.now += milliseconds(1);
  q.flush();
  EXPECT_TRUE(q.pop());
}

TEST(SchedulingQueue, UpdateAndRemove) {
  FakeClock clock;
  SchedulingQueue q(clock.fn());
  q.add(PodBuilder("a").view());
  q.add(PodBuilder("b").view());
  q.update(PodBuilder("b").priority(10).view());
  q.remove("default/a");
  EXPECT_FALSE(q.contains("default/a"));
  EXPECT_EQ(drain(q), std::vector<std::string>{"b"});
  // A pod deleted while in flight is not re-queued.
  q.add(PodBuilder("c").view());
  auto c = q.pop();
  q.remove("default/c");
  q.add_unschedulable(*c);
  EXPECT_EQ(q.unschedulable_size(), 0u);
  // An update to an unschedulable pod retries it (after backoff).
  q.add(PodBuilder("d").view());
  q.add_unschedulable(*q.pop());
  clock.now += seconds(2);
  q.update(PodBuilder("d").label("fixed", "yes").view());
  auto d = q.pop();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->pod.labels.size(), 1u);
}

}  // namespace
}  // namespace skiff::scheduler
