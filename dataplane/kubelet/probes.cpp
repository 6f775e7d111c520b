#include "kubelet/probes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace skiff::kubelet {

namespace {

using Clock = std::chrono::steady_clock;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Connects within the deadline; returns an error text or "".
std::string connect_to(Fd& s, const std::string& host, int port, Clock::time_point deadline) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return "not an IPv4 address: " + host;
  s.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s.fd < 0) return std::string("socket: ") + std::strerror(errno);
  if (connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS)
    return "dial tcp " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
  pollfd p{s.fd, POLLOUT, 0};
  int n = poll(&p, 1, ms_left(deadline));
  if (n <= 0) return "dial tcp " + host + ":" + std::to_string(port) + ": i/o timeout";
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err) return "dial tcp " + host + ":" + std::to_string(port) + ": " + std::strerror(err);
  return {};
}

}  // namespace

ProbeOutcome tcp_socket_probe(const std::string& host, int port, std::chrono::milliseconds timeout) {
  Fd s;
  std::string err = connect_to(s, host, port, Clock::now() + timeout);
  if (!err.empty()) return {false, err};
  return {true, {}};
}

ProbeOutcome http_get_probe(const std::string& host, int port, const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  Fd s;
  std::string err = connect_to(s, host, port, deadline);
  if (!err.empty()) return {false, "Get \"http://" + host + ":" + std::to_string(port) + path + "\": " + err};
  std::string req = "GET " + (path.empty() ? std::string("/") : path) + " HTTP/1.1\r\n";
  bool has_host = false, has_agent = false;
  for (const auto& [k, v] : headers) {
    req += k + ": " + v + "\r\n";
    if (strcasecmp(k.c_str(), "host") == 0) has_host = true;
    if (strcasecmp(k.c_str(), "user-agent") == 0) has_agent = true;
  }
  if (!has_host) req += "Host: " + host + ":" + std::to_string(port) + "\r\n";
  if (!has_agent) req += "User-Agent: kube-probe/1.32\r\n";
  req += "Accept: */*\r\nConnection: close\r\n\r\n";
  size_t sent = 0;
  while (sent < req.size()) {
    pollfd p{s.fd, POLLOUT, 0};
    if (poll(&p, 1, ms_left(deadline)) <= 0) return {false, "http probe: write timeout"};
    ssize_t n = send(s.fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) return {false, std::string("http probe: ") + std::strerror(errno)};
    if (n > 0) sent += static_cast<size_t>(n);
  }
  std::string resp;
  while (resp.find("\r\n") == std::string::npos) {
    pollfd p{s.fd, POLLIN, 0};
    if (poll(&p, 1, ms_left(deadline)) <= 0) return {false, "http probe: timeout awaiting response headers"};
    char buf[1024];
    ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EAGAIN) continue;
    if (n <= 0) break;
    resp.append(buf, static_cast<size_t>(n));
  }
  // "HTTP/1.1 200 OK"
  size_t sp = resp.find(' ');
  if (!resp.starts_with("HTTP/") || sp == std::string::npos) return {false, "http probe: malformed response"};
  int code = std::atoi(resp.c_str() + sp + 1);
  if (code >= 200 && code < 400) return {true, {}};
  return {false, "HTTP probe failed with statuscode: " + std::to_string(code)};
}

ProbeOutcome run_probe(CriClient& cri, const Probe& probe, const std::string& container_id,
                       const std::string& pod_ip) {
  auto timeout = std::chrono::seconds(probe.timeout_seconds);
  switch (probe.kind) {
    case Probe::Kind::Exec: {
      auto r = cri.exec_sync(container_id, probe.command, probe.timeout_seconds);
      if (!r) return {false, r.error().message};
      if (r->exit_code() == 0) return {true, {}};
      std::string out = r->stdout() + r->stderr();
      if (out.size() > 512) out.resize(512);
      return {false, "command exited with " + std::to_string(r->exit_code()) + (out.empty() ? "" : ": " + out)};
    }
    case Probe::Kind::HttpGet:
      if (probe.scheme == "HTTPS") return {false, "HTTPS probes are not supported by this kubelet"};
      return http_get_probe(probe.host.empty() ? pod_ip : probe.host, probe.port, probe.path, probe.headers, timeout);
    case Probe::Kind::TcpSocket:
      return tcp_socket_probe(probe.host.empty() ? pod_ip : probe.host, probe.port, timeout);
    case Probe::Kind::None:
      return {true, {}};
  }
  return {false, "unknown probe"};
}

ProbeTracker::ProbeTracker(const Probe& probe, Clock::time_point container_started, bool initial_result)
    : probe_(probe), next_(container_started + std::chrono::seconds(probe.initial_delay_seconds)),
      result_(initial_result) {}

bool ProbeTracker::record(bool success, Clock::time_point now) {
  next_ = now + std::chrono::seconds(probe_.period_seconds);
  bool before = result_;
  if (success) {
    failures_ = 0;
    if (++successes_ >= probe_.success_threshold) result_ = true;
  } else {
    successes_ = 0;
    if (++failures_ >= probe_.failure_threshold) result_ = false;
  }
  return before != result_;
}

}  // namespace skiff::kubelet
