// Undo actions of a multi-step operation: run newest first unless the
// operation committed, so a failed ADD leaves no veth and no lease behind.
#pragma once
#include <functional>
#include <utility>
#include <vector>

namespace skiff::cni {

class UndoStack {
 public:
  UndoStack() = default;
  UndoStack(const UndoStack&) = delete;
  UndoStack& operator=(const UndoStack&) = delete;
  ~UndoStack() {
    if (committed_) return;
    for (auto it = actions_.rbegin(); it != actions_.rend(); ++it) (*it)();
  }
  void push(std::function<void()> undo) { actions_.push_back(std::move(undo)); }
  void commit() { committed_ = true; }

 private:
  std::vector<std::function<void()>> actions_;
  bool committed_ = false;
};

}  // namespace skiff::cni
