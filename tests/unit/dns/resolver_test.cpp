// Resolver without a network: the pipeline's decisions (error rcodes, sync
// state, pod names, negative answers, forwarding without upstreams).
#include <gtest/gtest.h>

#include "skiff/dns/kube_records.h"
#include "skiff/dns/message_builder.h"
#include "skiff/dns/rate_limiter.h"
#include "skiff/dns/resolver.h"
#include "test_util.h"

namespace skiff::dns {
namespace {

using test::make_query;
using test::wire;

class CollectingResponder : public Responder {
 public:
  std::function<void(std::span<const uint8_t>)> defer() override {
    ++deferred;
    return [this](std::span<const uint8_t> b) { later.assign(b.begin(), b.end()); };
  }
  int deferred = 0;
  std::vector<uint8_t> later;
};

class ResolverTest : public ::testing::Test {
 protected:
  ResolverTest() : index(wire("cluster.local"), 30, 1), resolver(cfg, index, metrics) {
    uint8_t v4[4] = {10, 96, 0, 10};
    index.set_records("svc", {{wire("web.default.svc.cluster.local"), rrtype::A, rdata_a(v4)}});
    index.pin(wire("default.pod.cluster.local"));
  }

  Message ask(const std::vector<uint8_t>& q, Transport t = Transport::Udp) {
    size_t n = resolver.handle(q, t, out, responder);
    EXPECT_GT(n, 0u);
    auto m = parse_message({out.data(), n});
    EXPECT_TRUE(m.has_value());
    return m.value_or(Message{});
  }
  Message ask(std::string_view name, uint16_t type) { return ask(make_query(name, type)); }

  DnsConfig cfg;
  ZoneIndex index;
  Metrics metrics;
  Resolver resolver;
  CollectingResponder responder;
  std::array<uint8_t, 65535> out{};
};

TEST_F(ResolverTest, AnswersClusterNames) {
  auto m = ask("Web.Default.svc.cluster.local", rrtype::A);
  EXPECT_EQ(m.rcode(), Rcode::NoError);
  EXPECT_EQ(m.answers.size(), 1u);
  EXPECT_TRUE(m.flags & flag::AA);
  EXPECT_TRUE(m.flags & flag::RA);
  EXPECT_EQ(metrics.responses(Rcode::NoError), 1u);
}

TEST_F(ResolverTest, NegativeAnswersCarrySoa) {
  auto nx = ask("nope.default.svc.cluster.local", rrtype::A);
  EXPECT_EQ(nx.rcode(), Rcode::NxDomain);
  ASSERT_EQ(nx.authority.size(), 1u);
  EXPECT_EQ(nx.authority[0].type, rrtype::SOA);
  auto nodata = ask("web.default.svc.cluster.local", rrtype::MX);
  EXPECT_EQ(nodata.rcode(), Rcode::NoError);
  EXPECT_TRUE(nodata.answers.empty());
  EXPECT_EQ(nodata.authority.size(), 1u);
}

TEST_F(ResolverTest, ServfailBeforeSyncOnlyForClusterNames) {
  resolver.set_synced([] { return false; });
  EXPECT_EQ(ask("web.default.svc.cluster.local", rrtype::A).rcode(), Rcode::ServFail);
  // Outside the zone: forwarded; without upstreams that is SERVFAIL too,
  // delivered through the responder.
  EXPECT_EQ(resolver.handle(make_query("example.com", rrtype::A), Transport::Udp, out, responder), 0u);
  EXPECT_EQ(responder.deferred, 1);
  EXPECT_EQ(parse_message(responder.later)->rcode(), Rcode::ServFail);
}

TEST_F(ResolverTest, PodNamesInsecure) {
  auto m = ask("10-1-2-3.default.pod.cluster.local", rrtype::A);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].rdata, std::string("\x0a\x01\x02\x03", 4));
  EXPECT_EQ(ask("10-1-2-3.default.pod.cluster.local", rrtype::AAAA).rcode(), Rcode::NoError);
  EXPECT_EQ(ask("fd00--1.default.pod.cluster.local", rrtype::AAAA).answers.size(), 1u);
  EXPECT_EQ(ask("10-1-2-3.unknown.pod.cluster.local", rrtype::A).rcode(), Rcode::NxDomain);
  EXPECT_EQ(ask("web.default.pod.cluster.local", rrtype::A).rcode(), Rcode::NxDomain);
}

TEST_F(ResolverTest, ProtocolErrors) {
  auto q = make_query("web.default.svc.cluster.local", rrtype::A);
  q[2] = static_cast<uint8_t>((q[2] & 0x87) | (2 << 3));  // opcode STATUS
  EXPECT_EQ(ask(q).rcode(), Rcode::NotImp);

  auto chaos = make_query("version.bind", rrtype::TXT);
  chaos[chaos.size() - 1] = 3;
  EXPECT_EQ(ask(chaos).rcode(), Rcode::Refused);

  EXPECT_EQ(ask("cluster.local", rrtype::AXFR).rcode(), Rcode::Refused);
  EXPECT_EQ(ask("cluster.local", rrtype::IXFR).rcode(), Rcode::Refused);

  auto two = make_query("a.b", rrtype::A);
  two[5] = 2;
  EXPECT_EQ(ask(two).rcode(), Rcode::FormErr);

  auto edns1 = make_query("web.default.svc.cluster.local", rrtype::A, 1, true);
  edns1[edns1.size() - 5] = 1;  // OPT version byte
  EXPECT_EQ(ask(edns1).rcode(), Rcode::BadVers);

  std::vector<uint8_t> shortq = {1, 2, 3};
  EXPECT_EQ(resolver.handle(shortq, Transport::Udp, out, responder), 0u);
}

TEST_F(ResolverTest, UdpLimitFollowsClientBuffer) {
  std::vector<ZoneRecord> many;
  for (int i = 0; i < 100; ++i) {
    uint8_t v4[4] = {10, 1, 0, static_cast<uint8_t>(i)};
    many.push_back({wire("big.default.svc.cluster.local"), rrtype::A, rdata_a(v4)});
  }
  index.set_records("big", many);
  auto udp = ask(make_query("big.default.svc.cluster.local", rrtype::A));
  EXPECT_TRUE(udp.flags & flag::TC);
  auto tcp = ask(make_query("big.default.svc.cluster.local", rrtype::A), Transport::Tcp);
  EXPECT_FALSE(tcp.flags & flag::TC);
  EXPECT_EQ(tcp.answers.size(), 100u);
  auto edns = ask(make_query("big.default.svc.cluster.local", rrtype::A, 1, true, 4096));
  EXPECT_FALSE(edns.flags & flag::TC);
}

TEST(DnsConfig, DefaultsAndOverrides) {
  auto d = parse_config("");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->zone, "cluster.local");
  EXPECT_EQ(d->ttl, 30u);
  EXPECT_EQ(d->cache_size, 9984u);
  auto c = parse_config("zone: example.internal\nttl: 5\nupstreams: ['10.0.0.2', '[fd00::2]:5353']\n"
                        "cache: {size: 10}\npods: disabled\nrate_limit: {qps: 100}\n");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->zone, "example.internal");
  EXPECT_EQ(c->upstreams.size(), 2u);
  EXPECT_EQ(c->cache_size, 10u);
  EXPECT_FALSE(c->pods_insecure);
  EXPECT_EQ(c->rate_limit_qps, 100u);
  EXPECT_FALSE(parse_config("ttl: 99999"));
  EXPECT_FALSE(parse_config("pods: verified"));
  EXPECT_FALSE(parse_config("listen: 1.2.3.4:99999"));
  EXPECT_FALSE(parse_config("[1, 2"));
}

TEST(DnsConfig, ResolvConfAndHostPort) {
  auto rc = parse_resolv_conf("# c\nnameserver 10.0.0.2\nnameserver fd00::2\nsearch a.example b.example\noptions ndots:1\n");
  EXPECT_EQ(rc.nameservers, (std::vector<std::string>{"10.0.0.2", "fd00::2"}));
  EXPECT_EQ(rc.search, (std::vector<std::string>{"a.example", "b.example"}));
  EXPECT_EQ(parse_host_port("1.2.3.4", 53)->port, 53);
  EXPECT_EQ(parse_host_port("1.2.3.4:5353", 53)->port, 5353);
  EXPECT_EQ(parse_host_port("[::1]:54", 53)->host, "::1");
  EXPECT_EQ(parse_host_port("fd00::1", 53)->host, "fd00::1");
  EXPECT_FALSE(parse_host_port("1.2.3.4:x", 53));
}

TEST(RateLimiter, LimitsOneClientNotOthers) {
  RateLimiter rl(10, 10);
  uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
  int allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += rl.allow(a, 1000);
  EXPECT_EQ(allowed, 10);
  EXPECT_TRUE(rl.allow(b, 1000));
  EXPECT_TRUE(rl.allow(a, 1200));  // refilled 2 tokens in 200 ms
  EXPECT_TRUE(RateLimiter(0, 0).allow(a, 0));
}

Message upstream_answer(Rcode rc, uint32_t ttl, bool with_soa, uint32_t soa_min = 60) {
  MessageBuilder b(wire("www.example.com"), rrtype::A, rrclass::IN, 0);
  b.set_rcode(rc);
  uint8_t v4[4] = {192, 0, 2, 1};
  if (rc == Rcode::NoError && !with_soa) b.add(Section::Answer, wire("www.example.com"), rrtype::A, rrclass::IN, ttl, rdata_a(v4));
  if (with_soa)
    b.add(Section::Authority, wire("example.com"), rrtype::SOA, rrclass::IN, ttl,
          rdata_soa(wire("ns.example.com"), wire("h.example.com"), 1, 2, 3, 4, soa_min));
  auto r = std::move(b).finish();
  return *parse_message(r.wire);
}

TEST(ResponseCache, TtlCapsPositiveNegativeAndNoCacheForServfail) {
  auto pos = encode_upstream_answer(upstream_answer(Rcode::NoError, 3600, false), wire("www.example.com"), 1, 1, 30, 30);
  ASSERT_TRUE(pos);
  EXPECT_EQ(pos->ttl, 30u);
  EXPECT_EQ(parse_message(pos->response.wire)->answers[0].ttl, 30u);
  auto neg = encode_upstream_answer(upstream_answer(Rcode::NxDomain, 600, true, 10), wire("www.example.com"), 1, 1, 30, 30);
  EXPECT_EQ(neg->ttl, 10u);  // SOA minimum
  auto fail = encode_upstream_answer(upstream_answer(Rcode::ServFail, 0, false), wire("www.example.com"), 1, 1, 30, 30);
  EXPECT_EQ(fail->ttl, 0u);
}

TEST(ResponseCache, LruAndExpiry) {
  ResponseCache c(2);
  auto now = Clock::now();
  EncodedResponse r;
  c.insert("a", r, 10, now);
  c.insert("b", r, 10, now);
  ASSERT_TRUE(c.find("a", now));  // a is now most recent
  c.insert("c", r, 10, now);      // evicts b
  EXPECT_FALSE(c.find("b", now));
  EXPECT_TRUE(c.find("c", now));
  auto hit = c.find("a", now + std::chrono::seconds(4));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->age_seconds, 4u);
  EXPECT_FALSE(c.find("a", now + std::chrono::seconds(10)));
  EXPECT_EQ(c.size(), 1u);
}

}  // namespace
}  // namespace skiff::dns
