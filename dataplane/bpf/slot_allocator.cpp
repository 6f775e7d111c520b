#include "slot_allocator.h"

#include <algorithm>

#include "skiff/lb/maglev.h"

namespace skiff::lb {
namespace {
// The ladder sizes, largest first; free spans are cut into these.
constexpr uint32_t kSizes[] = {131071, 65521, 32749, 16381, 8191, 4093, 2039, 1021, 509, 251};
}  // namespace

std::optional<uint32_t> SlotAllocator::allocate(uint32_t size, Clock::time_point now) {
  collect(now);
  if (auto it = free_.find(size); it != free_.end() && !it->second.empty()) {
    uint32_t off = it->second.back();
    it->second.pop_back();
    in_use_ += size;
    return off;
  }
  if (capacity_ - bump_ >= size) {
    uint32_t off = bump_;
    bump_ += size;
    in_use_ += size;
    return off;
  }
  // Cut the range out of the smallest larger free range.
  for (auto it = free_.upper_bound(size); it != free_.end(); ++it) {
    if (it->second.empty()) continue;
    uint32_t off = it->second.back();
    uint32_t big = it->first;
    it->second.pop_back();
    free_span(off + size, big - size);
    in_use_ += size;
    return off;
  }
  return std::nullopt;
}

void SlotAllocator::release(uint32_t offset, uint32_t size, Clock::time_point now) {
  in_use_ -= size;
  quarantine_.push_back({now + kGrace, offset, size});
}

void SlotAllocator::collect(Clock::time_point now) {
  while (!quarantine_.empty() && quarantine_.front().until <= now) {
    free_[quarantine_.front().size].push_back(quarantine_.front().offset);
    quarantine_.pop_front();
  }
}

void SlotAllocator::free_span(uint32_t offset, uint32_t length) {
  for (uint32_t size : kSizes) {
    while (length >= size) {
      free_[size].push_back(offset);
      offset += size;
      length -= size;
    }
  }
}

void SlotAllocator::adopt(std::vector<std::pair<uint32_t, uint32_t>> used) {
  std::sort(used.begin(), used.end());
  uint32_t cursor = 0;
  for (auto [off, size] : used) {
    if (off > cursor) free_span(cursor, off - cursor);
    cursor = std::max(cursor, off + size);
    in_use_ += size;
  }
  bump_ = cursor;
}

}  // namespace skiff::lb
