// Measures both store backends in one run and prints them side by side with
// the SQLite/etcd ratio: durable single-object writes (1 and 100 concurrent
// clients, throughput and p50/p99 latency), reads, LIST of 10,000 ~1 KB
// objects from the store and from the watch cache, and 100 concurrent
// watchers receiving every event. etcd is started on loopback with its data
// in /tmp, next to the SQLite file, so both write to the same disk.
//
//   storage_bench [--clients 100] [--writes-per-client 100] [--single-writes 1000]
#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/etcd/etcd_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/testing/etcd_process.h"
#include "storage/watch_cache/watch_cache.h"

namespace {

using namespace skiff::storage;
using Clock = std::chrono::steady_clock;

struct Settings {
  int clients = 100;
  int writes_per_client = 100;  // clients * this = the objects LISTed later
  int single_writes = 1000;
  int readers = 4;
  int reads_per_reader = 5000;
  int watchers = 100;
  int watch_writers = 10;
  int watch_writes_per_writer = 100;
  int list_repeats = 5;
  std::size_t value_size = 1000;
};

double milliseconds(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(samples.size() - 1));
  return samples[index];
}

double median(std::vector<double> samples) { return percentile(std::move(samples), 0.5); }

std::string object_of_size(std::size_t size, int seed) {
  // A plausible JSON-ish payload; the store treats it as opaque bytes.
  std::string value = fmt::format(R"({{"kind":"Pod","apiVersion":"v1","metadata":{{"name":"pod-{}"}},"pad":")", seed);
  while (value.size() + 3 < size) value.push_back(static_cast<char>('a' + value.size() % 26));
  return value + "\"}";
}

[[noreturn]] void die(const std::string& what) {
  fmt::print(stderr, "storage_bench: {}\n", what);
  std::exit(1);
}

template <class T>
T must(Result<T> result, std::string_view what) {
  if (!result) die(fmt::format("{}: {}", what, result.error().describe()));
  return std::move(*result);
}

// Each client writes `per_client` new keys one after another; all start together.
std::vector<double> concurrent_creates(KvStore& store, const std::string& prefix, int clients, int per_client,
                                       std::size_t value_size, double& seconds) {
  std::vector<std::vector<double>> latencies(clients);
  std::latch ready(clients + 1);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto value = object_of_size(value_size, c);
      latencies[c].reserve(per_client);
      ready.arrive_and_wait();
      for (int i = 0; i < per_client; ++i) {
        auto start = Clock::now();
        must(store.create(fmt::format("{}{:03}-{:05}", prefix, c, i), value), "create");
        latencies[c].push_back(milliseconds(Clock::now() - start));
      }
    });
  }
  ready.arrive_and_wait();
  auto start = Clock::now();
  for (auto& thread : threads) thread.join();
  seconds = milliseconds(Clock::now() - start) / 1000.0;
  std::vector<double> all;
  for (auto& per_client_latencies : latencies) all.insert(all.end(), per_client_latencies.begin(), per_client_latencies.end());
  return all;
}

// Counts events per watcher and wakes the waiter when all have `expected`.
class WatcherFleet {
 public:
  WatcherFleet(int watchers, std::size_t expected) : counts_(watchers), last_(watchers), expected_(expected) {}

  WatchCallback callback(int watcher) {
    return [this, watcher](Result<WatchBatch> update) {
      if (!update) {
        std::lock_guard lock(mutex_);
        failed_ = update.error().describe();
        done_.notify_all();
        return;
      }
      std::lock_guard lock(mutex_);
      for (const auto& event : update->events) {
        if (event.revision() <= last_[watcher]) out_of_order_ = true;
        last_[watcher] = event.revision();
        if (++counts_[watcher] == expected_) ++complete_;
      }
      if (complete_ == counts_.size()) done_.notify_all();
    };
  }

  // True once every watcher has every event (in order), within the timeout.
  bool wait(std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    done_.wait_for(lock, timeout, [&] { return complete_ == counts_.size() || !failed_.empty(); });
    if (!failed_.empty()) die("watch failed: " + failed_);
    return complete_ == counts_.size() && !out_of_order_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::vector<std::size_t> counts_;
  std::vector<Revision> last_;
  std::size_t expected_;
  std::size_t complete_ = 0;
  bool out_of_order_ = false;
  std::string failed_;
};

struct FanOut {
  double total_ms;       // first write until every watcher has every event
  double after_last_ms;  // last write acknowledged until every watcher has every event
};

// Starts `watchers` watches via `start_watch`, writes the events concurrently
// and times their delivery to every watcher.
FanOut fan_out(const Settings& settings, KvStore& store, const std::string& prefix,
                  const std::function<WatchHandle(int, WatchCallback)>& start_watch) {
  std::size_t events = static_cast<std::size_t>(settings.watch_writers) * settings.watch_writes_per_writer;
  WatcherFleet fleet(settings.watchers, events);
  std::vector<WatchHandle> handles;
  for (int w = 0; w < settings.watchers; ++w) handles.push_back(start_watch(w, fleet.callback(w)));
  double write_seconds = 0;
  auto start = Clock::now();
  concurrent_creates(store, prefix, settings.watch_writers, settings.watch_writes_per_writer, settings.value_size,
                     write_seconds);
  auto written = Clock::now();
  if (!fleet.wait(std::chrono::seconds(120))) die("watchers did not receive every event in order");
  auto delivered = Clock::now();
  return {milliseconds(delivered - start), milliseconds(delivered - written)};
}

using Figures = std::map<std::string, double>;

Figures measure(const Settings& settings, KvStore& store) {
  Figures figures;
  double seconds = 0;

  auto single = concurrent_creates(store, "/bench/single/", 1, settings.single_writes, settings.value_size, seconds);
  figures["writes/s, 1 client"] = settings.single_writes / seconds;
  figures["write p50 ms, 1 client"] = percentile(single, 0.50);
  figures["write p99 ms, 1 client"] = percentile(single, 0.99);

  // These objects are the ones LISTed below.
  auto many = concurrent_creates(store, "/bench/list/", settings.clients, settings.writes_per_client,
                                 settings.value_size, seconds);
  auto total_writes = static_cast<double>(settings.clients) * settings.writes_per_client;
  figures[fmt::format("writes/s, {} clients", settings.clients)] = total_writes / seconds;
  figures[fmt::format("write p50 ms, {} clients", settings.clients)] = percentile(many, 0.50);
  figures[fmt::format("write p99 ms, {} clients", settings.clients)] = percentile(many, 0.99);

  {
    std::latch ready(settings.readers + 1);
    std::vector<std::thread> readers;
    for (int r = 0; r < settings.readers; ++r) {
      readers.emplace_back([&, r] {
        std::mt19937 random(r);
        std::uniform_int_distribution<int> client(0, settings.clients - 1), index(0, settings.writes_per_client - 1);
        ready.arrive_and_wait();
        for (int i = 0; i < settings.reads_per_reader; ++i) {
          must(store.get(fmt::format("/bench/list/{:03}-{:05}", client(random), index(random))), "get");
        }
      });
    }
    ready.arrive_and_wait();
    auto start = Clock::now();
    for (auto& reader : readers) reader.join();
    figures[fmt::format("reads/s, {} readers", settings.readers)] =
        settings.readers * settings.reads_per_reader / (milliseconds(Clock::now() - start) / 1000.0);
  }

  auto list_label = fmt::format("LIST {} objects from store, ms", static_cast<int>(total_writes));
  std::vector<double> list_times;
  for (int i = 0; i < settings.list_repeats; ++i) {
    auto start = Clock::now();
    auto listed = must(store.range({"/bench/list/", 0, "", 0}), "range");
    list_times.push_back(milliseconds(Clock::now() - start));
    if (listed.items.size() != static_cast<std::size_t>(total_writes)) die("LIST returned a wrong count");
  }
  figures[list_label] = median(list_times);

  auto cache_start = Clock::now();
  auto cache = must(WatchCache::start(store, {.prefix = "/bench/"}), "watch cache");
  figures["watch cache start (initial LIST), ms"] = milliseconds(Clock::now() - cache_start);
  list_times.clear();
  for (int i = 0; i < settings.list_repeats; ++i) {
    auto start = Clock::now();
    auto listed = must(cache->list({"/bench/list/", 0, "", 0}), "cache list");
    list_times.push_back(milliseconds(Clock::now() - start));
    if (listed.items.size() != static_cast<std::size_t>(total_writes)) die("cache LIST returned a wrong count");
  }
  figures[fmt::format("LIST {} objects from watch cache, ms", static_cast<int>(total_writes))] = median(list_times);

  auto events = settings.watch_writers * settings.watch_writes_per_writer;
  auto record = [&](std::string_view source, FanOut result) {
    figures[fmt::format("{} watchers x {} events via {}: total ms", settings.watchers, events, source)] =
        result.total_ms;
    figures[fmt::format("{} watchers via {}: lag after last write, ms", settings.watchers, source)] =
        result.after_last_ms;
    figures[fmt::format("{} watchers via {}: events delivered/s", settings.watchers, source)] =
        settings.watchers * events / (result.total_ms / 1000.0);
  };
  record("store", fan_out(settings, store, "/bench/watch-store/", [&](int, WatchCallback callback) {
           return must(store.watch("/bench/watch-store/", 0, std::move(callback)), "store watch");
         }));
  record("watch cache", fan_out(settings, store, "/bench/watch-cache/", [&](int, WatchCallback callback) {
           return must(cache->watch("/bench/watch-cache/", 0, std::move(callback)), "cache watch");
         }));
  return figures;
}

int integer_flag(int argc, char** argv, std::string_view name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  // Keep freed heap in the process, as in a long-running server: otherwise a
  // LIST's figure depends on whether glibc handed memory back to the kernel
  // after the previous phase (page faults dominated the first backend's
  // cache LIST), i.e. on the order in which the backends run.
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  Settings settings;
  settings.clients = integer_flag(argc, argv, "--clients", settings.clients);
  settings.writes_per_client = integer_flag(argc, argv, "--writes-per-client", settings.writes_per_client);
  settings.single_writes = integer_flag(argc, argv, "--single-writes", settings.single_writes);

  char pattern[] = "/tmp/skiff-bench-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) die("mkdtemp");
  std::string directory = pattern;

  Figures sqlite_figures, etcd_figures;
  {
    auto store = must(sqlite::SqliteStore::open({.path = directory + "/state.db"}), "open sqlite");
    fmt::print(stderr, "measuring sqlite ({})...\n", directory);
    sqlite_figures = measure(settings, *store);
  }
  {
    skiff::storage::testing::EtcdProcess etcd;
    auto store = must(etcd::EtcdStore::open({.endpoint = etcd.endpoint()}), "open etcd");
    fmt::print(stderr, "measuring etcd ({})...\n", etcd.endpoint());
    etcd_figures = measure(settings, *store);
  }
  std::filesystem::remove_all(directory);

  fmt::print("{:<56} {:>12} {:>12} {:>12}\n", "metric", "sqlite", "etcd", "sqlite/etcd");
  for (const auto& [metric, sqlite_value] : sqlite_figures) {
    double etcd_value = etcd_figures[metric];
    // A ratio against a (near) zero figure says nothing.
    auto ratio = etcd_value >= 0.01 ? fmt::format("{:.2f}", sqlite_value / etcd_value) : std::string("-");
    fmt::print("{:<56} {:>12.2f} {:>12.2f} {:>12}\n", metric, sqlite_value, etcd_value, ratio);
  }
  auto p99_label = fmt::format("write p99 ms, {} clients", settings.clients);
  constexpr double target_ms = 50;
  fmt::print("\ntarget: p99 single-object write < {} ms at {} clients: sqlite {} ({:.1f} ms), etcd {} ({:.1f} ms)\n",
             target_ms, settings.clients, sqlite_figures[p99_label] < target_ms ? "met" : "MISSED",
             sqlite_figures[p99_label], etcd_figures[p99_label] < target_ms ? "met" : "MISSED",
             etcd_figures[p99_label]);
  return 0;
}
