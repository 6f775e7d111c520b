#include <thread>

#include <gtest/gtest.h>

#include "skiff/client/leader_election.h"

namespace skiff::client {
namespace {

using namespace std::chrono;

// The Lease as the API server would hold it: a record and a version that
// every write bumps; writes based on an older read conflict.
struct FakeLease {
  std::mutex mu;
  std::optional<LeaderElectionRecord> record;
  int version = 0;
  bool fail_writes = false;
};

class FakeLeaseLock final : public LeaseLock {
 public:
  explicit FakeLeaseLock(FakeLease& lease) : lease_(lease) {}
  ApiResult<LeaderElectionRecord> get() override {
    std::optional<LeaderElectionRecord> record;
    {
      std::lock_guard lock(lease_.mu);
      if (!lease_.record) return api_fail(404, "NotFound", "leases \"lock\" not found");
      seen_version_ = lease_.version;
      record = lease_.record;
    }
    if (auto hook = std::exchange(after_get, nullptr)) hook();
    return *record;
  }
  // Runs once, right after the next read: lets a test interleave another writer.
  std::function<void()> after_get;
  ApiResult<void> create(const LeaderElectionRecord& r) override {
    std::lock_guard lock(lease_.mu);
    if (lease_.fail_writes) return connection_error("down");
    if (lease_.record) return api_fail(409, "AlreadyExists", "exists");
    lease_.record = r;
    seen_version_ = ++lease_.version;
    return {};
  }
  ApiResult<void> update(const LeaderElectionRecord& r) override {
    std::lock_guard lock(lease_.mu);
    if (lease_.fail_writes) return connection_error("down");
    if (seen_version_ != lease_.version) return api_fail(409, "Conflict", "the object has been modified");
    lease_.record = r;
    seen_version_ = ++lease_.version;
    return {};
  }
  std::string describe() const override { return "ns/lock"; }

 private:
  FakeLease& lease_;
  int seen_version_ = -1;
};

LeaderElectionConfig config(const std::string& identity) {
  LeaderElectionConfig c;
  c.identity = identity;
  return c;  // kube defaults: 15 s, 10 s, 2 s
}

TEST(LeaderElectionTest, FirstCandidateCreatesTheLease) {
  FakeClock clock;
  FakeLease lease;
  FakeLeaseLock lock(lease);
  std::vector<std::string> leaders;
  auto cfg = config("a");
  cfg.on_new_leader = [&](const std::string& id) { leaders.push_back(id); };
  auto a = LeaderElector::create(lock, cfg, clock);
  ASSERT_TRUE(a);
  EXPECT_FALSE((*a)->is_leader());
  EXPECT_TRUE((*a)->try_acquire_or_renew());
  EXPECT_TRUE((*a)->is_leader());
  ASSERT_TRUE(lease.record);
  EXPECT_EQ(lease.record->holder_identity, "a");
  EXPECT_EQ(lease.record->lease_duration_seconds, 15);
  EXPECT_EQ(lease.record->lease_transitions, 0);
  EXPECT_EQ(lease.record->acquire_time, clock.wall_now());
  EXPECT_EQ(lease.record->renew_time, clock.wall_now());
  EXPECT_EQ(leaders, std::vector<std::string>{"a"});
}

TEST(LeaderElectionTest, RenewKeepsAcquireTimeAndAdvancesRenewTime) {
  FakeClock clock;
  FakeLease lease;
  FakeLeaseLock lock(lease);
  auto a = *LeaderElector::create(lock, config("a"), clock);
  ASSERT_TRUE(a->try_acquire_or_renew());
  auto acquired = lease.record->acquire_time;
  clock.advance(seconds(2));
  ASSERT_TRUE(a->try_acquire_or_renew());
  EXPECT_EQ(lease.record->acquire_time, acquired);
  EXPECT_EQ(lease.record->renew_time, clock.wall_now());
  EXPECT_EQ(lease.record->lease_transitions, 0);
}

TEST(LeaderElectionTest, OtherCandidateWaitsForExpiryThenTakesOver) {
  FakeClock clock;
  FakeLease lease;
  FakeLeaseLock lock_a(lease), lock_b(lease);
  std::vector<std::string> b_saw;
  auto cfg_b = config("b");
  cfg_b.on_new_leader = [&](const std::string& id) { b_saw.push_back(id); };
  auto a = *LeaderElector::create(lock_a, config("a"), clock);
  auto b = *LeaderElector::create(lock_b, cfg_b, clock);
  ASSERT_TRUE(a->try_acquire_or_renew());
  EXPECT_FALSE(b->try_acquire_or_renew());
  EXPECT_EQ(b->leader(), "a");
  EXPECT_FALSE(b->is_leader());
  // a keeps renewing: b never gets it, however long it waits.
  for (int i = 0; i < 10; ++i) {
    clock.advance(seconds(2));
    ASSERT_TRUE(a->try_acquire_or_renew());
    EXPECT_FALSE(b->try_acquire_or_renew());
  }
  // a stops renewing. Validity counts from when b last saw the record change.
  clock.advance(seconds(14));
  EXPECT_FALSE(b->try_acquire_or_renew());
  clock.advance(seconds(1));
  EXPECT_TRUE(b->try_acquire_or_renew());
  EXPECT_EQ(lease.record->holder_identity, "b");
  EXPECT_EQ(lease.record->lease_transitions, 1);
  EXPECT_EQ(lease.record->acquire_time, clock.wall_now());
  EXPECT_EQ(b_saw, (std::vector<std::string>{"a", "b"}));
  // a comes back: the lease is b's and valid.
  EXPECT_FALSE(a->try_acquire_or_renew());
  EXPECT_FALSE(a->is_leader());
}

TEST(LeaderElectionTest, ReleaseLetsTheNextCandidateInAtOnce) {
  FakeClock clock;
  FakeLease lease;
  FakeLeaseLock lock_a(lease), lock_b(lease);
  auto a = *LeaderElector::create(lock_a, config("a"), clock);
  auto b = *LeaderElector::create(lock_b, config("b"), clock);
  ASSERT_TRUE(a->try_acquire_or_renew());
  EXPECT_FALSE(b->try_acquire_or_renew());
  ASSERT_TRUE(a->release());
  EXPECT_EQ(lease.record->holder_identity, "");
  EXPECT_EQ(lease.record->lease_duration_seconds, 1);
  EXPECT_FALSE(a->is_leader());
  EXPECT_TRUE(b->try_acquire_or_renew());
  EXPECT_EQ(lease.record->lease_transitions, 1);
}

TEST(LeaderElectionTest, RacingCandidatesOnlyOneWins) {
  FakeClock clock;
  FakeLease lease;
  lease.record = LeaderElectionRecord{"old", 15, clock.wall_now(), clock.wall_now(), 4};
  lease.version = 1;
  FakeLeaseLock lock_a(lease), lock_b(lease);
  auto a = *LeaderElector::create(lock_a, config("a"), clock);
  auto b = *LeaderElector::create(lock_b, config("b"), clock);
  EXPECT_FALSE(a->try_acquire_or_renew());
  EXPECT_FALSE(b->try_acquire_or_renew());
  clock.advance(seconds(16));
  // b reads the expired record; a takes the lease before b writes: b's write conflicts.
  bool a_won = false;
  lock_b.after_get = [&] { a_won = a->try_acquire_or_renew(); };
  bool b_won = b->try_acquire_or_renew();
  EXPECT_TRUE(a_won);
  EXPECT_FALSE(b_won);
  EXPECT_FALSE(b->is_leader());
  EXPECT_EQ(lease.record->holder_identity, "a");
  EXPECT_EQ(lease.record->lease_transitions, 5);
}

TEST(LeaderElectionTest, InconsistentDurationsAreRefused) {
  FakeLease lease;
  FakeLeaseLock lock(lease);
  auto c = config("a");
  c.renew_deadline = seconds(15);
  EXPECT_FALSE(LeaderElector::create(lock, c));
  c = config("a");
  c.retry_period = seconds(9);
  EXPECT_FALSE(LeaderElector::create(lock, c));
  EXPECT_FALSE(LeaderElector::create(lock, config("")));
  EXPECT_TRUE(LeaderElector::create(lock, config("a")));
}

TEST(LeaderElectionTest, RunLeadsUntilRenewalFailsThenStops) {
  FakeLease lease;
  FakeLeaseLock lock(lease);
  LeaderElectionConfig c = config("a");
  c.lease_duration = milliseconds(300);
  c.renew_deadline = milliseconds(200);
  c.retry_period = milliseconds(20);
  std::mutex mu;
  std::condition_variable cv;
  bool started = false, leader_context_stopped = false, stopped = false;
  c.on_started_leading = [&](std::stop_token token) {
    {
      std::lock_guard lock(mu);
      started = true;
      cv.notify_all();
    }
    std::mutex m;
    std::condition_variable_any wait;
    std::unique_lock l(m);
    wait.wait(l, token, [] { return false; });
    std::lock_guard lock(mu);
    leader_context_stopped = true;
  };
  c.on_stopped_leading = [&] {
    std::lock_guard lock(mu);
    stopped = true;
    cv.notify_all();
  };
  auto elector = *LeaderElector::create(lock, c);
  std::stop_source never;
  std::thread runner([&] { elector->run(never.get_token()); });
  {
    std::unique_lock l(mu);
    cv.wait(l, [&] { return started; });
  }
  EXPECT_TRUE(elector->is_leader());
  {
    std::lock_guard l(lease.mu);
    lease.fail_writes = true;  // the API server goes away
  }
  runner.join();  // run() returns after losing the lease
  std::lock_guard l(mu);
  EXPECT_TRUE(stopped);
  EXPECT_TRUE(leader_context_stopped);
  EXPECT_FALSE(elector->is_leader());
}

TEST(LeaderElectionTest, StopReleasesTheLease) {
  FakeLease lease;
  FakeLeaseLock lock(lease);
  LeaderElectionConfig c = config("a");
  c.lease_duration = milliseconds(3000);
  c.renew_deadline = milliseconds(2000);
  c.retry_period = milliseconds(20);
  std::mutex mu;
  std::condition_variable cv;
  bool started = false;
  c.on_started_leading = [&](std::stop_token) {
    std::lock_guard lock(mu);
    started = true;
    cv.notify_all();
  };
  auto elector = *LeaderElector::create(lock, c);
  std::jthread runner([&](std::stop_token stop) { elector->run(stop); });
  {
    std::unique_lock l(mu);
    cv.wait(l, [&] { return started; });
  }
  runner.request_stop();
  runner.join();
  std::lock_guard l(lease.mu);
  EXPECT_EQ(lease.record->holder_identity, "");
}

TEST(MicroTimeTest, FormatAndParse) {
  auto t = system_clock::time_point(seconds(1'700'000'000)) + microseconds(123456);
  EXPECT_EQ(format_micro_time(t), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(parse_micro_time("2023-11-14T22:13:20.123456Z"), t);
  EXPECT_EQ(parse_micro_time("2023-11-14T23:13:20.123456+01:00"), t);
  EXPECT_EQ(parse_micro_time("2023-11-14T22:13:20Z"), t - microseconds(123456));
  EXPECT_FALSE(parse_micro_time("yesterday"));
  EXPECT_FALSE(parse_micro_time("2023-11-14T22:13:20"));
}

TEST(LeaseSpecTest, RoundTrip) {
  LeaderElectionRecord r{"node-a_1234", 15, system_clock::time_point(seconds(1'700'000'000)),
                         system_clock::time_point(seconds(1'700'000'010)), 3};
  nlohmann::json lease = {{"spec", lease_spec(r)}};
  EXPECT_EQ(lease["spec"]["holderIdentity"], "node-a_1234");
  EXPECT_EQ(lease["spec"]["leaseDurationSeconds"], 15);
  EXPECT_EQ(lease["spec"]["renewTime"], "2023-11-14T22:13:30.000000Z");
  EXPECT_EQ(record_from_lease(lease), r);
}

}  // namespace
}  // namespace skiff::client
