// ZoneIndex: existence (NXDOMAIN vs NODATA), incremental owner updates,
// prepared answers and their invalidation, SRV additional records.
#include <gtest/gtest.h>

#include "skiff/dns/message_builder.h"
#include "skiff/dns/zone_index.h"
#include "test_util.h"

namespace skiff::dns {
namespace {

using test::wire;

std::string a(uint8_t d) {
  uint8_t v[4] = {10, 0, 0, d};
  return rdata_a(v);
}

Message answer(ZoneIndex& z, std::string_view name, uint16_t type) {
  auto r = z.lookup(wire(name), type);
  EXPECT_EQ(r.kind, ZoneIndex::Kind::Answer);
  if (!r.response) return {};
  return *parse_message(r.response->wire);
}

TEST(ZoneIndex, ApexAndEmptyNonTerminals) {
  ZoneIndex z(wire("cluster.local"), 30, 1);
  EXPECT_EQ(z.lookup(wire("cluster.local"), rrtype::SOA).kind, ZoneIndex::Kind::Answer);
  EXPECT_EQ(z.lookup(wire("cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NoData);
  EXPECT_EQ(z.lookup(wire("svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NoData);
  EXPECT_EQ(z.lookup(wire("nope.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NxDomain);

  z.set_records("svc:default/web", {{wire("web.default.svc.cluster.local"), rrtype::A, a(1)}});
  EXPECT_EQ(z.lookup(wire("default.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NoData);
  EXPECT_EQ(z.lookup(wire("web.default.svc.cluster.local"), rrtype::TXT).kind, ZoneIndex::Kind::NoData);
  EXPECT_EQ(answer(z, "web.default.svc.cluster.local", rrtype::A).answers.size(), 1u);

  z.set_records("svc:default/web", {});
  EXPECT_EQ(z.lookup(wire("web.default.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NxDomain);
  EXPECT_EQ(z.lookup(wire("default.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NxDomain);
  EXPECT_EQ(z.lookup(wire("svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NoData);  // pinned
}

TEST(ZoneIndex, PinsKeepNamespacesAlive) {
  ZoneIndex z(wire("cluster.local"), 30, 1);
  z.pin(wire("kube-system.svc.cluster.local"));
  EXPECT_EQ(z.lookup(wire("kube-system.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NoData);
  z.unpin(wire("kube-system.svc.cluster.local"));
  EXPECT_EQ(z.lookup(wire("kube-system.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NxDomain);
}

TEST(ZoneIndex, DiffUpdatesAndSharedRecords) {
  ZoneIndex z(wire("cluster.local"), 30, 1);
  const auto n = wire("h.svc.ns.svc.cluster.local");
  z.set_records("svc:ns/svc", {{n, rrtype::A, a(1)}, {n, rrtype::A, a(2)}});
  z.set_records("pod:ns/p", {{n, rrtype::A, a(1)}});  // same record from another owner
  EXPECT_EQ(z.record_count(), 2u + 2u);  // + apex SOA and NS
  EXPECT_EQ(answer(z, "h.svc.ns.svc.cluster.local", rrtype::A).answers.size(), 2u);
  z.set_records("svc:ns/svc", {{n, rrtype::A, a(2)}});
  // 10.0.0.1 stays: the pod still contributes it; prepared answer refreshed.
  EXPECT_EQ(answer(z, "h.svc.ns.svc.cluster.local", rrtype::A).answers.size(), 2u);
  z.set_records("pod:ns/p", {});
  EXPECT_EQ(answer(z, "h.svc.ns.svc.cluster.local", rrtype::A).answers.size(), 1u);
}

TEST(ZoneIndex, SrvCarriesAdditionalAddresses) {
  ZoneIndex z(wire("cluster.local"), 30, 1);
  const auto svc = wire("web.ns.svc.cluster.local");
  z.set_records("svc:ns/web", {{svc, rrtype::A, a(9)},
                               {wire("_http._tcp.web.ns.svc.cluster.local"), rrtype::SRV, rdata_srv(0, 100, 80, svc)}});
  auto m = answer(z, "_http._tcp.web.ns.svc.cluster.local", rrtype::SRV);
  ASSERT_EQ(m.answers.size(), 1u);
  ASSERT_EQ(m.additional.size(), 1u);
  EXPECT_EQ(m.additional[0].name, svc);
  EXPECT_EQ(z.lookup(wire("_tcp.web.ns.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NoData);
}

TEST(ZoneIndex, CnameForOtherTypesAndChaseTarget) {
  ZoneIndex z(wire("cluster.local"), 30, 1);
  z.set_records("svc:ns/ext", {{wire("ext.ns.svc.cluster.local"), rrtype::CNAME, wire("example.com")}});
  auto r = z.lookup(wire("ext.ns.svc.cluster.local"), rrtype::A);
  ASSERT_EQ(r.kind, ZoneIndex::Kind::Answer);
  EXPECT_EQ(r.response->chase_target, wire("example.com"));
  EXPECT_EQ(parse_message(r.response->wire)->answers[0].type, rrtype::CNAME);
  auto c = z.lookup(wire("ext.ns.svc.cluster.local"), rrtype::CNAME);
  EXPECT_TRUE(c.response->chase_target.empty());
}

TEST(ZoneIndex, CnameToClusterNameFollowsTargetChanges) {
  ZoneIndex z(wire("cluster.local"), 30, 1);
  const auto target = wire("web.ns.svc.cluster.local");
  z.set_records("svc:ns/alias", {{wire("alias.ns.svc.cluster.local"), rrtype::CNAME, target}});
  z.set_records("svc:ns/web", {{target, rrtype::A, a(1)}});
  EXPECT_EQ(answer(z, "alias.ns.svc.cluster.local", rrtype::A).answers.size(), 2u);
  z.set_records("svc:ns/web", {{target, rrtype::A, a(1)}, {target, rrtype::A, a(2)}});
  EXPECT_EQ(answer(z, "alias.ns.svc.cluster.local", rrtype::A).answers.size(), 3u);
}

TEST(ZoneIndex, ApexOf) {
  ZoneIndex z(wire("cluster.local"), 30, 1);
  EXPECT_EQ(z.apex_of(wire("a.b.cluster.local")), wire("cluster.local"));
  EXPECT_EQ(z.apex_of(wire("1.0.0.10.in-addr.arpa")), wire("in-addr.arpa"));
  EXPECT_TRUE(z.apex_of(wire("example.com")).empty());
}

}  // namespace
}  // namespace skiff::dns
