#include "lb_map_writer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <set>

#include "fake_lb_maps.h"
#include "skiff/bpf/abi.h"

namespace skiff::lb {
namespace {

using testing::FakeLbMaps;

L4Addr addr(const char* ip, uint16_t port, uint8_t proto = SKIFF_PROTO_TCP) {
  in_addr a{};
  inet_pton(AF_INET, ip, &a);
  return L4Addr{a.s_addr, htons(port), proto};
}

BackendState backend(const char* ip, uint16_t port, bool terminating = false) {
  return BackendState{.addr = addr(ip, port), .local = true, .terminating = terminating};
}

FrontendState frontend(const char* vip, std::vector<BackendState> active,
                       std::vector<BackendState> draining = {}, uint32_t affinity = 0) {
  FrontendState f{.key = addr(vip, 80), .service = "default/web", .port_name = "http"};
  f.affinity_timeout = affinity;
  f.active = std::move(active);
  f.draining = std::move(draining);
  return f;
}

skiff_service_key key(const char* vip, uint16_t port = 80) {
  auto a = addr(vip, port);
  return {a.addr_be, a.port_be, a.proto, 0};
}

// Backend ids named by a frontend's slot range.
std::set<uint32_t> table_ids(FakeLbMaps& maps, const skiff_service& s) {
  return {maps.slot_array.begin() + s.slot_offset, maps.slot_array.begin() + s.slot_offset + s.slot_count};
}

uint32_t id_of(FakeLbMaps& maps, const BackendState& b) {
  for (auto& [id, v] : maps.backends)
    if (v.addr == b.addr.addr_be && v.port == b.addr.port_be) return id;
  return 0;
}

TEST(LbMapWriter, InstallsFrontendBackendsAndTable) {
  FakeLbMaps maps(1 << 16);
  LbMapWriter writer(maps, {});
  auto f = frontend("10.96.0.10", {backend("10.0.0.1", 8080), backend("10.0.0.2", 8080), backend("10.0.0.3", 8080)});
  auto report = writer.apply("default/web", {f});
  ASSERT_TRUE(report.errors.empty());
  ASSERT_EQ(maps.services.size(), 1u);
  const auto& svc = maps.services.at(key("10.96.0.10"));
  EXPECT_EQ(svc.slot_count, 509u);  // smallest ladder prime >= 100 * 3
  EXPECT_EQ(maps.backends.size(), 3u);
  std::set<uint32_t> expected;
  for (auto& b : f.active) expected.insert(id_of(maps, b));
  EXPECT_EQ(table_ids(maps, svc), expected);
  EXPECT_EQ(maps.names.at(svc.id), "default/web:http");
  EXPECT_EQ(report.slots_written, 509u);
}

TEST(LbMapWriter, UnchangedApplyWritesNothing) {
  FakeLbMaps maps(1 << 16);
  LbMapWriter writer(maps, {});
  auto f = frontend("10.96.0.10", {backend("10.0.0.1", 8080), backend("10.0.0.2", 8080)});
  writer.apply("default/web", {f});
  size_t writes = maps.writes;
  auto report = writer.apply("default/web", {f});
  EXPECT_EQ(maps.writes, writes);
  EXPECT_EQ(report.slots_written, 0u);
}

TEST(LbMapWriter, RemovedEndpointKeepsOtherIdsAndGetsFreshTable) {
  FakeLbMaps maps(1 << 16);
  LbMapWriter writer(maps, {});
  auto b1 = backend("10.0.0.1", 8080), b2 = backend("10.0.0.2", 8080), b3 = backend("10.0.0.3", 8080);
  writer.apply("default/web", {frontend("10.96.0.10", {b1, b2, b3})});
  auto before = maps.services.at(key("10.96.0.10"));
  uint32_t id1 = id_of(maps, b1), id2 = id_of(maps, b2);

  writer.apply("default/web", {frontend("10.96.0.10", {b1, b2})});
  auto after = maps.services.at(key("10.96.0.10"));
  EXPECT_EQ(after.id, before.id);
  EXPECT_NE(after.slot_offset, before.slot_offset) << "a live table is never rewritten in place";
  EXPECT_EQ(id_of(maps, b1), id1);
  EXPECT_EQ(id_of(maps, b2), id2);
  EXPECT_EQ(id_of(maps, b3), 0u) << "an unused backend leaves the map";
  EXPECT_EQ(table_ids(maps, after), (std::set<uint32_t>{id1, id2}));
}

TEST(LbMapWriter, TerminatingBackendDrainsOutsideTheTable) {
  FakeLbMaps maps(1 << 16);
  LbMapWriter writer(maps, {});
  auto b1 = backend("10.0.0.1", 8080), b2 = backend("10.0.0.2", 8080);
  writer.apply("default/web", {frontend("10.96.0.10", {b1, b2})});
  auto b2t = backend("10.0.0.2", 8080, true);
  writer.apply("default/web", {frontend("10.96.0.10", {b1}, {b2t})});
  uint32_t id2 = id_of(maps, b2);
  ASSERT_NE(id2, 0u) << "a draining backend stays for its open flows";
  EXPECT_TRUE(maps.backends.at(id2).flags & SKIFF_BACKEND_F_TERMINATING);
  EXPECT_FALSE(table_ids(maps, maps.services.at(key("10.96.0.10"))).contains(id2));
}

TEST(LbMapWriter, NoBackendFrontendHasEmptyTable) {
  FakeLbMaps maps(1 << 16);
  LbMapWriter writer(maps, {});
  auto f = frontend("10.96.0.10", {});
  writer.apply("default/web", {f});
  EXPECT_EQ(maps.services.at(key("10.96.0.10")).slot_count, 0u);
}

TEST(LbMapWriter, DeletedServiceLeavesNothing) {
  FakeLbMaps maps(1 << 16);
  LbMapWriter writer(maps, {});
  writer.apply("default/web", {frontend("10.96.0.10", {backend("10.0.0.1", 80)})});
  auto report = writer.apply("default/web", {});
  EXPECT_EQ(report.frontends_deleted, 1u);
  EXPECT_TRUE(maps.services.empty());
  EXPECT_TRUE(maps.backends.empty());
  EXPECT_TRUE(maps.names.empty());
  EXPECT_EQ(writer.slots_in_use(), 0u);
}

TEST(LbMapWriter, SharedBackendOutlivesOneFrontend) {
  FakeLbMaps maps(1 << 16);
  LbMapWriter writer(maps, {});
  auto b = backend("10.0.0.1", 8080);
  auto cluster_ip = frontend("10.96.0.10", {b});
  auto external = frontend("192.0.2.10", {b});
  writer.apply("default/web", {cluster_ip, external});
  writer.apply("default/web", {cluster_ip});
  EXPECT_NE(id_of(maps, b), 0u);
  EXPECT_EQ(maps.services.size(), 1u);
}

TEST(LbMapWriter, FullServiceMapIsAnErrorAndOthersKeepWorking) {
  FakeLbMaps maps(1 << 16, /*max_services=*/1);
  LbMapWriter writer(maps, {});
  EXPECT_TRUE(writer.apply("default/a", {frontend("10.96.0.1", {backend("10.0.0.1", 80)})}).errors.empty());
  auto f = frontend("10.96.0.2", {backend("10.0.0.2", 80)});
  f.service = "default/b";
  auto report = writer.apply("default/b", {f});
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].find("10.96.0.2:80/tcp (default/b:http)"), std::string::npos) << report.errors[0];
  EXPECT_EQ(maps.services.size(), 1u);
  EXPECT_EQ(maps.backends.size(), 1u) << "the failed frontend's backend is released";
  EXPECT_EQ(writer.slots_in_use(), 251u);
}

TEST(LbMapWriter, FullSlotArrayIsAnError) {
  FakeLbMaps maps(300);
  LbMapWriter writer(maps, {});
  writer.apply("default/a", {frontend("10.96.0.1", {backend("10.0.0.1", 80)})});
  auto f = frontend("10.96.0.2", {backend("10.0.0.2", 80)});
  f.service = "default/b";
  auto report = writer.apply("default/b", {f});
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].find("Maglev slot array full"), std::string::npos) << report.errors[0];
  EXPECT_FALSE(maps.services.contains(key("10.96.0.2")));
}

TEST(LbMapWriter, FrontendClaimedByTwoServicesIsAnError) {
  FakeLbMaps maps(1 << 16);
  LbMapWriter writer(maps, {});
  writer.apply("default/web", {frontend("10.96.0.10", {backend("10.0.0.1", 80)})});
  auto other = frontend("10.96.0.10", {backend("10.0.0.9", 80)});
  other.service = "default/other";
  auto report = writer.apply("default/other", {other});
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].find("already used by default/web:http"), std::string::npos);
  EXPECT_EQ(maps.backends.size(), 1u);
}

TEST(LbMapWriter, AffinityEntriesOfDepartedBackendsArePurged) {
  FakeLbMaps maps(1 << 16);
  LbMapWriter writer(maps, {});
  auto b1 = backend("10.0.0.1", 80), b2 = backend("10.0.0.2", 80);
  writer.apply("default/web", {frontend("10.96.0.10", {b1, b2}, {}, 3600)});
  uint32_t id2 = id_of(maps, b2);
  writer.apply("default/web", {frontend("10.96.0.10", {b1}, {}, 3600)});
  EXPECT_EQ(maps.purged, std::vector<uint32_t>{id2});
}

TEST(LbMapWriter, RestartAdoptsMapsWithoutRewritingThem) {
  FakeLbMaps maps(1 << 16);
  auto b1 = backend("10.0.0.1", 8080), b2 = backend("10.0.0.2", 8080);
  auto web = frontend("10.96.0.10", {b1, b2});
  auto gone = frontend("10.96.0.99", {backend("10.0.0.9", 80)});
  gone.service = "default/gone";
  {
    LbMapWriter first(maps, {});
    first.apply("default/web", {web});
    first.apply("default/gone", {gone});
  }
  auto before = maps.services.at(key("10.96.0.10"));
  uint32_t id1 = id_of(maps, b1), id2 = id_of(maps, b2);

  LbMapWriter second(maps, {});
  second.adopt();
  auto report = second.apply("default/web", {web});
  EXPECT_EQ(report.slots_written, 0u);
  EXPECT_EQ(report.frontends_written, 0u);
  auto cleanup = second.remove_services_except({"default/web"});
  EXPECT_EQ(cleanup.frontends_deleted, 1u);
  EXPECT_FALSE(maps.services.contains(key("10.96.0.99")));
  auto after = maps.services.at(key("10.96.0.10"));
  EXPECT_EQ(after.slot_offset, before.slot_offset);
  EXPECT_EQ(id_of(maps, b1), id1) << "conntrack names backends by id: ids survive a restart";
  EXPECT_EQ(id_of(maps, b2), id2);
  EXPECT_EQ(maps.backends.size(), 2u);

  // New allocations do not collide with adopted ranges or ids.
  auto b3 = backend("10.0.0.3", 8080);
  second.apply("default/web", {frontend("10.96.0.10", {b1, b2, b3})});
  auto grown = maps.services.at(key("10.96.0.10"));
  EXPECT_TRUE(grown.slot_offset >= before.slot_offset + before.slot_count ||
              grown.slot_offset + grown.slot_count <= before.slot_offset);
  EXPECT_EQ(maps.backends.size(), 3u);
}

}  // namespace
}  // namespace skiff::lb
