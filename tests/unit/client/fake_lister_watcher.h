// A scripted ListerWatcher: list pages and watch sessions are queued by the
// test; once the script is used up, watch() blocks until stopped, and the
// test can await that point (idle()).
#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>

#include "skiff/client/lister_watcher.h"

namespace skiff::client::testing {

inline nlohmann::json object(const std::string& ns, const std::string& name, const std::string& rv) {
  nlohmann::json o = {{"kind", "ConfigMap"},
                      {"metadata", {{"name", name}, {"resourceVersion", rv}, {"labels", {{"app", name}}}}}};
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  return o;
}

inline WatchEvent event(WatchEventType type, nlohmann::json object) { return WatchEvent{type, std::move(object)}; }

struct WatchSession {
  std::vector<WatchEvent> events;
  ApiResult<void> end;  // how the stream ends after the events
};

class FakeListerWatcher final : public ListerWatcher {
 public:
  void add_list(ApiResult<ObjectList> page) {
    std::lock_guard lock(mu_);
    lists_.push_back(std::move(page));
  }
  void add_watch(WatchSession session) {
    std::lock_guard lock(mu_);
    watches_.push_back(std::move(session));
    cv_.notify_all();
  }

  ApiResult<ObjectList> list(const ListOptions& options) override {
    std::lock_guard lock(mu_);
    list_calls.push_back(options);
    if (lists_.empty()) return api_fail(500, "InternalError", "no list scripted");
    auto page = std::move(lists_.front());
    lists_.pop_front();
    return page;
  }

  ApiResult<void> watch(const WatchOptions& options, const std::function<void(WatchEvent&&)>& on_event,
                        std::stop_token stop) override {
    WatchSession session;
    {
      std::unique_lock lock(mu_);
      watch_calls.push_back(options);
      if (watches_.empty()) {
        idle_ = true;
        cv_.notify_all();
        cv_.wait(lock, stop, [&] { return !watches_.empty(); });
        idle_ = false;
        if (watches_.empty()) return {};  // stopped
      }
      session = std::move(watches_.front());
      watches_.pop_front();
    }
    for (auto& ev : session.events) {
      if (stop.stop_requested()) return {};
      on_event(std::move(ev));
    }
    return session.end;
  }

  // Waits until the script is used up and a watch is blocked.
  void wait_idle() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return idle_ && watches_.empty(); });
  }

  std::vector<ListOptions> list_calls;
  std::vector<WatchOptions> watch_calls;

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<ApiResult<ObjectList>> lists_;
  std::deque<WatchSession> watches_;
  bool idle_ = false;
};

}  // namespace skiff::client::testing
