#include "storage/testing/etcd_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/etcd/etcd_store.h"

namespace skiff::storage::testing {
namespace {

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) throw std::runtime_error("bind");
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

EtcdProcess::EtcdProcess() {
  char pattern[] = "/tmp/skiff-etcd-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp");
  directory_ = pattern;
  log_path_ = directory_ + "/etcd.log";
  client_port_ = free_loopback_port();
  peer_port_ = free_loopback_port();
  endpoint_ = "127.0.0.1:" + std::to_string(client_port_);
  spawn();
  wait_until_serving();
}

EtcdProcess::~EtcdProcess() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

void EtcdProcess::spawn() {
  auto client_url = "http://" + endpoint_;
  auto peer_url = "http://127.0.0.1:" + std::to_string(peer_port_);
  std::vector<std::string> arguments = {"/usr/bin/etcd",  // Debian etcd-server
                                        "--name=skiff-test",
                                        "--data-dir=" + directory_ + "/data",
                                        "--listen-client-urls=" + client_url,
                                        "--advertise-client-urls=" + client_url,
                                        "--listen-peer-urls=" + peer_url,
                                        "--initial-advertise-peer-urls=" + peer_url,
                                        "--initial-cluster=skiff-test=" + peer_url,
                                        "--logger=zap",
                                        "--log-outputs=stderr"};
  pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    // Die with the test process, whatever way it ends.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
}

void EtcdProcess::wait_until_serving() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("etcd exited during start; see " + log_path_);
    }
    // Polls by trying to connect and read; each attempt waits at most its timeout.
    auto store = etcd::EtcdStore::open({.endpoint = endpoint_,
                                        .request_timeout = std::chrono::milliseconds(500),
                                        .connect_timeout = std::chrono::milliseconds(200)});
    if (store) return;
  }
  throw std::runtime_error("etcd did not answer within 30 s; see " + log_path_);
}

void EtcdProcess::stop() {
  if (pid_ <= 0) return;
  // A pidfd becomes readable when the process exits: wait on it, bounded.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  ::kill(pid_, SIGTERM);
  if (pidfd >= 0) {
    pollfd exited{pidfd, POLLIN, 0};
    if (::poll(&exited, 1, 10'000) != 1) ::kill(pid_, SIGKILL);
    ::close(pidfd);
  }
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void EtcdProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void EtcdProcess::restart() {
  stop();
  spawn();
  wait_until_serving();
}

}  // namespace skiff::storage::testing
