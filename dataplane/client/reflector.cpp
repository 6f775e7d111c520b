#include "skiff/client/reflector.h"

#include <condition_variable>
#include <random>

#include <spdlog/spdlog.h>

namespace skiff::client {

Reflector::Reflector(ListerWatcher& lister_watcher, ReflectorSink& sink, ReflectorOptions options)
    : lw_(lister_watcher), sink_(sink), options_(std::move(options)) {}

std::string Reflector::last_resource_version() const {
  std::lock_guard lock(mu_);
  return resource_version_;
}

void Reflector::set_resource_version(const std::string& rv) {
  std::lock_guard lock(mu_);
  resource_version_ = rv;
}

bool Reflector::sleep(std::chrono::milliseconds d, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  return !cv.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
}

Result<void> Reflector::list_all(std::stop_token stop) {
  ++lists_;
  std::vector<nlohmann::json> items;
  ListOptions options;
  options.limit = options_.page_size;
  std::string resource_version;
  for (;;) {
    if (stop.stop_requested()) return fail("stopped");
    auto page = lw_.list(options);
    if (!page) {
      // A continue token can expire between pages: start over in one piece.
      if (page.error().is_expired() && !options.continue_token.empty()) {
        spdlog::info("reflector {}: list continuation expired; listing again", options_.name);
        items.clear();
        options.continue_token.clear();
        continue;
      }
      return fail("list " + options_.name + ": " + page.error().str());
    }
    if (items.empty()) items.reserve(page->items.size());
    for (auto& item : page->items) items.push_back(std::move(item));
    resource_version = page->resource_version;
    if (page->continue_token.empty()) break;
    options.continue_token = page->continue_token;
  }
  sink_.replace(std::move(items), resource_version);
  set_resource_version(resource_version);
  return {};
}

Reflector::Next Reflector::watch_once(std::stop_token outer) {
  ++watches_;
  // Stops this stream when the caller stops or when an event says the stream
  // cannot go on (an ERROR event).
  std::stop_source stream_stop;
  std::stop_callback forward(outer, [&stream_stop] { stream_stop.request_stop(); });
  Next after_error = Next::Watch;
  bool error_event = false;
  uint64_t events = 0;
  WatchOptions options;
  options.resource_version = last_resource_version();
  options.allow_bookmarks = true;
  options.timeout_seconds = options_.watch_timeout_seconds;
  if (options.timeout_seconds == 0) {
    thread_local std::minstd_rand rng(std::random_device{}());
    options.timeout_seconds = 300 + static_cast<int>(rng() % 300);
  } else if (options.timeout_seconds < 0) {
    options.timeout_seconds = 0;
  }
  auto result = lw_.watch(
      options,
      [&](WatchEvent&& ev) {
        if (error_event) return;
        ++events;
        switch (ev.type) {
          case WatchEventType::Error: {
            ApiStatus st = ev.status();
            error_event = true;
            after_error = Next::Relist;  // expired or not, the stream's state is unknown
            spdlog::info("reflector {}: watch error event: {}", options_.name, st.str());
            stream_stop.request_stop();
            return;
          }
          case WatchEventType::Bookmark:
            if (auto rv = ev.resource_version(); !rv.empty()) set_resource_version(rv);
            return;
          default: {
            std::string rv = ev.resource_version();
            sink_.apply(std::move(ev));
            if (!rv.empty()) set_resource_version(rv);
            return;
          }
        }
      },
      stream_stop.get_token());
  if (error_event) return after_error;
  // The stream ended normally (its timeout): watch on. A stream that ended
  // without a single event pauses briefly first, so a server that closes at
  // once is not hammered.
  if (result) return events ? Next::Watch : Next::QuietWatch;
  const ApiStatus& err = result.error();
  if (err.is_expired()) {
    spdlog::info("reflector {}: resource version {} expired; relisting", options_.name, options.resource_version);
    return Next::Relist;
  }
  spdlog::warn("reflector {}: watch failed: {}", options_.name, err.str());
  // Connection trouble or a busy server: the version is still good, watch again
  // after a pause. Anything else (a malformed stream, a refusal): relist.
  return err.is_retryable() ? Next::Backoff : Next::Relist;
}

void Reflector::run(std::stop_token stop) {
  auto backoff = options_.initial_backoff;
  bool need_list = true;
  bool relist_after_backoff = false;
  while (!stop.stop_requested()) {
    if (need_list) {
      if (auto r = list_all(stop); !r) {
        if (stop.stop_requested()) return;
        spdlog::warn("reflector {}: {}", options_.name, r.error().str());
        if (!sleep(backoff, stop)) return;
        backoff = std::min(backoff * 2, options_.max_backoff);
        continue;
      }
      need_list = false;
      backoff = options_.initial_backoff;
    }
    Next next = watch_once(stop);
    if (stop.stop_requested()) return;
    switch (next) {
      case Next::QuietWatch:
        if (!sleep(std::chrono::milliseconds(100), stop)) return;
        [[fallthrough]];
      case Next::Watch:
        backoff = options_.initial_backoff;
        break;
      case Next::Relist:
        need_list = true;
        if (relist_after_backoff) {
          if (!sleep(backoff, stop)) return;
          backoff = std::min(backoff * 2, options_.max_backoff);
        }
        relist_after_backoff = true;
        break;
      case Next::Backoff:
        if (!sleep(backoff, stop)) return;
        backoff = std::min(backoff * 2, options_.max_backoff);
        break;
    }
    if (next != Next::Relist) relist_after_backoff = false;
  }
}

}  // namespace skiff::client
