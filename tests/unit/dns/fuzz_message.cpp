// libFuzzer target over the DNS message parsers. Properties checked beyond
// "no crash, no sanitizer report":
//  - a query that parses renders an error answer that parses back;
//  - a message that parses re-encodes (with compression) into a message
//    that parses back with the same records, also when truncated to any
//    size limit.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "skiff/dns/encoded_response.h"
#include "skiff/dns/message.h"
#include "skiff/dns/message_builder.h"

using namespace skiff::dns;

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  static uint8_t out[65535];

  if (auto q = parse_query(in)) {
    size_t n = render_error(*q, true, Rcode::Refused, 1232, out);
    check(n > 0 && parse_message({out, n}).has_value());
  } else if (q.error().respond) {
    size_t n = render_header_error(in, q.error().rcode, out);
    check(n == kHeaderSize && parse_message({out, n}).has_value());
  }

  auto m = parse_message(in);
  if (!m || m->questions.size() != 1) return 0;
  const Question& qu = m->questions[0];
  MessageBuilder b(qu.name, qu.type, qu.cls, 0);
  size_t added = 0;
  for (const auto* sec : {&m->answers, &m->authority, &m->additional}) {
    Section s = sec == &m->answers ? Section::Answer : sec == &m->authority ? Section::Authority : Section::Additional;
    for (const auto& r : *sec) added += b.add(s, r.name, r.type, r.cls, r.ttl, r.rdata);
  }
  EncodedResponse er = std::move(b).finish();
  auto again = parse_message(er.wire);
  check(again.has_value());
  check(again->answers.size() + again->authority.size() + again->additional.size() == added);

  // Render for a plain query of the same question at a few limits.
  if (qu.name.size() > kMaxNameLength) return 0;
  Query q;
  q.qname_len = static_cast<uint8_t>(qu.name.size());
  std::copy(qu.name.begin(), qu.name.end(), q.qname.begin());
  q.qtype = qu.type;
  q.qclass = qu.cls;
  for (size_t limit : {size_t(512), size_t(1232), size / 2 + 12, size_t(65535)}) {
    size_t n = render(er, q, {.limit = limit}, out);
    if (n == 0) continue;
    check(n <= limit);
    check(parse_message({out, n}).has_value());
  }
  return 0;
}
