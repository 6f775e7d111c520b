// Hands out small integer ids in [1, limit) cyclically, so a released id is
// reused as late as possible (flows in conntrack may still name it).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

namespace skiff::lb {

class IdAllocator {
 public:
  explicit IdAllocator(uint32_t limit) : used_(limit, false) { used_[0] = true; }

  std::optional<uint32_t> allocate() {
    const uint32_t n = static_cast<uint32_t>(used_.size());
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t id = next_;
      next_ = next_ + 1 == n ? 1 : next_ + 1;
      if (!used_[id]) {
        used_[id] = true;
        ++count_;
        return id;
      }
    }
    return std::nullopt;
  }
  void mark_used(uint32_t id) {
    if (id < used_.size() && !used_[id]) {
      used_[id] = true;
      ++count_;
      if (id >= next_) next_ = id + 1 == used_.size() ? 1 : id + 1;
    }
  }
  void release(uint32_t id) {
    if (id < used_.size() && used_[id]) {
      used_[id] = false;
      --count_;
    }
  }
  uint32_t count() const { return count_; }

 private:
  std::vector<bool> used_;
  uint32_t next_ = 1;
  uint32_t count_ = 0;
};

}  // namespace skiff::lb
