// Hands out ranges of the flat Maglev slot array. Sizes come from the Maglev
// ladder, so free ranges are kept per size. A freed range is quarantined for
// a grace period before reuse: a packet that read the old service entry may
// still be indexing into it.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace skiff::lb {

class SlotAllocator {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kGrace{1000};

  explicit SlotAllocator(uint32_t capacity) : capacity_(capacity) {}

  // nullopt when no range of this size is left: the caller reports a full map.
  std::optional<uint32_t> allocate(uint32_t size, Clock::time_point now = Clock::now());
  void release(uint32_t offset, uint32_t size, Clock::time_point now = Clock::now());

  // Restart: ranges in use by adopted services. Call once, before allocate();
  // the gaps between them become free at once (no packet can index into them).
  void adopt(std::vector<std::pair<uint32_t, uint32_t>> used_ranges);

  uint32_t capacity() const { return capacity_; }
  uint64_t in_use() const { return in_use_; }

 private:
  struct Quarantined {
    Clock::time_point until;
    uint32_t offset, size;
  };
  void free_span(uint32_t offset, uint32_t length);
  void collect(Clock::time_point now);

  uint32_t capacity_;
  uint32_t bump_ = 0;
  uint64_t in_use_ = 0;
  std::map<uint32_t, std::vector<uint32_t>> free_;  // size -> offsets
  std::deque<Quarantined> quarantine_;
};

}  // namespace skiff::lb
