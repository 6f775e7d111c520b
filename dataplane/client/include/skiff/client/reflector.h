// The reflector keeps a sink in step with the server: LIST (paged), then
// WATCH from the list's resourceVersion; re-watch from the last seen version
// when a stream ends or breaks; full relist when the version has expired
// (410 Gone / Expired). Errors back off exponentially (800 ms .. 30 s).
#pragma once
#include <atomic>
#include <chrono>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "skiff/client/lister_watcher.h"

namespace skiff::client {

class ReflectorSink {
 public:
  virtual ~ReflectorSink() = default;
  // A complete listing: what the server holds at resource_version.
  virtual void replace(std::vector<nlohmann::json>&& items, const std::string& resource_version) = 0;
  // One ADDED, MODIFIED or DELETED event (bookmarks and errors are handled by the reflector).
  virtual void apply(WatchEvent&& event) = 0;
};

struct ReflectorOptions {
  int64_t page_size = 500;
  std::chrono::milliseconds initial_backoff{800};
  std::chrono::milliseconds max_backoff{30000};
  // Asked of the server per watch; streams end after it and are re-opened,
  // so a stream that silently stalls is replaced. 0: a random 300..600 s per
  // watch, as kube's reflector; negative: none.
  int watch_timeout_seconds = 0;
  std::string name;  // for logs, e.g. "configmaps"
};

class Reflector {
 public:
  Reflector(ListerWatcher& lister_watcher, ReflectorSink& sink, ReflectorOptions options = {});
  // Runs until `stop` is requested.
  void run(std::stop_token stop);

  std::string last_resource_version() const;
  // Counters for tests and metrics.
  uint64_t lists() const { return lists_.load(); }
  uint64_t watches() const { return watches_.load(); }

 private:
  enum class Next { Watch, QuietWatch, Relist, Backoff };
  Result<void> list_all(std::stop_token stop);
  Next watch_once(std::stop_token stop);
  void set_resource_version(const std::string& rv);
  bool sleep(std::chrono::milliseconds d, std::stop_token stop);

  ListerWatcher& lw_;
  ReflectorSink& sink_;
  ReflectorOptions options_;
  mutable std::mutex mu_;
  std::string resource_version_;
  std::atomic<uint64_t> lists_{0};
  std::atomic<uint64_t> watches_{0};
};

}  // namespace skiff::client
