#include "storage/sqlite/sqlite_watch_hub.h"

#include <algorithm>

#include "storage/key_range.h"
#include "storage/sqlite/sqlite_reads.h"

namespace skiff::storage::sqlite {
namespace {

constexpr std::int64_t kCatchUpPage = 1000;

}  // namespace

SqliteWatchHub::SqliteWatchHub(std::unique_ptr<SqliteConnection> history_reader, Revision committed_revision)
    : history_reader_(std::move(history_reader)), dispatched_(committed_revision), thread_([this] { run(); }) {}

SqliteWatchHub::~SqliteWatchHub() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  for (auto& watcher : live_) {
    watcher->gate->run([&] { watcher->callback(std::unexpected(StorageError::unavailable("store closed"))); });
  }
}

void SqliteWatchHub::publish(std::vector<Event> events, Revision committed_revision) {
  {
    std::lock_guard lock(mutex_);
    tasks_.emplace_back(Publication{std::move(events), committed_revision});
  }
  wake_.notify_one();
}

WatchHandle SqliteWatchHub::add(std::string prefix, Revision from_revision, WatchCallback callback) {
  auto watcher = std::make_shared<Watcher>(Watcher{std::move(prefix), from_revision, std::move(callback)});
  auto gate = watcher->gate;
  {
    std::lock_guard lock(mutex_);
    tasks_.emplace_back(std::move(watcher));
  }
  wake_.notify_one();
  return WatchHandle([gate] { gate->close(); });
}

void SqliteWatchHub::run() {
  while (true) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (stopping_) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    if (auto* publication = std::get_if<Publication>(&task)) {
      dispatch(*publication);
    } else {
      catch_up(std::get<std::shared_ptr<Watcher>>(task));
    }
  }
}

void SqliteWatchHub::dispatch(const Publication& publication) {
  std::erase_if(live_, [](const auto& watcher) { return watcher->gate->closed(); });
  for (auto& watcher : live_) {
    WatchBatch batch;
    batch.revision = publication.revision;
    for (const auto& event : publication.events) {
      if (event.revision() >= watcher->next_revision && has_prefix(event.kv.key, watcher->prefix)) {
        batch.events.push_back(event);
      }
    }
    if (publication.revision < watcher->next_revision && batch.events.empty()) continue;
    watcher->next_revision = std::max(watcher->next_revision, publication.revision + 1);
    // Without matching events the batch is a progress notification: it lets
    // caches of one prefix know how far the whole store has come.
    watcher->gate->run([&] { watcher->callback(std::move(batch)); });
  }
  dispatched_ = publication.revision;
}

void SqliteWatchHub::catch_up(const std::shared_ptr<Watcher>& watcher) {
  // History between the requested revision and what live watchers have seen.
  while (watcher->next_revision <= dispatched_) {
    auto page = read_events(*history_reader_, watcher->prefix, watcher->next_revision - 1, dispatched_,
                            kCatchUpPage);
    if (!page) {
      watcher->gate->run([&] { watcher->callback(std::unexpected(page.error())); });
      return;
    }
    if (watcher->next_revision < page->compact_revision) {
      watcher->gate->run([&] {
        watcher->callback(
            std::unexpected(StorageError::compacted(watcher->next_revision, page->compact_revision)));
      });
      return;
    }
    bool last_page = static_cast<std::int64_t>(page->events.size()) < kCatchUpPage;
    WatchBatch batch;
    batch.revision = last_page ? dispatched_ : page->events.back().revision();
    watcher->next_revision = batch.revision + 1;
    batch.events = std::move(page->events);
    if (!batch.events.empty() && !watcher->gate->run([&] { watcher->callback(std::move(batch)); })) return;
  }
  live_.push_back(watcher);
}

}  // namespace skiff::storage::sqlite
