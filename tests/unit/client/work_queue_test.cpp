#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "skiff/client/rate_limiter.h"
#include "skiff/client/work_queue.h"

namespace skiff::client {
namespace {

using namespace std::chrono;

TEST(RateLimiterTest, ItemExponentialDoublesToTheCap) {
  ItemExponentialRateLimiter limiter(milliseconds(5), seconds(1000));
  EXPECT_EQ(limiter.when("a"), milliseconds(5));
  EXPECT_EQ(limiter.when("a"), milliseconds(10));
  EXPECT_EQ(limiter.when("a"), milliseconds(20));
  EXPECT_EQ(limiter.when("b"), milliseconds(5));  // per item
  EXPECT_EQ(limiter.num_requeues("a"), 3);
  for (int i = 0; i < 100; ++i) limiter.when("a");
  EXPECT_EQ(limiter.when("a"), seconds(1000));
  limiter.forget("a");
  EXPECT_EQ(limiter.num_requeues("a"), 0);
  EXPECT_EQ(limiter.when("a"), milliseconds(5));
}

TEST(RateLimiterTest, DefaultControllerLimiterIsTheMaxOfBothLimits) {
  FakeClock clock;
  auto limiter = default_controller_rate_limiter(clock);
  // The first 100 distinct items fit in the bucket's burst: only the 5 ms backoff.
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter->when("item" + std::to_string(i)), milliseconds(5));
  // The 101st waits for a token at 10 qps.
  EXPECT_EQ(limiter->when("item100"), milliseconds(100));
  EXPECT_EQ(limiter->when("item101"), milliseconds(200));
  clock.advance(seconds(100));  // bucket full again
  // Item0's third failure: 5 ms * 2^1 = 10 ms beats the now free bucket.
  EXPECT_EQ(limiter->when("item0"), milliseconds(10));
  EXPECT_EQ(limiter->num_requeues("item0"), 2);
  limiter->forget("item0");
  EXPECT_EQ(limiter->num_requeues("item0"), 0);
}

std::unique_ptr<RateLimiter> no_delay() {
  return std::make_unique<ItemExponentialRateLimiter>(nanoseconds(0), nanoseconds(0));
}

TEST(WorkQueueTest, DeduplicatesWaitingItems) {
  WorkQueue q(no_delay());
  q.add("a");
  q.add("b");
  q.add("a");
  EXPECT_EQ(q.len(), 2u);
  EXPECT_EQ(q.try_get(), "a");
  EXPECT_EQ(q.try_get(), "b");
  EXPECT_EQ(q.try_get(), std::nullopt);
}

TEST(WorkQueueTest, ItemAddedWhileProcessingComesBackAfterDone) {
  WorkQueue q(no_delay());
  q.add("a");
  auto item = q.try_get();
  ASSERT_EQ(item, "a");
  q.add("a");  // changed again while a worker holds it
  q.add("a");
  EXPECT_EQ(q.len(), 0u);  // never handed to a second worker at the same time
  q.done("a");
  EXPECT_EQ(q.len(), 1u);
  EXPECT_EQ(q.try_get(), "a");
  q.done("a");
  EXPECT_EQ(q.len(), 0u);
}

TEST(WorkQueueTest, DelayedAddsWaitForTheClock) {
  FakeClock clock;
  WorkQueue q(no_delay(), clock);
  q.add_after("later", seconds(10));
  q.add_after("sooner", seconds(5));
  q.add_after("now", seconds(0));
  EXPECT_EQ(q.try_get(), "now");
  EXPECT_EQ(q.try_get(), std::nullopt);
  EXPECT_EQ(q.waiting(), 2u);
  clock.advance(seconds(5));
  EXPECT_EQ(q.try_get(), "sooner");
  EXPECT_EQ(q.try_get(), std::nullopt);
  clock.advance(seconds(5));
  EXPECT_EQ(q.try_get(), "later");
  EXPECT_EQ(q.waiting(), 0u);
}

TEST(WorkQueueTest, RateLimitedAddsBackOffPerItem) {
  FakeClock clock;
  WorkQueue q(std::make_unique<ItemExponentialRateLimiter>(milliseconds(5), seconds(1000)), clock);
  q.add_rate_limited("a");  // 5 ms
  q.add_rate_limited("a");  // 10 ms: a second delayed copy, deduplicated when both are due
  EXPECT_EQ(q.num_requeues("a"), 2);
  clock.advance(milliseconds(5));
  EXPECT_EQ(q.try_get(), "a");
  clock.advance(milliseconds(5));
  EXPECT_EQ(q.try_get(), std::nullopt);  // re-added while processing: waits for done()
  q.done("a");
  EXPECT_EQ(q.try_get(), "a");
  q.forget("a");
  EXPECT_EQ(q.num_requeues("a"), 0);
}

TEST(WorkQueueTest, ShutdownWakesBlockedGetters) {
  WorkQueue q(no_delay());
  std::optional<std::string> got = "unset";
  std::thread getter([&] { got = q.get(); });
  q.shutdown();
  getter.join();
  EXPECT_EQ(got, std::nullopt);
  EXPECT_TRUE(q.shutting_down());
  q.add("ignored");
  EXPECT_EQ(q.len(), 0u);
}

TEST(WorkQueueTest, BlockingGetWakesForDelayedItems) {
  WorkQueue q(no_delay());  // real clock
  q.add_after("x", milliseconds(20));
  EXPECT_EQ(q.get(), "x");
}

TEST(WorkQueueTest, RunWorkersRetriesFailuresAndForgetsSuccesses) {
  WorkQueue q(std::make_unique<ItemExponentialRateLimiter>(milliseconds(1), milliseconds(4)));
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, int> attempts;
  bool finished = false;
  std::thread runner([&] {
    run_workers(q, 2, [&](const std::string& item) {
      std::lock_guard lock(mu);
      int n = ++attempts[item];
      cv.notify_all();
      return item != "flaky" || n >= 3;  // "flaky" fails twice
    });
    std::lock_guard lock(mu);
    finished = true;
  });
  q.add("flaky");
  q.add("steady");
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return attempts["flaky"] >= 3 && attempts["steady"] >= 1; });
  }
  q.shutdown();
  runner.join();
  EXPECT_TRUE(finished);
  EXPECT_EQ(attempts["flaky"], 3);
  EXPECT_EQ(attempts["steady"], 1);
  // Successes forgot the failures.
  EXPECT_EQ(q.num_requeues("flaky"), 0);
  EXPECT_EQ(q.num_requeues("steady"), 0);
}

}  // namespace
}  // namespace skiff::client
