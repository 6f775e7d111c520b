#include "skiff/client/clock.h"

namespace skiff::client {

const RealClock& RealClock::instance() {
  static const RealClock clock;
  return clock;
}

namespace {
// A fixed origin keeps fake times far from zero (time_point{} means "unset" in places).
const auto kFakeSteadyOrigin = std::chrono::steady_clock::time_point(std::chrono::hours(1000));
const auto kFakeWallOrigin = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
}  // namespace

std::chrono::steady_clock::time_point FakeClock::now() const {
  std::lock_guard lock(mu_);
  return kFakeSteadyOrigin + offset_;
}

std::chrono::system_clock::time_point FakeClock::wall_now() const {
  std::lock_guard lock(mu_);
  return kFakeWallOrigin + std::chrono::duration_cast<std::chrono::system_clock::duration>(offset_);
}

void FakeClock::advance(std::chrono::nanoseconds d) {
  std::lock_guard lock(mu_);
  offset_ += d;
}

}  // namespace skiff::client
