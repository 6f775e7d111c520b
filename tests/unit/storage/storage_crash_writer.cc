// Test helper: writes to a store as fast as it can from several threads and
// reports each acknowledged write on stdout ("<key> <revision>\n") the moment
// it is acknowledged. The durability test kills it (or the etcd server) with
// SIGKILL and then checks that every reported write survived.
//
//   storage_crash_writer sqlite:<path> | etcd:<host:port>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/etcd/etcd_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace {

using namespace skiff::storage;

Result<std::unique_ptr<KvStore>> open(std::string_view target) {
  if (target.starts_with("sqlite:")) {
    auto store = sqlite::SqliteStore::open({.path = std::string(target.substr(7))});
    if (!store) return std::unexpected(store.error());
    return std::unique_ptr<KvStore>(std::move(*store));
  }
  if (target.starts_with("etcd:")) {
    auto store = etcd::EtcdStore::open({.endpoint = std::string(target.substr(5)),
                                        .request_timeout = std::chrono::milliseconds(2000)});
    if (!store) return std::unexpected(store.error());
    return std::unique_ptr<KvStore>(std::move(*store));
  }
  return std::unexpected(StorageError::invalid_argument("target must be sqlite:<path> or etcd:<endpoint>"));
}

void report(std::mutex& mutex, const std::string& line) {
  std::lock_guard lock(mutex);
  // Unbuffered: once write() returns, the acknowledgement is in the pipe.
  std::string_view rest = line;
  while (!rest.empty()) {
    auto written = ::write(STDOUT_FILENO, rest.data(), rest.size());
    if (written <= 0) std::_Exit(3);
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s sqlite:<path> | etcd:<host:port>\n", argv[0]);
    return 2;
  }
  // stdout is the acknowledgement channel: logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("stderr"));
  auto store = open(argv[1]);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().describe().c_str());
    return 1;
  }
  constexpr int kWriters = 8;
  std::mutex output;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (long i = 0;; ++i) {
        auto key = fmt::format("/crash/{}-{}", w, i);
        auto created = (*store)->create(key, fmt::format("value of {}", key));
        if (created) report(output, fmt::format("{} {}\n", key, created->mod_revision));
      }
    });
  }
  for (auto& writer : writers) writer.join();  // never: the test kills us
}
