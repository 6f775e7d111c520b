// Wire format: name handling, query parsing (bounds, compression, EDNS0),
// full message parsing, building with compression, rendering and truncation.
#include <gtest/gtest.h>

#include <vector>

#include "skiff/dns/encoded_response.h"
#include "skiff/dns/message.h"
#include "skiff/dns/message_builder.h"
#include "skiff/dns/name.h"

namespace skiff::dns {
namespace {

using Bytes = std::vector<uint8_t>;

std::string wire(std::string_view text) { return *name_from_text(text); }

Bytes make_query(std::string_view name, uint16_t type, uint16_t id = 0x1234, bool edns = false,
                 uint16_t udp = 4096, uint16_t flags = flag::RD) {
  Bytes b = {uint8_t(id >> 8), uint8_t(id), uint8_t(flags >> 8), uint8_t(flags), 0, 1, 0, 0, 0, 0, 0,
             uint8_t(edns ? 1 : 0)};
  auto n = wire(name);
  b.insert(b.end(), n.begin(), n.end());
  b.push_back(type >> 8);
  b.push_back(type & 0xff);
  b.push_back(0);
  b.push_back(1);
  if (edns) {
    Bytes opt = {0, 0, 41, uint8_t(udp >> 8), uint8_t(udp), 0, 0, 0x80, 0, 0, 0};
    b.insert(b.end(), opt.begin(), opt.end());
  }
  return b;
}

TEST(DnsName, TextRoundTrip) {
  EXPECT_EQ(name_to_text(wire("Web.Default.svc.cluster.local")), "Web.Default.svc.cluster.local.");
  EXPECT_EQ(name_to_text(wire(".")), ".");
  EXPECT_FALSE(name_from_text("a..b"));
  EXPECT_FALSE(name_from_text(std::string(64, 'a')));
  EXPECT_TRUE(name_from_text(std::string(63, 'a')));
  std::string long_name;
  for (int i = 0; i < 64; ++i) long_name += "abc.";
  EXPECT_FALSE(name_from_text(long_name));  // 256 bytes in wire form
}

TEST(DnsName, ZoneMembershipRespectsLabels) {
  EXPECT_TRUE(name_in_zone(wire("a.cluster.local"), wire("cluster.local")));
  EXPECT_TRUE(name_in_zone(wire("cluster.local"), wire("cluster.local")));
  EXPECT_FALSE(name_in_zone(wire("xcluster.local"), wire("cluster.local")));
  EXPECT_FALSE(name_in_zone(wire("local"), wire("cluster.local")));
  EXPECT_EQ(parent_name(wire("a.b.c")), wire("b.c"));
  EXPECT_EQ(label_count(wire("a.b.c")), 3);
}

TEST(DnsQuery, ParsesQuestionAndLowercases) {
  auto q = parse_query(make_query("WeB.Default.SVC.cluster.local", 1, 0xbeef));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->id, 0xbeef);
  EXPECT_EQ(q->qtype, 1);
  EXPECT_EQ(q->qclass, 1);
  EXPECT_EQ(q->lower_name(), wire("web.default.svc.cluster.local"));
  EXPECT_EQ(q->name(), wire("WeB.Default.SVC.cluster.local"));
  EXPECT_FALSE(q->has_edns);
  EXPECT_EQ(q->udp_size, 512);
}

TEST(DnsQuery, Edns0BufferSizeAndDo) {
  auto q = parse_query(make_query("a.b", 1, 1, true, 1232));
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->has_edns);
  EXPECT_EQ(q->udp_size, 1232);
  EXPECT_TRUE(q->dnssec_ok);
  auto small = parse_query(make_query("a.b", 1, 1, true, 100));
  ASSERT_TRUE(small);
  EXPECT_EQ(small->udp_size, 512);  // below 512 means 512 (RFC 6891 6.2.5)
}

TEST(DnsQuery, MalformedInputs) {
  EXPECT_FALSE(parse_query(Bytes(5, 0)).error().respond);  // short header: drop
  Bytes response = make_query("a.b", 1);
  response[2] |= 0x80;
  EXPECT_FALSE(parse_query(response).error().respond);  // a response: never answer

  Bytes two = make_query("a.b", 1);
  two[5] = 2;
  EXPECT_EQ(parse_query(two).error().error, WireError::BadQuestionCount);
  Bytes none = make_query("a.b", 1);
  none[5] = 0;
  EXPECT_EQ(parse_query(none).error().rcode, Rcode::FormErr);

  Bytes cut = make_query("abc.def", 1);
  cut.resize(cut.size() - 3);
  EXPECT_EQ(parse_query(cut).error().error, WireError::Truncated);

  Bytes ptr = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1};  // points at itself
  EXPECT_EQ(parse_query(ptr).error().error, WireError::BadPointer);

  Bytes label = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x40, 'a', 0, 0, 1, 0, 1};
  EXPECT_EQ(parse_query(label).error().error, WireError::BadLabel);

  Bytes biglabel = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64};
  biglabel.resize(biglabel.size() + 64, 'a');
  biglabel.insert(biglabel.end(), {0, 0, 1, 0, 1});
  EXPECT_FALSE(parse_query(biglabel));

  Bytes longname = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 5; ++i) {
    longname.push_back(63);
    longname.insert(longname.end(), 63, 'a');
  }
  longname.insert(longname.end(), {0, 0, 1, 0, 1});
  EXPECT_EQ(parse_query(longname).error().error, WireError::NameTooLong);

  Bytes two_opts = make_query("a.b", 1, 1, true);
  two_opts[11] = 2;
  two_opts.insert(two_opts.end(), {0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(parse_query(two_opts).error().error, WireError::BadOpt);

  Bytes opt_arcount = make_query("a.b", 1);
  opt_arcount[11] = 1;  // claims an additional record that is not there
  EXPECT_EQ(parse_query(opt_arcount).error().error, WireError::Truncated);
}

TEST(DnsMessage, RejectsCompressionLoopsAndForwardPointers) {
  // header, qd=1: name = pointer to offset 14, where a pointer back to 12.
  Bytes loop = {0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xC0, 12, 0, 1, 0, 1};
  EXPECT_EQ(parse_message(loop).error(), WireError::BadPointer);
  Bytes forward = {0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 20, 0, 1, 0, 1, 0, 0, 1, 'a', 0};
  EXPECT_EQ(parse_message(forward).error(), WireError::BadPointer);
  Bytes out_of_range = {0, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 1, 0, 1};
  EXPECT_EQ(parse_message(out_of_range).error(), WireError::BadPointer);
  Bytes huge_counts = {0, 1, 0x81, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(parse_message(huge_counts).error(), WireError::Truncated);
}

TEST(DnsBuilder, CompressesOwnerAndRdataNames) {
  const std::string q = wire("www.example.com");
  MessageBuilder b(q, rrtype::CNAME, rrclass::IN, 0);
  b.add(Section::Answer, q, rrtype::CNAME, rrclass::IN, 60, wire("web.example.com"));
  uint8_t v4[4] = {1, 2, 3, 4};
  b.add(Section::Answer, wire("web.example.com"), rrtype::A, rrclass::IN, 60, rdata_a(v4));
  auto r = std::move(b).finish();
  // header 12 + question 17+4 + CNAME(2+10+ "3web"+ptr=6) + A(2+10+4)
  EXPECT_EQ(r.wire.size(), 12u + 21 + 18 + 16);
  auto m = parse_message(r.wire);
  ASSERT_TRUE(m) << wire_error_name(m.error());
  ASSERT_EQ(m->answers.size(), 2u);
  EXPECT_EQ(m->answers[0].rdata, wire("web.example.com"));  // expanded again
  EXPECT_EQ(m->answers[1].name, wire("web.example.com"));
  EXPECT_EQ(m->answers[1].ttl, 60u);
  EXPECT_TRUE(m->flags & flag::QR);
}

TEST(DnsBuilder, RejectsBadRdataForNameTypes) {
  MessageBuilder b(wire("a.b"), rrtype::CNAME, rrclass::IN, 0);
  EXPECT_FALSE(b.add(Section::Answer, wire("a.b"), rrtype::CNAME, rrclass::IN, 1, std::string("\x05zz", 3)));
  auto r = std::move(b).finish();
  EXPECT_EQ(r.an, 0);
}

EncodedResponse many_a(std::string_view name, int n) {
  MessageBuilder b(wire(name), rrtype::A, rrclass::IN, flag::AA);
  for (int i = 0; i < n; ++i) {
    uint8_t v4[4] = {10, 0, uint8_t(i >> 8), uint8_t(i)};
    b.add(Section::Answer, wire(name), rrtype::A, rrclass::IN, 30, rdata_a(v4));
  }
  return std::move(b).finish();
}

TEST(DnsRender, PatchesIdCaseAndRd) {
  auto r = many_a("web.default.svc.cluster.local", 2);
  auto q = parse_query(make_query("WEB.default.svc.cluster.local", 1, 0x4242));
  ASSERT_TRUE(q);
  uint8_t out[512];
  size_t n = render(r, *q, {.limit = 512}, out);
  auto m = parse_message({out, n});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, 0x4242);
  EXPECT_TRUE(m->flags & flag::RD);
  EXPECT_TRUE(m->flags & flag::AA);
  EXPECT_EQ(m->questions[0].name, wire("WEB.default.svc.cluster.local"));
  EXPECT_EQ(m->answers.size(), 2u);
}

TEST(DnsRender, TruncatesAt512WithoutEdnsAndSetsTc) {
  auto r = many_a("big.default.svc.cluster.local", 100);  // ~1.6 KB
  auto q = parse_query(make_query("big.default.svc.cluster.local", 1));
  uint8_t out[65535];
  size_t n = render(r, *q, {.limit = q->udp_size}, out);
  EXPECT_LE(n, 512u);
  auto m = parse_message({out, n});
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->flags & flag::TC);
  EXPECT_GT(m->answers.size(), 0u);
  EXPECT_LT(m->answers.size(), 100u);

  auto e = parse_query(make_query("big.default.svc.cluster.local", 1, 7, true, 4096));
  n = render(r, *e, {.limit = e->udp_size}, out);
  m = parse_message({out, n});
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->flags & flag::TC);
  EXPECT_EQ(m->answers.size(), 100u);
  EXPECT_TRUE(m->has_edns);

  auto small = parse_query(make_query("big.default.svc.cluster.local", 1, 7, true, 1232));
  n = render(r, *small, {.limit = small->udp_size}, out);
  EXPECT_LE(n, 1232u);
  m = parse_message({out, n});
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->flags & flag::TC);
  EXPECT_TRUE(m->has_edns);  // OPT kept when truncating
}

TEST(DnsRender, AgesTtls) {
  auto r = many_a("a.b", 1);
  auto q = parse_query(make_query("a.b", 1));
  uint8_t out[512];
  size_t n = render(r, *q, {.limit = 512, .age_seconds = 10}, out);
  EXPECT_EQ(parse_message({out, n})->answers[0].ttl, 20u);
  n = render(r, *q, {.limit = 512, .age_seconds = 100}, out);
  EXPECT_EQ(parse_message({out, n})->answers[0].ttl, 0u);
}

TEST(DnsRender, ErrorsAndNegative) {
  auto q = parse_query(make_query("x.cluster.local", 1, 9, true));
  uint8_t out[512];
  size_t n = render_error(*q, true, Rcode::Refused, 1232, out);
  auto m = parse_message({out, n});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rcode(), Rcode::Refused);
  EXPECT_EQ(m->questions.size(), 1u);

  n = render_error(*q, true, Rcode::BadVers, 1232, out);
  m = parse_message({out, n});
  EXPECT_EQ(m->rcode(), Rcode::BadVers);

  std::string soa = rdata_soa(wire("ns.dns.cluster.local"), wire("hostmaster.cluster.local"), 1, 2, 3, 4, 30);
  n = render_negative(*q, Rcode::NxDomain, wire("cluster.local").size(), soa, 30, 1232, out);
  m = parse_message({out, n});
  ASSERT_TRUE(m) << wire_error_name(m.error());
  EXPECT_EQ(m->rcode(), Rcode::NxDomain);
  ASSERT_EQ(m->authority.size(), 1u);
  EXPECT_EQ(m->authority[0].name, wire("cluster.local"));
  EXPECT_EQ(m->authority[0].type, rrtype::SOA);
  EXPECT_TRUE(m->flags & flag::AA);
}

TEST(DnsRender, HeaderError) {
  Bytes two = make_query("a.b", 1, 0x7777);
  two[5] = 2;
  uint8_t out[64];
  size_t n = render_header_error(two, Rcode::FormErr, out);
  auto m = parse_message({out, n});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, 0x7777);
  EXPECT_EQ(m->rcode(), Rcode::FormErr);
}

}  // namespace
}  // namespace skiff::dns
