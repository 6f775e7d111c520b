// skiff_sock: socket-level LB attached to a real cgroup v2. A forked child
// moved into the cgroup connects and sends to frontends; loopback listeners
// opened by the parent (outside the cgroup) play the backends.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "lb_fixture.h"

namespace skiff::test {
namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// A fresh cgroup v2 directory, removed (after its processes are gone).
class Cgroup {
 public:
  Cgroup() {
    for (const char* base : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
      struct statfs st {};
      if (statfs(base, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC) {
        path_ = std::string(base) + "/skiff-test-" + std::to_string(getpid());
        rmdir(path_.c_str());
        if (mkdir(path_.c_str(), 0755) != 0) path_.clear();
        break;
      }
    }
    if (!path_.empty()) fd_ = Fd(open(path_.c_str(), O_RDONLY | O_DIRECTORY));
  }
  ~Cgroup() {
    if (!path_.empty()) rmdir(path_.c_str());
  }
  bool ok() const { return fd_.get() >= 0; }
  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  Fd fd_;
};

struct LinkDeleter {
  void operator()(bpf_link* l) const { bpf_link__destroy(l); }
};
using Link = std::unique_ptr<bpf_link, LinkDeleter>;

// A child process killed and reaped if the test leaves early.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int wait_exit() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_;
};

sockaddr_in addr(std::uint32_t ip, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(ip);
  a.sin_port = htons(port);
  return a;
}

std::uint16_t bound_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

constexpr std::uint32_t kLoopback = ip4(127, 0, 0, 1);
constexpr std::uint32_t kTcpVip = ip4(10, 96, 0, 11);
constexpr std::uint32_t kUdpVip = ip4(10, 96, 0, 12);
constexpr std::uint32_t kDeadVip = ip4(10, 96, 0, 13);

// Runs in the child, inside the cgroup. Each failed check exits with its own
// code so the parent can tell which one.
int child_main(const std::string& cgroup, int tcp_listener, int udp_server) {
  std::string procs = cgroup + "/cgroup.procs";
  int cg = open(procs.c_str(), O_WRONLY);
  if (cg < 0 || write(cg, "0", 1) != 1) return 10;
  close(cg);

  // TCP: connect to the frontend, land on the loopback listener.
  int c = socket(AF_INET, SOCK_STREAM, 0);
  auto vip = addr(kTcpVip, 80);
  if (connect(c, reinterpret_cast<sockaddr*>(&vip), sizeof(vip)) != 0) return 11;
  int s = accept(tcp_listener, nullptr, nullptr);
  if (s < 0) return 12;
  if (write(c, "ping", 4) != 4) return 13;
  char buf[16] = {};
  if (read(s, buf, sizeof buf) != 4 || std::memcmp(buf, "ping", 4) != 0) return 14;
  sockaddr_in peer{};
  socklen_t len = sizeof(peer);
  if (getpeername(c, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return 15;
  if (peer.sin_addr.s_addr != htonl(kTcpVip) || peer.sin_port != htons(80)) return 16;

  // UDP, unconnected: sendto the frontend, the reply shows the frontend.
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  auto uvip = addr(kUdpVip, 53);
  if (sendto(u, "q", 1, 0, reinterpret_cast<sockaddr*>(&uvip), sizeof(uvip)) != 1) return 20;
  sockaddr_in from{};
  len = sizeof(from);
  if (recvfrom(udp_server, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len) != 1) return 21;
  if (sendto(udp_server, "a", 1, 0, reinterpret_cast<sockaddr*>(&from), len) != 1) return 22;
  len = sizeof(from);
  if (recvfrom(u, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len) != 1) return 23;
  if (from.sin_addr.s_addr != htonl(kUdpVip) || from.sin_port != htons(53)) return 24;

  // No usable backend: refused, not a timeout.
  int d = socket(AF_INET, SOCK_STREAM, 0);
  auto dead = addr(kDeadVip, 80);
  if (connect(d, reinterpret_cast<sockaddr*>(&dead), sizeof(dead)) == 0) return 30;
  if (errno != ECONNREFUSED) return 31;
  return 0;
}

TEST(SockLbTest, ConnectSendRecvAndGetpeernameThroughFrontends) {
  PinRoot root;
  ASSERT_TRUE(root.ok());
  auto sock = load_sock(root);
  ASSERT_TRUE(sock) << "skiff_sock failed to load";
  LbMaps maps(*sock);
  Cgroup cg;
  ASSERT_TRUE(cg.ok()) << "no cgroup v2 hierarchy to use";

  Fd listener(socket(AF_INET, SOCK_STREAM, 0));
  auto lo = addr(kLoopback, 0);
  ASSERT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&lo), sizeof(lo)), 0);
  ASSERT_EQ(listen(listener.get(), 4), 0);
  Fd udp(socket(AF_INET, SOCK_DGRAM, 0));
  ASSERT_EQ(bind(udp.get(), reinterpret_cast<sockaddr*>(&lo), sizeof(lo)), 0);

  maps.set_backend(1, kLoopback, bound_port(listener.get()), kTcp, SKIFF_BACKEND_F_LOCAL);
  maps.set_backend(2, kLoopback, bound_port(udp.get()), kUdp, SKIFF_BACKEND_F_LOCAL);
  auto tcp_id = maps.add_frontend({.addr = kTcpVip, .port = 80, .proto = kTcp, .backends = {1}});
  maps.add_frontend({.addr = kUdpVip, .port = 53, .proto = kUdp, .backends = {2}});
  maps.add_frontend({.addr = kDeadVip, .port = 80, .proto = kTcp});

  std::vector<Link> links;
  for (auto* prog : {sock->progs.skiff_connect4, sock->progs.skiff_sendmsg4, sock->progs.skiff_recvmsg4,
                     sock->progs.skiff_getpeername4}) {
    links.emplace_back(bpf_program__attach_cgroup(prog, cg.fd()));
    ASSERT_TRUE(links.back()) << "attach " << bpf_program__name(prog) << ": " << std::strerror(errno);
  }

  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(child_main(cg.path(), listener.get(), udp.get()));
  Child child(pid);
  EXPECT_EQ(child.wait_exit(), 0) << "see the return codes in child_main";
  EXPECT_EQ(maps.stats(tcp_id).packets, 1u);
  EXPECT_EQ(maps.event(SKIFF_EV_NO_BACKEND_REJECT), 1u);
}

}  // namespace
}  // namespace skiff::test
