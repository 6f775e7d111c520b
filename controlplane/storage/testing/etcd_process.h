// A private etcd server for tests and benchmarks: loopback, free ports, a
// temporary data directory. Ready when it answers; stopped and its directory
// removed when the object goes (also when a test fails); dies with its parent.
#pragma once

#include <sys/types.h>

#include <string>

namespace skiff::storage::testing {

class EtcdProcess {
 public:
  EtcdProcess();   // starts and waits until etcd answers; throws std::runtime_error on failure
  ~EtcdProcess();  // stops etcd, removes the data directory
  EtcdProcess(const EtcdProcess&) = delete;
  EtcdProcess& operator=(const EtcdProcess&) = delete;

  const std::string& endpoint() const { return endpoint_; }  // 127.0.0.1:PORT
  const std::string& log_path() const { return log_path_; }

  void kill_hard();  // SIGKILL, as a crash would
  void restart();    // same data directory and ports; waits until it answers

 private:
  void spawn();
  void wait_until_serving();
  void stop();

  std::string directory_;
  std::string log_path_;
  int client_port_ = 0;
  int peer_port_ = 0;
  std::string endpoint_;
  pid_t pid_ = -1;
};

}  // namespace skiff::storage::testing
