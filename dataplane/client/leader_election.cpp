#include "skiff/client/leader_election.h"

#include <condition_variable>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

namespace skiff::client {

using namespace std::chrono;

LeaderElector::LeaderElector(LeaseLock& lock, LeaderElectionConfig config, const Clock& clock)
    : lock_(lock), config_(std::move(config)), clock_(clock) {}

Result<std::unique_ptr<LeaderElector>> LeaderElector::create(LeaseLock& lock, LeaderElectionConfig config,
                                                             const Clock& clock) {
  if (config.identity.empty()) return fail("leader election: identity must not be empty");
  if (config.retry_period <= milliseconds(0)) return fail("leader election: retry period must be positive");
  if (config.lease_duration <= config.renew_deadline) {
    return fail("leader election: lease duration must be greater than the renew deadline");
  }
  // client-go's JitterFactor (1.2): renewing must fit retries into the deadline.
  if (config.renew_deadline.count() <= 1.2 * config.retry_period.count()) {
    return fail("leader election: renew deadline must be greater than 1.2 x the retry period");
  }
  return std::unique_ptr<LeaderElector>(new LeaderElector(lock, std::move(config), clock));
}

void LeaderElector::observe(const LeaderElectionRecord& record) {
  observed_ = record;
  observed_time_ = clock_.now();
  have_observed_ = true;
}

bool LeaderElector::is_leader() const {
  std::lock_guard lock(mu_);
  return have_observed_ && observed_.holder_identity == config_.identity;
}

std::string LeaderElector::leader() const {
  std::lock_guard lock(mu_);
  return observed_.holder_identity;
}

bool LeaderElector::try_acquire_or_renew() {
  const auto wall = clock_.wall_now();
  LeaderElectionRecord desired;
  desired.holder_identity = config_.identity;
  desired.lease_duration_seconds =
      static_cast<int>(std::max<int64_t>(1, duration_cast<seconds>(config_.lease_duration + milliseconds(999)).count()));
  desired.acquire_time = wall;
  desired.renew_time = wall;

  auto current = lock_.get();
  std::string new_leader;
  bool acquired = false;
  {
    if (!current) {
      if (!current.error().is_not_found()) {
        spdlog::warn("leader election: cannot read lease {}: {}", lock_.describe(), current.error().str());
        return false;
      }
      if (auto r = lock_.create(desired); !r) {
        spdlog::info("leader election: cannot create lease {}: {}", lock_.describe(), r.error().str());
        return false;
      }
      std::lock_guard lock(mu_);
      observe(desired);
      acquired = true;
    } else {
      std::lock_guard lock(mu_);
      const LeaderElectionRecord& old = *current;
      if (!have_observed_ || !(old == observed_)) observe(old);
      const bool held_by_other = !old.holder_identity.empty() && old.holder_identity != config_.identity;
      // Validity is judged on our own clock from when we last saw the record change.
      const bool valid = observed_time_ + seconds(old.lease_duration_seconds) > clock_.now();
      if (held_by_other && valid) {
        if (reported_leader_ != old.holder_identity) {
          reported_leader_ = old.holder_identity;
          new_leader = old.holder_identity;
        }
      } else {
        if (old.holder_identity == config_.identity) {
          desired.acquire_time = old.acquire_time;
          desired.lease_transitions = old.lease_transitions;
        } else {
          desired.lease_transitions = old.lease_transitions + 1;
        }
        acquired = true;  // tentatively; confirmed by the update below
      }
    }
  }
  if (current && acquired) {
    if (auto r = lock_.update(desired); !r) {
      spdlog::info("leader election: cannot update lease {}: {}", lock_.describe(), r.error().str());
      acquired = false;
    } else {
      std::lock_guard lock(mu_);
      observe(desired);
    }
  }
  if (acquired) {
    std::lock_guard lock(mu_);
    if (reported_leader_ != config_.identity) {
      reported_leader_ = config_.identity;
      new_leader = config_.identity;
    }
  }
  if (!new_leader.empty() && config_.on_new_leader) config_.on_new_leader(new_leader);
  return acquired;
}

bool LeaderElector::release() {
  if (!is_leader()) return true;
  auto current = lock_.get();
  if (!current) return false;
  if (current->holder_identity != config_.identity) return true;
  LeaderElectionRecord released;
  released.lease_duration_seconds = 1;
  released.acquire_time = clock_.wall_now();
  released.renew_time = released.acquire_time;
  released.lease_transitions = current->lease_transitions;
  if (auto r = lock_.update(released); !r) {
    spdlog::warn("leader election: cannot release lease {}: {}", lock_.describe(), r.error().str());
    return false;
  }
  std::lock_guard lock(mu_);
  observe(released);
  return true;
}

bool LeaderElector::sleep(milliseconds d, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

void LeaderElector::run(std::stop_token stop) {
  std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.0, 1.2);
  // Campaign: retry period plus jitter between attempts, as client-go.
  while (!try_acquire_or_renew()) {
    auto wait = duration_cast<milliseconds>(config_.retry_period * (1.0 + jitter(rng)));
    if (!sleep(wait, stop)) return;
  }
  if (stop.stop_requested()) {
    release();
    return;
  }
  spdlog::info("leader election: {} leads {}", config_.identity, lock_.describe());
  std::stop_source leading;
  std::jthread leader_thread;
  if (config_.on_started_leading) {
    leader_thread = std::jthread([this, token = leading.get_token()] { config_.on_started_leading(token); });
  }
  bool lost = false;
  while (!stop.stop_requested()) {
    const auto deadline = clock_.now() + config_.renew_deadline;
    bool renewed = false;
    while (!stop.stop_requested()) {
      if (try_acquire_or_renew()) {
        renewed = true;
        break;
      }
      if (clock_.now() + config_.retry_period > deadline) break;
      if (!sleep(config_.retry_period, stop)) break;
    }
    if (stop.stop_requested()) break;
    if (!renewed) {
      lost = true;
      spdlog::warn("leader election: {} could not renew {} within the deadline; no longer leading",
                   config_.identity, lock_.describe());
      break;
    }
    if (!sleep(config_.retry_period, stop)) break;
  }
  leading.request_stop();
  if (leader_thread.joinable()) leader_thread.join();
  if (!lost && config_.release_on_cancel) release();
  {
    std::lock_guard lock(mu_);
    if (lost) have_observed_ = false;  // re-read the lease before claiming anything
  }
  if (config_.on_stopped_leading) config_.on_stopped_leading();
}

}  // namespace skiff::client
