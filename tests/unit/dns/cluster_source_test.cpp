// ClusterSource: the index follows ObjectCache commits incrementally.
#include <gtest/gtest.h>

#include "skiff/dns/cluster_source.h"
#include "skiff/dns/zone_index.h"
#include "test_util.h"

namespace skiff::dns {
namespace {

using test::ip;
using test::wire;

kube::Service headless(const std::string& ns, const std::string& name) {
  kube::Service s;
  s.meta.ns = ns;
  s.meta.name = name;
  s.headless = true;
  return s;
}

kube::EndpointSlice slice(const std::string& ns, const std::string& name, const std::string& svc,
                          std::vector<const char*> addrs) {
  kube::EndpointSlice sl;
  sl.meta.ns = ns;
  sl.meta.name = name;
  sl.meta.labels["kubernetes.io/service-name"] = svc;
  sl.service_name = svc;
  for (const char* a : addrs) {
    kube::Endpoint e;
    e.addresses = {ip(a)};
    sl.endpoints.push_back(e);
  }
  return sl;
}

size_t answers(ZoneIndex& z, std::string_view name) {
  auto r = z.lookup(wire(name), rrtype::A);
  return r.kind == ZoneIndex::Kind::Answer ? r.response->an : 0;
}

TEST(ClusterSource, FollowsCommits) {
  kube::ObjectCache cache;
  ZoneIndex index(wire("cluster.local"), 30, 1);
  cache.upsert(headless("default", "db"));
  cache.upsert(slice("default", "db-a", "db", {"10.1.0.1", "10.1.0.2"}));
  cache.commit();
  ClusterSource source(cache, index);  // initial build from what is there

  EXPECT_EQ(answers(index, "db.default.svc.cluster.local"), 2u);
  EXPECT_EQ(index.lookup(wire("dns-version.cluster.local"), rrtype::TXT).kind, ZoneIndex::Kind::Answer);
  EXPECT_EQ(index.lookup(wire("default.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NoData);
  EXPECT_TRUE(index.exists(wire("default.pod.cluster.local")));  // namespace exposed by its services

  // A second slice of the same service: its endpoints join.
  cache.upsert(slice("default", "db-b", "db", {"10.1.0.3"}));
  cache.commit();
  EXPECT_EQ(answers(index, "db.default.svc.cluster.local"), 3u);
  EXPECT_EQ(answers(index, "10-1-0-3.db.default.svc.cluster.local"), 1u);

  cache.erase(kube::Kind::EndpointSlice, "default/db-a");
  cache.commit();
  EXPECT_EQ(answers(index, "db.default.svc.cluster.local"), 1u);
  EXPECT_EQ(index.lookup(wire("10-1-0-1.db.default.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NxDomain);

  cache.erase(kube::Kind::Service, "default/db");
  cache.commit();
  EXPECT_EQ(index.lookup(wire("db.default.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NxDomain);
  EXPECT_FALSE(index.exists(wire("default.pod.cluster.local")));
}

TEST(ClusterSource, NamespacesAndPodSubdomains) {
  kube::ObjectCache cache;
  ZoneIndex index(wire("cluster.local"), 30, 1);
  ClusterSource source(cache, index);
  kube::Namespace ns;
  ns.meta.name = "team";
  cache.upsert(ns);
  kube::Pod pod;
  pod.meta.ns = "team";
  pod.meta.name = "p";
  pod.hostname = "h";
  pod.subdomain = "sub";
  pod.ready = true;
  pod.pod_ips = {ip("10.2.0.9")};
  cache.upsert(pod);
  cache.commit();
  EXPECT_EQ(index.lookup(wire("team.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NoData);
  // No headless service "sub" yet: no record.
  EXPECT_EQ(index.lookup(wire("h.sub.team.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NxDomain);
  cache.upsert(headless("team", "sub"));
  cache.commit();
  EXPECT_EQ(answers(index, "h.sub.team.svc.cluster.local"), 1u);
  pod.ready = false;
  cache.upsert(pod);
  cache.commit();
  EXPECT_EQ(index.lookup(wire("h.sub.team.svc.cluster.local"), rrtype::A).kind, ZoneIndex::Kind::NxDomain);
}

}  // namespace
}  // namespace skiff::dns
