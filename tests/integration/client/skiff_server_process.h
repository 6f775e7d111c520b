// A `skiff server` child process for tests: temp data dir, free loopback
// port, killed when the object goes (and by the kernel if the test dies).
#pragma once
#include <sys/types.h>

#include <string>

#include "skiff/client/config.h"

namespace skiff::client::testing {

class SkiffServerProcess {
 public:
  // SKIFF_BIN names the binary; data_dir is created and removed by this object.
  SkiffServerProcess();
  ~SkiffServerProcess();

  // Starts the server (again, on the same data dir and port after stop()).
  // Returns once /readyz answers, or false with `error` after `wait_seconds`.
  bool start(std::string& error, int wait_seconds = 120);
  void stop();
  bool running() const { return pid_ > 0; }

  const std::string& data_dir() const { return data_dir_; }
  int port() const { return port_; }
  std::string kubeconfig() const { return data_dir_ + "/admin.kubeconfig"; }
  std::string log_tail() const;

  static std::string binary();

 private:
  bool ready(const ClientConfig& config);
  std::string data_dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace skiff::client::testing
