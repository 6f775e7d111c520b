// The most recent events of a watch cache, oldest first, bounded in count.
// Every event with a revision above floor() is present.
#pragma once

#include <cstddef>
#include <algorithm>
#include <deque>

#include "storage/types.h"

namespace skiff::storage {

class EventRing {
 public:
  explicit EventRing(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Forgets everything: history starts after `floor`.
  void reset(Revision floor) {
    events_.clear();
    floor_ = floor;
  }

  void push(Event event) {
    if (events_.size() == capacity_) {
      floor_ = events_.front().revision();
      events_.pop_front();
    }
    events_.push_back(std::move(event));
  }

  Revision floor() const { return floor_; }

  // Calls `visit` for each stored event with revision >= from, oldest first.
  template <class Visit>
  void for_each_from(Revision from, Visit&& visit) const {
    // Revisions ascend, so binary search finds the first one to replay.
    auto first = std::lower_bound(events_.begin(), events_.end(), from,
                                  [](const Event& event, Revision revision) { return event.revision() < revision; });
    for (auto it = first; it != events_.end(); ++it) visit(*it);
  }

 private:
  std::size_t capacity_;
  std::deque<Event> events_;
  Revision floor_ = 0;
};

}  // namespace skiff::storage
