#include "kubelet/backoff.h"

#include <gtest/gtest.h>

namespace skiff::kubelet {
namespace {

using namespace std::chrono;

TEST(Backoff, DoublesFromTenSecondsToFiveMinutes) {
  BackoffPolicy p;
  EXPECT_EQ(backoff_delay(p, 0), seconds(10));
  EXPECT_EQ(backoff_delay(p, 1), seconds(20));
  EXPECT_EQ(backoff_delay(p, 2), seconds(40));
  EXPECT_EQ(backoff_delay(p, 4), seconds(160));
  EXPECT_EQ(backoff_delay(p, 5), seconds(300));
  EXPECT_EQ(backoff_delay(p, 50), seconds(300));
}

TEST(Backoff, TracksEachKeyAndWindow) {
  Backoff b;
  auto t0 = Backoff::Clock::time_point{} + hours(1);
  EXPECT_FALSE(b.in_backoff("app", t0));
  EXPECT_EQ(b.fail("app", t0), t0 + seconds(10));
  EXPECT_TRUE(b.in_backoff("app", t0 + seconds(9)));
  EXPECT_FALSE(b.in_backoff("app", t0 + seconds(10)));
  EXPECT_FALSE(b.in_backoff("sidecar", t0 + seconds(1)));
  auto t1 = t0 + seconds(11);
  EXPECT_EQ(b.fail("app", t1), t1 + seconds(20));
  auto t2 = t1 + seconds(21);
  EXPECT_EQ(b.fail("app", t2), t2 + seconds(40));
}

TEST(Backoff, ResetsAfterRunningLongEnough) {
  Backoff b;
  auto t0 = Backoff::Clock::time_point{} + hours(1);
  b.fail("app", t0);
  b.fail("app", t0 + seconds(11));
  b.ran("app", t0 + seconds(40), t0 + seconds(100));  // ran 60 s: not enough
  EXPECT_EQ(b.fail("app", t0 + seconds(200)), t0 + seconds(200) + seconds(40));
  b.ran("app", t0 + seconds(300), t0 + seconds(300) + minutes(10));
  EXPECT_EQ(b.fail("app", t0 + hours(1)), t0 + hours(1) + seconds(10));
}

}  // namespace
}  // namespace skiff::kubelet
