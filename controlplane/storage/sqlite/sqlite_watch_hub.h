// Fans committed events of a SQLite store out to its watchers on one
// dispatcher thread. A new watcher first catches up from the log table
// (history older than the live stream), then joins the live stream; both
// happen on the dispatcher thread in queue order, so nothing is lost or
// delivered twice between the two.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "storage/sqlite/sqlite_connection.h"
#include "storage/watch.h"

namespace skiff::storage::sqlite {

class SqliteWatchHub {
 public:
  SqliteWatchHub(std::unique_ptr<SqliteConnection> history_reader, Revision committed_revision);
  ~SqliteWatchHub();
  SqliteWatchHub(const SqliteWatchHub&) = delete;
  SqliteWatchHub& operator=(const SqliteWatchHub&) = delete;

  // Called by the writer after each commit, in commit order.
  void publish(std::vector<Event> events, Revision committed_revision);

  // `from_revision` >= 1: the first revision to deliver.
  WatchHandle add(std::string prefix, Revision from_revision, WatchCallback callback);

 private:
  struct Watcher {
    std::string prefix;
    Revision next_revision;
    WatchCallback callback;
    std::shared_ptr<CallbackGate> gate = std::make_shared<CallbackGate>();
  };
  struct Publication {
    std::vector<Event> events;
    Revision revision;
  };
  using Task = std::variant<Publication, std::shared_ptr<Watcher>>;

  void run();
  void dispatch(const Publication& publication);
  void catch_up(const std::shared_ptr<Watcher>& watcher);

  std::unique_ptr<SqliteConnection> history_reader_;
  Revision dispatched_;  // dispatcher thread only: newest revision handed to live watchers
  std::vector<std::shared_ptr<Watcher>> live_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace skiff::storage::sqlite
