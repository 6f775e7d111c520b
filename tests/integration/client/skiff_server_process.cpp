#include "skiff_server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "skiff/client/client.h"

namespace skiff::client::testing {

namespace {
int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}
}  // namespace

std::string SkiffServerProcess::binary() {
  const char* bin = std::getenv("SKIFF_BIN");
  return bin ? bin : "";
}

SkiffServerProcess::SkiffServerProcess() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "skiff-client-it-XXXXXX").string();
  data_dir_ = ::mkdtemp(tmpl.data());
  port_ = free_loopback_port();
}

SkiffServerProcess::~SkiffServerProcess() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(data_dir_, ec);
}

std::string SkiffServerProcess::log_tail() const {
  std::ifstream in(data_dir_ + "/server.log");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

bool SkiffServerProcess::ready(const ClientConfig& config) {
  ClientThread thread;
  auto client = Client::create(thread.io(), config, RetryPolicy{.max_attempts = 1});
  if (!client) return false;
  auto r = (*client)->request({.method = HttpMethod::Get, .path = "/readyz"});
  return r && r->status == 200;
}

bool SkiffServerProcess::start(std::string& error, int wait_seconds) {
  if (binary().empty()) {
    error = "SKIFF_BIN is not set";
    return false;
  }
  std::string port = std::to_string(port_);
  std::string log = data_dir_ + "/server.log";
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the test died: so does its server
    if (::getppid() != parent) ::_exit(1);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::string bin = binary();
    ::execl(bin.c_str(), bin.c_str(), "server", "--data-dir", data_dir_.c_str(), "--https-port", port.c_str(),
            "--bind-address", "127.0.0.1", "--disable-agent", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pid_ = pid;
  // Poll for the kubeconfig, then for /readyz.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error = "skiff server exited early; log:\n" + log_tail();
      return false;
    }
    if (std::filesystem::exists(kubeconfig())) {
      auto config = load_kubeconfig(kubeconfig());
      if (config && ready(*config)) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  error = "skiff server not ready after " + std::to_string(wait_seconds) + " s; log:\n" + log_tail();
  return false;
}

void SkiffServerProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace skiff::client::testing
