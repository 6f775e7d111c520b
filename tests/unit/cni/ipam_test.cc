#include "cni/lib/ipam.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "temp_dir.h"

namespace skiff::cni {
namespace {

using testing::TempDir;

Range range_of(const char* cidr) {
  Ipv4Cidr subnet = *Ipv4Cidr::parse(cidr);
  return Range{subnet, subnet.network().next(), subnet.network().next(), Ipv4{subnet.broadcast().value - 1}};
}

Ipam open_ipam(const std::string& dir, std::vector<Range> ranges) {
  auto ipam = Ipam::open(std::move(ranges), dir);
  EXPECT_TRUE(ipam) << ipam.error().msg;
  return std::move(*ipam);
}

std::string alloc_ip(Ipam& ipam, const std::string& cid, const std::string& ifname = "eth0") {
  auto a = ipam.allocate(cid, ifname);
  if (!a) return "error " + std::to_string(static_cast<int>(a.error().code)) + ": " + a.error().msg;
  return a->lease.ip.str();
}

void write_file(const std::string& path, const std::string& content) { std::ofstream(path) << content; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(Ipam, AllocatesInOrderSkippingNetworkGatewayBroadcast) {
  TempDir dir;
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/29")});
  // .0 network, .1 gateway, .7 broadcast
  EXPECT_EQ(alloc_ip(ipam, "c1"), "10.0.0.2");
  EXPECT_EQ(alloc_ip(ipam, "c2"), "10.0.0.3");
  EXPECT_EQ(alloc_ip(ipam, "c3"), "10.0.0.4");
  EXPECT_EQ(alloc_ip(ipam, "c4"), "10.0.0.5");
  EXPECT_EQ(alloc_ip(ipam, "c5"), "10.0.0.6");
  EXPECT_EQ(read_file(dir.path() + "/10.0.0.4"), "c3\neth0\n");
}

TEST(Ipam, ExhaustionIsTryAgainLaterWithClearMessage) {
  TempDir dir;
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/30")});
  EXPECT_EQ(alloc_ip(ipam, "c1"), "10.0.0.2");
  auto full = ipam.allocate("c2", "eth0");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::kTryAgainLater);
  EXPECT_NE(full.error().msg.find("no free address in 10.0.0.0/30"), std::string::npos) << full.error().msg;
  EXPECT_NE(full.error().msg.find("all 1 pod addresses are leased"), std::string::npos) << full.error().msg;
  EXPECT_EQ(*ipam.free_count(), 0u);
  // Once a pod goes, the retry succeeds.
  ASSERT_TRUE(ipam.release("c1", "eth0"));
  EXPECT_EQ(alloc_ip(ipam, "c2"), "10.0.0.2");
}

TEST(Ipam, RoundRobinDoesNotReuseAFreedAddressAtOnce) {
  TempDir dir;
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/29")});
  EXPECT_EQ(alloc_ip(ipam, "c1"), "10.0.0.2");
  EXPECT_EQ(alloc_ip(ipam, "c2"), "10.0.0.3");
  ASSERT_TRUE(ipam.release("c1", "eth0"));
  EXPECT_EQ(alloc_ip(ipam, "c3"), "10.0.0.4");
  EXPECT_EQ(alloc_ip(ipam, "c4"), "10.0.0.5");
  EXPECT_EQ(alloc_ip(ipam, "c5"), "10.0.0.6");
  EXPECT_EQ(alloc_ip(ipam, "c6"), "10.0.0.2");  // wrapped around
}

TEST(Ipam, CustomGatewayAndRangeBoundsAndSeveralRanges) {
  TempDir dir;
  Range a = range_of("10.0.0.0/29");
  a.gateway = *Ipv4::parse("10.0.0.3");
  a.start = *Ipv4::parse("10.0.0.2");
  a.end = *Ipv4::parse("10.0.0.4");
  Ipam ipam = open_ipam(dir.path(), {a, range_of("10.0.1.0/30")});
  EXPECT_EQ(alloc_ip(ipam, "c1"), "10.0.0.2");
  EXPECT_EQ(alloc_ip(ipam, "c2"), "10.0.0.4");  // .3 is the gateway
  auto third = ipam.allocate("c3", "eth0");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->lease.ip.str(), "10.0.1.2");
  EXPECT_EQ(third->range.gateway.str(), "10.0.1.1");
}

TEST(Ipam, SameAttachmentGetsItsExistingLease) {
  TempDir dir;
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/24")});
  auto first = ipam.allocate("c1", "eth0");
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->created);
  auto again = ipam.allocate("c1", "eth0");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->lease.ip, first->lease.ip);
  // Another interface of the same container is another attachment.
  EXPECT_NE(alloc_ip(ipam, "c1", "net1"), first->lease.ip.str());
}

TEST(Ipam, ReleaseIsIdempotentAndFindFollowsIt) {
  TempDir dir;
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/24")});
  alloc_ip(ipam, "c1");
  ASSERT_TRUE(*ipam.find("c1", "eth0"));
  auto released = ipam.release("c1", "eth0");
  ASSERT_TRUE(released);
  EXPECT_EQ(released->size(), 1u);
  EXPECT_FALSE(*ipam.find("c1", "eth0"));
  auto again = ipam.release("c1", "eth0");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  EXPECT_TRUE(ipam.release("never-added", "eth0"));
}

TEST(Ipam, GcKeepsValidAttachmentsOnly) {
  TempDir dir;
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/24")});
  alloc_ip(ipam, "keep");
  alloc_ip(ipam, "drop");
  alloc_ip(ipam, "keep", "net1");
  auto released = ipam.gc({{"keep", "eth0"}, {"keep", "net1"}, {"unknown", "eth0"}});
  ASSERT_TRUE(released);
  ASSERT_EQ(released->size(), 1u);
  EXPECT_EQ((*released)[0].container_id, "drop");
  EXPECT_TRUE(*ipam.find("keep", "eth0"));
  EXPECT_TRUE(*ipam.find("keep", "net1"));
  EXPECT_FALSE(*ipam.find("drop", "eth0"));
}

TEST(Ipam, ConcurrentThreadsGetDistinctAddresses) {
  TempDir dir;
  constexpr int kThreads = 16, kPerThread = 8;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      // Each thread opens its own Ipam, as separate plugin invocations would.
      auto ipam = Ipam::open({range_of("10.0.0.0/24")}, dir.path());
      for (int i = 0; i < kPerThread; ++i) got[t].push_back(alloc_ip(*ipam, "t" + std::to_string(t) + "-" + std::to_string(i)));
    });
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& v : got)
    for (const auto& ip : v) {
      EXPECT_EQ(ip.rfind("10.0.0.", 0), 0u) << ip;
      all.insert(ip);
    }
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});
}

TEST(Ipam, ConcurrentProcessesGetDistinctAddresses) {
  TempDir dir;
  constexpr int kProcs = 8, kPerProc = 10;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto ipam = Ipam::open({range_of("10.0.0.0/24")}, dir.path());
      bool ok = ipam.has_value();
      for (int i = 0; ok && i < kPerProc; ++i) ok = ipam->allocate("p" + std::to_string(p) + "-" + std::to_string(i), "eth0").has_value();
      ::_exit(ok ? 0 : 1);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/24")});
  std::set<std::string> owners;
  int leases = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (!Ipv4::parse(e.path().filename().string())) continue;
    ++leases;
    owners.insert(read_file(e.path()));
  }
  EXPECT_EQ(leases, kProcs * kPerProc);
  EXPECT_EQ(owners.size(), size_t{kProcs * kPerProc});  // one address per attachment
  EXPECT_EQ(*ipam.free_count(), 253u - kProcs * kPerProc);
}

TEST(IpamCrashRecovery, StrayTemporaryFromACrashedWriterIsSweptAndIgnored) {
  TempDir dir;
  // What a writer killed between create and link leaves: a half-written temporary.
  write_file(dir.path() + "/.tmp-10.0.0.2-4242-1-0", "c-dead\n");
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/29")});
  EXPECT_EQ(alloc_ip(ipam, "c1"), "10.0.0.2");
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/.tmp-10.0.0.2-4242-1-0"));
}

TEST(IpamCrashRecovery, UnreadableLeaseIsHeldUntilGcReclaimsIt) {
  TempDir dir;
  write_file(dir.path() + "/10.0.0.2", "");             // empty
  write_file(dir.path() + "/10.0.0.3", "c-half");       // truncated: no ifname
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/29")});
  EXPECT_EQ(alloc_ip(ipam, "c1"), "10.0.0.4");  // never hands out an address someone may use
  auto released = ipam.gc({{"c1", "eth0"}});
  ASSERT_TRUE(released);
  EXPECT_EQ(released->size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/10.0.0.2"));
  EXPECT_TRUE(*ipam.find("c1", "eth0"));
}

TEST(IpamCrashRecovery, GarbageLastReservedRestartsRoundRobin) {
  TempDir dir;
  write_file(dir.path() + "/last_reserved", "10.0.0.\xff");
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/29")});
  EXPECT_EQ(alloc_ip(ipam, "c1"), "10.0.0.2");
  EXPECT_EQ(read_file(dir.path() + "/last_reserved"), "10.0.0.2\n");
}

TEST(IpamCrashRecovery, LockOfADeadProcessIsReleased) {
  TempDir dir;
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/29")});
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int fd = ::open((dir.path() + "/lock").c_str(), O_RDWR | O_CREAT, 0600);
    ::flock(fd, LOCK_EX);
    (void)!::write(ready[1], "x", 1);
    ::_exit(0);  // dies holding the lock, as a crashed plugin would
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::waitpid(pid, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  EXPECT_EQ(alloc_ip(ipam, "c1"), "10.0.0.2");
}

TEST(IpamCrashRecovery, LeaseFromARangeNoLongerConfiguredIsReplaced) {
  TempDir dir;
  write_file(dir.path() + "/10.9.0.5", "c1\neth0\n");
  Ipam ipam = open_ipam(dir.path(), {range_of("10.0.0.0/29")});
  EXPECT_EQ(alloc_ip(ipam, "c1"), "10.0.0.2");
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/10.9.0.5"));
}

}  // namespace
}  // namespace skiff::cni
