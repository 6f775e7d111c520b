// Record logic from Kubernetes objects, checked through the ZoneIndex the
// way queries see it.
#include <gtest/gtest.h>

#include "skiff/dns/kube_records.h"
#include "skiff/dns/message_builder.h"
#include "test_util.h"

namespace skiff::dns {
namespace {

using test::ip;
using test::wire;

const std::string kZone = wire("cluster.local");

kube::Service cluster_ip_service() {
  kube::Service s;
  s.meta.ns = "default";
  s.meta.name = "web";
  s.cluster_ips = {ip("10.96.0.10")};
  s.ports = {{.name = "http", .protocol = kube::Protocol::TCP, .port = 80}, {.name = "", .port = 8080}};
  return s;
}

kube::EndpointSlice slice(std::vector<kube::Endpoint> eps) {
  kube::EndpointSlice sl;
  sl.meta.ns = "default";
  sl.meta.name = "web-abc";
  sl.service_name = "web";
  sl.endpoints = std::move(eps);
  sl.ports = {{.name = "http", .protocol = kube::Protocol::TCP, .port = 8080}};
  return sl;
}

kube::Endpoint ep(const char* addr, bool ready = true, std::optional<std::string> host = std::nullopt) {
  kube::Endpoint e;
  e.addresses = {ip(addr)};
  e.conditions.ready = ready;
  e.hostname = host;
  return e;
}

std::vector<ResourceRecord> answers(ZoneIndex& z, std::string_view name, uint16_t type) {
  auto r = z.lookup(wire(name), type);
  if (r.kind != ZoneIndex::Kind::Answer) return {};
  return parse_message(r.response->wire)->answers;
}

TEST(KubeRecords, ClusterIpServiceARecordSrvAndPtr) {
  ZoneIndex z(kZone, 30, 1);
  auto s = cluster_ip_service();
  auto sl = slice({ep("10.1.0.5")});
  const kube::EndpointSlice* slices[] = {&sl};
  z.set_records("svc", service_records(s, slices, kZone));

  auto a = answers(z, "web.default.svc.cluster.local", rrtype::A);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rdata, std::string("\x0a\x60\x00\x0a", 4));
  EXPECT_EQ(a[0].ttl, 30u);

  auto srv = answers(z, "_http._tcp.web.default.svc.cluster.local", rrtype::SRV);
  ASSERT_EQ(srv.size(), 1u);
  EXPECT_EQ(srv[0].rdata, rdata_srv(0, 100, 80, wire("web.default.svc.cluster.local")));
  EXPECT_EQ(answers(z, "web.default.svc.cluster.local", rrtype::SRV).size(), 2u);  // all ports
  EXPECT_EQ(z.lookup(wire("_8080._tcp.web.default.svc.cluster.local"), rrtype::SRV).kind,
            ZoneIndex::Kind::NxDomain);  // unnamed ports have no SRV name

  auto ptr = answers(z, "10.0.96.10.in-addr.arpa", rrtype::PTR);
  ASSERT_EQ(ptr.size(), 1u);
  EXPECT_EQ(ptr[0].rdata, wire("web.default.svc.cluster.local"));
  // Endpoint names exist for ClusterIP services too (CoreDNS).
  EXPECT_EQ(answers(z, "10-1-0-5.web.default.svc.cluster.local", rrtype::A).size(), 1u);
  EXPECT_EQ(answers(z, "5.0.1.10.in-addr.arpa", rrtype::PTR)[0].rdata, wire("10-1-0-5.web.default.svc.cluster.local"));
  EXPECT_EQ(z.lookup(wire("web.default.svc.cluster.local"), rrtype::AAAA).kind, ZoneIndex::Kind::NoData);
}

TEST(KubeRecords, ClusterIpWithoutEndpointsStillAnswers) {
  ZoneIndex z(kZone, 30, 1);
  z.set_records("svc", service_records(cluster_ip_service(), {}, kZone));
  EXPECT_EQ(answers(z, "web.default.svc.cluster.local", rrtype::A).size(), 1u);
}

TEST(KubeRecords, Ipv6ClusterIpGivesAaaaAndNibblePtr) {
  ZoneIndex z(kZone, 30, 1);
  auto s = cluster_ip_service();
  s.cluster_ips = {ip("fd00::a")};
  z.set_records("svc", service_records(s, {}, kZone));
  EXPECT_EQ(answers(z, "web.default.svc.cluster.local", rrtype::AAAA).size(), 1u);
  EXPECT_EQ(z.lookup(wire("web.default.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NoData);
  auto ptr = answers(z, "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa", rrtype::PTR);
  ASSERT_EQ(ptr.size(), 1u);
  auto back = parse_reverse_name(wire("a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa"));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, ip("fd00::a"));
}

TEST(KubeRecords, HeadlessReadyEndpointsHostnamesAndNxWhenNoneReady) {
  ZoneIndex z(kZone, 30, 1);
  auto s = cluster_ip_service();
  s.headless = true;
  s.cluster_ips.clear();
  auto sl = slice({ep("10.1.0.5", true, "db-0"), ep("10.1.0.6"), ep("10.1.0.7", false)});
  const kube::EndpointSlice* slices[] = {&sl};
  z.set_records("svc", service_records(s, slices, kZone));

  EXPECT_EQ(answers(z, "web.default.svc.cluster.local", rrtype::A).size(), 2u);
  EXPECT_EQ(answers(z, "db-0.web.default.svc.cluster.local", rrtype::A).size(), 1u);
  EXPECT_EQ(answers(z, "10-1-0-6.web.default.svc.cluster.local", rrtype::A).size(), 1u);
  EXPECT_EQ(z.lookup(wire("10-1-0-7.web.default.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NxDomain);
  auto srv = answers(z, "_http._tcp.web.default.svc.cluster.local", rrtype::SRV);
  ASSERT_EQ(srv.size(), 2u);
  EXPECT_EQ(answers(z, "5.0.1.10.in-addr.arpa", rrtype::PTR)[0].rdata, wire("db-0.web.default.svc.cluster.local"));
  auto srv_msg = parse_message(z.lookup(wire("_http._tcp.web.default.svc.cluster.local"), rrtype::SRV).response->wire);
  EXPECT_EQ(srv_msg->additional.size(), 2u);

  // All endpoints become unready: the name disappears (NXDOMAIN).
  sl.endpoints = {ep("10.1.0.5", false, "db-0")};
  z.set_records("svc", service_records(s, slices, kZone));
  EXPECT_EQ(z.lookup(wire("web.default.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NxDomain);

  // publishNotReadyAddresses publishes them anyway.
  s.publish_not_ready_addresses = true;
  z.set_records("svc", service_records(s, slices, kZone));
  EXPECT_EQ(answers(z, "web.default.svc.cluster.local", rrtype::A).size(), 1u);
}

TEST(KubeRecords, ExternalNameIsCname) {
  ZoneIndex z(kZone, 30, 1);
  kube::Service s;
  s.meta.ns = "default";
  s.meta.name = "ext";
  s.type = kube::ServiceType::ExternalName;
  s.external_name = "Example.COM";
  z.set_records("svc", service_records(s, {}, kZone));
  auto c = answers(z, "ext.default.svc.cluster.local", rrtype::CNAME);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].rdata, wire("example.com"));
}

TEST(KubeRecords, PodHostnameSubdomain) {
  kube::Service s = cluster_ip_service();
  s.headless = true;
  s.meta.name = "sub";
  kube::Pod p;
  p.meta.ns = "default";
  p.meta.name = "p";
  p.hostname = "host1";
  p.subdomain = "sub";
  p.ready = true;
  p.pod_ips = {ip("10.1.2.3")};
  auto recs = pod_records(p, &s, kZone);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].name, wire("host1.sub.default.svc.cluster.local"));
  p.ready = false;
  EXPECT_TRUE(pod_records(p, &s, kZone).empty());
  s.publish_not_ready_addresses = true;
  EXPECT_EQ(pod_records(p, &s, kZone).size(), 1u);
  s.headless = false;
  EXPECT_TRUE(pod_records(p, &s, kZone).empty());
}

TEST(KubeRecords, DashedIps) {
  EXPECT_EQ(dashed_ip(ip("10.1.2.3")), "10-1-2-3");
  EXPECT_EQ(dashed_ip(ip("fd00::1")), "fd00--1");
  EXPECT_EQ(*parse_dashed_ip("10-1-2-3"), ip("10.1.2.3"));
  EXPECT_EQ(*parse_dashed_ip("fd00--1"), ip("fd00::1"));
  EXPECT_FALSE(parse_dashed_ip("web"));
  EXPECT_FALSE(parse_dashed_ip("10-1-2-300"));
}

TEST(KubeRecords, SchemaVersion) {
  ZoneIndex z(kZone, 30, 1);
  z.set_records("schema", schema_records(kZone));
  auto t = answers(z, "dns-version.cluster.local", rrtype::TXT);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].rdata, std::string("\x05" "1.1.0"));
}

}  // namespace
}  // namespace skiff::dns
