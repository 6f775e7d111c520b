// kill -9 during a burst of writes loses no acknowledged write, and a
// restart replays to the same state. The writer runs in a child process that
// reports each acknowledgement through a pipe.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <sstream>

#include "test_backends.h"

extern char** environ;

namespace skiff::storage::testing {
namespace {

// The writer process with its stdout on a pipe; killed when the test ends.
class CrashWriter {
 public:
  explicit CrashWriter(const std::string& target) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    read_end_ = fds[0];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::string program = STORAGE_CRASH_WRITER;
    char* argv[] = {program.data(), const_cast<char*>(target.c_str()), nullptr};
    if (posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv, environ) != 0) {
      throw std::runtime_error("spawn " + program);
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
  }
  ~CrashWriter() {
    kill();
    ::close(read_end_);
  }

  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // Reads acknowledgements until `count` are in (or the deadline passes);
  // after kill(), reads what is left in the pipe until end of file.
  void read_acknowledgements(std::size_t count, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (acknowledged.size() < count) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return;
      pollfd readable{read_end_, POLLIN, 0};
      if (::poll(&readable, 1, static_cast<int>(left.count())) <= 0) return;
      if (!read_some()) return;
    }
  }
  void read_to_end() {
    while (read_some()) {
    }
  }

  std::map<std::string, Revision> acknowledged;

 private:
  bool read_some() {
    char buffer[65536];
    auto got = ::read(read_end_, buffer, sizeof buffer);
    if (got <= 0) return false;
    pending_.append(buffer, static_cast<std::size_t>(got));
    std::size_t newline;
    while ((newline = pending_.find('\n')) != std::string::npos) {
      std::istringstream line(pending_.substr(0, newline));
      std::string key;
      Revision revision = 0;
      line >> key >> revision;
      if (key.starts_with("/crash/")) acknowledged[key] = revision;
      pending_.erase(0, newline + 1);
    }
    return true;
  }

  pid_t pid_ = -1;
  int read_end_ = -1;
  std::string pending_;
};

template <class Backend>
class Durability : public ::testing::Test {
 protected:
  Backend backend;
};

struct BackendNames {
  template <class T>
  static std::string GetName(int) {
    return T::name;
  }
};

using Backends = ::testing::Types<SqliteBackend, EtcdBackend>;
TYPED_TEST_SUITE(Durability, Backends, BackendNames);

TYPED_TEST(Durability, KillNineLosesNoAcknowledgedWrite) {
  CrashWriter writer(this->backend.writer_target());
  writer.read_acknowledgements(400, std::chrono::seconds(60));
  ASSERT_GE(writer.acknowledged.size(), 400u) << "the writer did not get going";

  // Crash in the middle of the burst, then collect acknowledgements already in the pipe.
  this->backend.crash_store();
  writer.kill();
  writer.read_to_end();
  this->backend.recover_store();

  auto store = this->backend.open();
  std::size_t checked = 0;
  for (const auto& [key, revision] : writer.acknowledged) {
    auto read = store->get(key);
    ASSERT_TRUE(read) << key << " acknowledged at revision " << revision << " is lost: " << read.error().describe();
    EXPECT_EQ(read->mod_revision, revision) << key;
    EXPECT_EQ(read->value, "value of " + key);
    ++checked;
  }
  EXPECT_EQ(checked, writer.acknowledged.size());

  // Restart replays to the same state.
  auto before = store->range({"/crash/", 0, "", 0});
  ASSERT_TRUE(before);
  auto revision_before = store->current_revision();
  store.reset();
  auto reopened = this->backend.open();
  auto after = reopened->range({"/crash/", 0, "", 0});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->items, before->items);
  EXPECT_EQ(*reopened->current_revision(), *revision_before);
  // The store takes writes again, continuing the revision sequence.
  auto next = reopened->create("/crash/after-restart", "x");
  ASSERT_TRUE(next) << next.error().describe();
  EXPECT_EQ(next->mod_revision, *revision_before + 1);
}

}  // namespace
}  // namespace skiff::storage::testing
