// Time as the client's timers see it. Rate limiters, work queues and leader
// election take a Clock so their arithmetic can be tested with a FakeClock.
#pragma once
#include <chrono>
#include <mutex>

namespace skiff::client {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time: intervals, deadlines, expiry.
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Wall time: timestamps written into objects (Lease acquireTime/renewTime).
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
};

class RealClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wall_now() const override { return std::chrono::system_clock::now(); }
  static const RealClock& instance();
};

// Starts at an arbitrary fixed point; moves only when told.
class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override;
  std::chrono::system_clock::time_point wall_now() const override;
  void advance(std::chrono::nanoseconds d);

 private:
  mutable std::mutex mu_;
  std::chrono::nanoseconds offset_{0};
};

}  // namespace skiff::client
