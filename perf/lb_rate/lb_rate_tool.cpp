// The traffic side of perf/lb_rate (lb_rate.py drives it inside the network
// namespaces it creates):
//   udp-flood    UDP packets to the services' LoadBalancer IPs through an
//                AF_PACKET socket (PACKET_QDISC_BYPASS, sendmmsg batches): every
//                packet a new flow, or a fixed set of established flows
//   tcp-connect  TCP connect + reset loop to the services (connection setup rate)
//   tcp-accept   a backend's accept-and-close loop
//   xdp          XDP on a backend's interface dropping UDP, so backends count
//                packets without paying for a socket lookup (or passing all)
//   ct-flush     empties the netfilter conntrack table of this namespace
// Each prints one JSON line with what it did.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "synthetic_services.h"

using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU time of this process. The node's processing of what we send runs in
// softirq on our CPU, mostly inline in our system calls, and is charged here
// unless the kernel accounts IRQ time apart: on a shared machine, work per
// CPU second is steadier than work per wall second.
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int die(const std::string& what) {
  std::fprintf(stderr, "lb_rate_tool: %s: %s\n", what.c_str(), std::strerror(errno));
  return 1;
}

bool parse_mac(const std::string& text, uint8_t out[6]) {
  unsigned v[6];
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) return false;
  for (int i = 0; i < 6; ++i) out[i] = static_cast<uint8_t>(v[i]);
  return true;
}

uint16_t ip_checksum(const void* data, size_t len) {
  const auto* p = static_cast<const uint16_t*>(data);
  uint32_t sum = 0;
  for (size_t i = 0; i < len / 2; ++i) sum += p[i];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// ---- udp-flood -------------------------------------------------------------

struct FloodOptions {
  std::string ifname = "eth0";
  std::string dst_mac;
  size_t services = 1;
  size_t stride = 1, offset = 0;  // targets: services offset, offset + stride, ...
  uint16_t port = 80;
  double seconds = 2;
  bool established = false;
  size_t flows = 256;  // established mode
  uint32_t src_base = 0x0ac90000u;  // 10.201.0.0/16: new flows' sources
};

constexpr size_t kFrameLen = 60;  // 14 + 20 + 8 + 18 bytes of payload: the Ethernet minimum
constexpr size_t kBatch = 64;

int udp_flood(const FloodOptions& o) {
  uint8_t dst_mac[6];
  if (!parse_mac(o.dst_mac, dst_mac)) {
    std::fprintf(stderr, "lb_rate_tool: --dst-mac: not a MAC address\n");
    return 2;
  }
  int fd = socket(AF_PACKET, SOCK_RAW, 0);  // protocol 0: send only, nothing is received
  if (fd < 0) return die("socket(AF_PACKET)");
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", o.ifname.c_str());
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) return die("SIOCGIFHWADDR " + o.ifname);
  uint8_t src_mac[6];
  std::memcpy(src_mac, ifr.ifr_hwaddr.sa_data, 6);
  const int ifindex = static_cast<int>(if_nametoindex(o.ifname.c_str()));
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_ifindex = ifindex;
  addr.sll_protocol = htons(ETH_P_IP);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return die("bind " + o.ifname);
  int one = 1;
  if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) != 0) return die("PACKET_QDISC_BYPASS");

  std::vector<uint8_t> frames(kBatch * kFrameLen, 0);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> msgs(kBatch);
  for (size_t i = 0; i < kBatch; ++i) {
    uint8_t* f = &frames[i * kFrameLen];
    std::memcpy(f, dst_mac, 6);
    std::memcpy(f + 6, src_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    auto* ip = reinterpret_cast<iphdr*>(f + 14);
    ip->version = 4;
    ip->ihl = 5;
    ip->tot_len = htons(kFrameLen - 14);
    ip->ttl = 64;
    ip->protocol = IPPROTO_UDP;
    auto* udp = reinterpret_cast<udphdr*>(f + 34);
    udp->dest = htons(o.port);
    udp->len = htons(kFrameLen - 34);
    iov[i] = {f, kFrameLen};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }

  std::mt19937_64 rng(0x5eed);
  uint64_t counter = 0, sent = 0, failed = 0;
  auto fill = [&](uint8_t* f) {
    auto* ip = reinterpret_cast<iphdr*>(f + 14);
    auto* udp = reinterpret_cast<udphdr*>(f + 34);
    uint32_t src;
    uint16_t sport;
    size_t service;
    if (o.established) {
      // Flow k always has the same 5-tuple: after its first packet it is established.
      const uint64_t k = counter % o.flows;
      src = 0x0ac8000au + static_cast<uint32_t>(k / 60000);  // 10.200.0.10 and up
      sport = static_cast<uint16_t>(1024 + k % 60000);
      service = o.offset + o.stride * (k % o.services);
    } else {
      // A 5-tuple never seen before: sources walk 10.201.0.0/16 x ports 1024-65023.
      src = o.src_base + static_cast<uint32_t>((counter / 64000) % 65000 + 1);
      sport = static_cast<uint16_t>(1024 + counter % 64000);
      service = o.offset + o.stride * (rng() % o.services);
    }
    ++counter;
    ip->saddr = htonl(src);
    ip->daddr = htonl(skiff::perf::lb_ip_of(service));
    ip->id = static_cast<uint16_t>(counter);
    ip->check = 0;
    ip->check = ip_checksum(ip, 20);
    udp->source = htons(sport);
    udp->check = 0;  // optional over IPv4
  };

  const double cpu0 = cpu_seconds();
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(o.seconds);
  while (Clock::now() < deadline) {
    for (int round = 0; round < 16; ++round) {
      for (size_t i = 0; i < kBatch; ++i) fill(&frames[i * kFrameLen]);
      int n = sendmmsg(fd, msgs.data(), kBatch, 0);
      if (n < 0) {
        if (errno == ENOBUFS || errno == EAGAIN) {
          ++failed;
          continue;
        }
        return die("sendmmsg");
      }
      sent += static_cast<uint64_t>(n);
    }
  }
  const double took = seconds_since(start);
  std::printf("{\"sent\": %llu, \"seconds\": %.6f, \"cpu_seconds\": %.6f, \"send_errors\": %llu}\n",
              static_cast<unsigned long long>(sent), took, cpu_seconds() - cpu0, static_cast<unsigned long long>(failed));
  close(fd);
  return 0;
}

// ---- tcp-connect -----------------------------------------------------------

struct ConnectOptions {
  size_t services = 1;
  size_t stride = 1, offset = 0;
  uint16_t port = 80;
  double seconds = 2;
  size_t concurrency = 32;
};

int tcp_connect(const ConnectOptions& o) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return die("epoll_create1");
  std::mt19937_64 rng(0xc0ffee);
  uint64_t ok = 0, errors = 0;
  std::unordered_map<int, Clock::time_point> open;

  auto start_one = [&]() -> bool {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0) return false;
    linger lg{1, 0};  // close with RST: no TIME_WAIT on the client's ports
    setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(o.port);
    dst.sin_addr.s_addr = htonl(skiff::perf::lb_ip_of(o.offset + o.stride * (rng() % o.services)));
    int r = connect(s, reinterpret_cast<sockaddr*>(&dst), sizeof dst);
    if (r != 0 && errno != EINPROGRESS) {
      ++errors;
      close(s);
      return true;
    }
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.fd = s;
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    open.emplace(s, Clock::now());
    return true;
  };

  const double cpu0 = cpu_seconds();
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(o.seconds);
  for (size_t i = 0; i < o.concurrency; ++i)
    if (!start_one()) return die("socket");
  std::vector<epoll_event> events(256);
  while (Clock::now() < deadline) {
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int i = 0; i < n; ++i) {
      int s = events[i].data.fd;
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
      err == 0 ? ++ok : ++errors;
      epoll_ctl(ep, EPOLL_CTL_DEL, s, nullptr);
      close(s);
      open.erase(s);
      if (!start_one()) return die("socket");
    }
    // A SYN lost for good (e.g. a dropped packet) must not stall a slot.
    const auto now = Clock::now();
    for (auto it = open.begin(); it != open.end();) {
      if (now - it->second > std::chrono::milliseconds(500)) {
        ++errors;
        close(it->first);
        it = open.erase(it);
        if (!start_one()) return die("socket");
      } else {
        ++it;
      }
    }
  }
  const double took = seconds_since(start);
  for (auto& [s, t] : open) close(s);
  std::printf("{\"connections\": %llu, \"errors\": %llu, \"seconds\": %.6f, \"cpu_seconds\": %.6f}\n",
              static_cast<unsigned long long>(ok), static_cast<unsigned long long>(errors), took, cpu_seconds() - cpu0);
  return 0;
}

// ---- tcp-accept ------------------------------------------------------------

volatile sig_atomic_t g_stop = 0;

int tcp_accept(uint16_t port) {
  signal(SIGTERM, [](int) { g_stop = 1; });
  signal(SIGINT, [](int) { g_stop = 1; });
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return die("bind");
  if (listen(s, 4096) != 0) return die("listen");
  std::printf("{\"listening\": %u}\n", port);
  std::fflush(stdout);
  uint64_t accepted = 0;
  while (!g_stop) {
    int c = accept4(s, nullptr, nullptr, SOCK_CLOEXEC);
    if (c >= 0) {
      ++accepted;
      close(c);
    }
  }
  std::printf("{\"accepted\": %llu}\n", static_cast<unsigned long long>(accepted));
  return 0;
}

// ---- udp-drop --------------------------------------------------------------

// drop_udp: if (data + 34 > data_end || ethertype != IPv4 || protocol != UDP)
// pass; else drop. Otherwise: pass everything (a veth whose peer runs native
// XDP gets that peer's XDP_TX frames promptly only with a program of its own).
int attach_xdp(const std::string& ifname, bool drop_udp) {
  const int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  if (!ifindex) return die("device " + ifname);
  auto insn = [](uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
  };
  const bpf_insn prog[] = {
      insn(BPF_LDX | BPF_W | BPF_MEM, 2, 1, offsetof(xdp_md, data), 0),      // r2 = data
      insn(BPF_LDX | BPF_W | BPF_MEM, 3, 1, offsetof(xdp_md, data_end), 0),  // r3 = data_end
      insn(BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0, 0),                         // r4 = r2
      insn(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, 34),                        // r4 += 34
      insn(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 6, 0),                           // if r4 > r3 goto pass
      insn(BPF_LDX | BPF_H | BPF_MEM, 5, 2, 12, 0),                          // r5 = ethertype
      insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 4, htons(ETH_P_IP)),             // not IPv4: pass
      insn(BPF_LDX | BPF_B | BPF_MEM, 5, 2, 23, 0),                          // r5 = ip protocol
      insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 2, IPPROTO_UDP),                 // not UDP: pass
      insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_DROP),
      insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
      insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS),  // pass:
      insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
  };
  const bpf_insn* code = drop_udp ? prog : prog + 11;  // the last two: return XDP_PASS
  const size_t len = drop_udp ? sizeof prog / sizeof prog[0] : 2;
  int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, drop_udp ? "lbperf_udp_drop" : "lbperf_pass", "GPL", code, len, nullptr);
  if (fd < 0) return die("load the XDP program");
  // Attached through netlink (no link object): it stays after this process
  // exits and goes with the interface.
  if (int err = bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, nullptr); err) {
    errno = -err;
    return die("attach XDP to " + ifname);
  }
  std::printf("{\"xdp\": \"%s\", \"drop_udp\": %s}\n", ifname.c_str(), drop_udp ? "true" : "false");
  return 0;
}

// ---- ct-flush --------------------------------------------------------------

int ct_flush() {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (fd < 0) return die("socket(NETLINK_NETFILTER)");
  struct {
    nlmsghdr nh;
    nfgenmsg nfg;
  } req{};
  req.nh.nlmsg_len = sizeof req;
  req.nh.nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  req.nh.nlmsg_seq = 1;
  req.nfg.nfgen_family = AF_INET;
  req.nfg.version = NFNETLINK_V0;
  if (send(fd, &req, sizeof req, 0) < 0) return die("send ctnetlink flush");
  char buf[4096];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  if (n < 0) return die("recv ctnetlink ack");
  auto* nh = reinterpret_cast<nlmsghdr*>(buf);
  int err = 0;
  if (nh->nlmsg_type == NLMSG_ERROR) err = -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(nh))->error;
  close(fd);
  // ENOENT: conntrack is not active in this namespace, nothing to flush.
  std::printf("{\"ct_flush\": %d}\n", err);
  return err == 0 || err == ENOENT ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"traffic tool of perf/lb_rate"};
  app.require_subcommand(1);
  FloodOptions flood;
  auto* f = app.add_subcommand("udp-flood", "UDP to the services' LoadBalancer IPs");
  f->add_option("--ifname", flood.ifname);
  f->add_option("--dst-mac", flood.dst_mac, "the node's MAC on the link")->required();
  f->add_option("--services", flood.services, "how many services to target");
  f->add_option("--stride", flood.stride);
  f->add_option("--offset", flood.offset);
  f->add_option("--port", flood.port);
  f->add_option("--seconds", flood.seconds);
  f->add_flag("--established", flood.established, "a fixed set of flows instead of a new flow per packet");
  f->add_option("--flows", flood.flows, "flows in --established mode");

  ConnectOptions conn;
  auto* c = app.add_subcommand("tcp-connect", "connect/reset loop to the services");
  c->add_option("--services", conn.services, "how many services to target");
  c->add_option("--stride", conn.stride);
  c->add_option("--offset", conn.offset);
  c->add_option("--port", conn.port);
  c->add_option("--seconds", conn.seconds);
  c->add_option("--concurrency", conn.concurrency);

  uint16_t accept_port = 8080;
  auto* a = app.add_subcommand("tcp-accept", "accept-and-close loop");
  a->add_option("--port", accept_port);

  std::string xdp_if;
  bool drop_udp = false;
  auto* d = app.add_subcommand("xdp", "attach an XDP program passing everything (or dropping UDP)");
  d->add_option("--ifname", xdp_if)->required();
  d->add_flag("--drop-udp", drop_udp);

  auto* ct = app.add_subcommand("ct-flush", "flush this namespace's conntrack table");
  CLI11_PARSE(app, argc, argv);

  if (flood.services == 0 || conn.services == 0 || flood.flows == 0) {
    std::fprintf(stderr, "lb_rate_tool: --services and --flows must be positive\n");
    return 2;
  }
  if (*f) return udp_flood(flood);
  if (*c) return tcp_connect(conn);
  if (*a) return tcp_accept(accept_port);
  if (*d) return attach_xdp(xdp_if, drop_udp);
  if (*ct) return ct_flush();
  return 2;
}
