// Leader election through a coordination.k8s.io/v1 Lease, with client-go's
// rules: a candidate takes the lease when it is free or its holder has not
// renewed it for leaseDurationSeconds as observed on the candidate's own
// clock; the leader renews every retry period and gives up when it could not
// renew within the renew deadline. Defaults are kube's: 15 s, 10 s, 2 s.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "skiff/client/client.h"
#include "skiff/client/clock.h"

namespace skiff::client {

struct LeaderElectionRecord {
  std::string holder_identity;
  int lease_duration_seconds = 0;
  std::optional<std::chrono::system_clock::time_point> acquire_time;
  std::optional<std::chrono::system_clock::time_point> renew_time;
  int lease_transitions = 0;
  bool operator==(const LeaderElectionRecord&) const = default;
};

// Lease.spec <-> record. Times are MicroTime: RFC 3339 with microseconds, UTC.
nlohmann::json lease_spec(const LeaderElectionRecord& record);
LeaderElectionRecord record_from_lease(const nlohmann::json& lease);
std::string format_micro_time(std::chrono::system_clock::time_point t);
std::optional<std::chrono::system_clock::time_point> parse_micro_time(const std::string& text);

// Where the record lives. get() answers NotFound when there is no lease yet;
// update() is conditional on the version get() saw (409 Conflict otherwise).
class LeaseLock {
 public:
  virtual ~LeaseLock() = default;
  virtual ApiResult<LeaderElectionRecord> get() = 0;
  virtual ApiResult<void> create(const LeaderElectionRecord& record) = 0;
  virtual ApiResult<void> update(const LeaderElectionRecord& record) = 0;
  virtual std::string describe() const = 0;  // "namespace/name"
};

// A Lease object through the REST client.
class ApiLeaseLock final : public LeaseLock {
 public:
  ApiLeaseLock(Client& client, std::string namespace_, std::string name);
  ApiResult<LeaderElectionRecord> get() override;
  ApiResult<void> create(const LeaderElectionRecord& record) override;
  ApiResult<void> update(const LeaderElectionRecord& record) override;
  std::string describe() const override { return namespace_ + "/" + name_; }

 private:
  Client& client_;
  std::string namespace_;
  std::string name_;
  std::mutex mu_;
  nlohmann::json last_;  // the Lease as last read or written (carries resourceVersion)
};

struct LeaderElectionConfig {
  std::string identity;
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  // On stop, a leader frees the lease (holder "" and 1 s duration) so the
  // next candidate need not wait for it to expire.
  bool release_on_cancel = true;
  // Runs on its own thread while this process leads; its stop token fires
  // when leadership is lost or the elector stops.
  std::function<void(std::stop_token)> on_started_leading;
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string& identity)> on_new_leader;
};

class LeaderElector {
 public:
  // Fails when the durations are inconsistent (as client-go checks them).
  static Result<std::unique_ptr<LeaderElector>> create(LeaseLock& lock, LeaderElectionConfig config,
                                                       const Clock& clock = RealClock::instance());
  // Campaign, lead, renew; returns when `stop` fires (after releasing) or,
  // if leadership was lost, right after on_stopped_leading.
  void run(std::stop_token stop);

  // One step of the state machine: take or renew the lease. True when this
  // process holds the lease afterwards.
  bool try_acquire_or_renew();
  // Gives the lease up if held. True when released (or not held).
  bool release();

  bool is_leader() const;
  std::string leader() const;  // the holder as last observed

 private:
  LeaderElector(LeaseLock& lock, LeaderElectionConfig config, const Clock& clock);
  bool sleep(std::chrono::milliseconds d, std::stop_token stop);
  void observe(const LeaderElectionRecord& record);

  LeaseLock& lock_;
  LeaderElectionConfig config_;
  const Clock& clock_;
  mutable std::mutex mu_;
  LeaderElectionRecord observed_;
  std::chrono::steady_clock::time_point observed_time_{};
  bool have_observed_ = false;
  std::string reported_leader_;
};

}  // namespace skiff::client
