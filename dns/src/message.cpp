#include "skiff/dns/message.h"

#include <cstring>

namespace skiff::dns {

std::string_view wire_error_name(WireError e) {
  switch (e) {
    case WireError::ShortHeader: return "short header";
    case WireError::Truncated: return "truncated";
    case WireError::BadLabel: return "bad label";
    case WireError::NameTooLong: return "name too long";
    case WireError::BadPointer: return "bad compression pointer";
    case WireError::BadQuestionCount: return "qdcount != 1";
    case WireError::BadOpt: return "bad OPT record";
    case WireError::BadRdata: return "bad rdata";
  }
  return "?";
}

namespace {

// Walks a name; appends its labels to `out` when given. Pointers must point
// into the message body (>= 12) and strictly before the start of the run of
// labels that contains them, so every jump goes backwards and loops end.
std::expected<size_t, WireError> walk_name(std::span<const uint8_t> msg, size_t pos, std::string* out) {
  size_t limit = pos;  // pointer targets must lie below this
  size_t end = 0;
  bool jumped = false;
  size_t total = 0;
  for (;;) {
    if (pos >= msg.size()) return std::unexpected(WireError::Truncated);
    uint8_t len = msg[pos];
    if ((len & 0xC0) == 0xC0) {
      if (pos + 1 >= msg.size()) return std::unexpected(WireError::Truncated);
      size_t target = size_t(len & 0x3f) << 8 | msg[pos + 1];
      if (target < kHeaderSize || target >= limit) return std::unexpected(WireError::BadPointer);
      if (!jumped) {
        end = pos + 2;
        jumped = true;
      }
      limit = target;
      pos = target;
      continue;
    }
    if (len & 0xC0) return std::unexpected(WireError::BadLabel);
    total += 1 + len;
    if (total > kMaxNameLength) return std::unexpected(WireError::NameTooLong);
    if (pos + 1 + len > msg.size()) return std::unexpected(WireError::Truncated);
    if (out) out->append(reinterpret_cast<const char*>(&msg[pos]), 1 + len);
    if (len == 0) return jumped ? end : pos + 1;
    pos += 1 + len;
  }
}

// Expands the names inside RDATA of the types that may carry compressed
// names, so the record can be re-encoded into another message.
std::expected<std::string, WireError> expand_rdata(std::span<const uint8_t> msg, uint16_t type,
                                                   size_t start, size_t len) {
  const size_t stop = start + len;
  std::string out;
  size_t pos = start;
  auto fixed = [&](size_t n) -> bool {
    if (pos + n > stop) return false;
    out.append(reinterpret_cast<const char*>(&msg[pos]), n);
    pos += n;
    return true;
  };
  auto name = [&]() -> std::expected<void, WireError> {
    auto next = walk_name(msg, pos, &out);
    if (!next) return std::unexpected(next.error());
    if (*next > stop) return std::unexpected(WireError::BadRdata);
    pos = *next;
    return {};
  };
  std::expected<void, WireError> ok;
  switch (type) {
    case rrtype::NS: case rrtype::CNAME: case rrtype::PTR: case rrtype::MD: case rrtype::MF:
    case rrtype::MB: case rrtype::MG: case rrtype::MR: case rrtype::DNAME:
      ok = name();
      break;
    case rrtype::SOA:
      if ((ok = name()) && (ok = name()) && !fixed(20)) ok = std::unexpected(WireError::BadRdata);
      break;
    case rrtype::MX: case rrtype::AFSDB: case rrtype::RT: case rrtype::KX:
      if (!fixed(2)) return std::unexpected(WireError::BadRdata);
      ok = name();
      break;
    case rrtype::MINFO: case rrtype::RP:
      if (ok = name(); ok) ok = name();
      break;
    case rrtype::SRV:
      if (!fixed(6)) return std::unexpected(WireError::BadRdata);
      ok = name();
      break;
    case rrtype::A:
      if (len != 4) return std::unexpected(WireError::BadRdata);
      fixed(4);
      break;
    case rrtype::AAAA:
      if (len != 16) return std::unexpected(WireError::BadRdata);
      fixed(16);
      break;
    default:
      fixed(len);
  }
  if (!ok) return std::unexpected(ok.error());
  if (pos != stop) return std::unexpected(WireError::BadRdata);
  return out;
}

}  // namespace

std::expected<size_t, WireError> read_name(std::span<const uint8_t> msg, size_t pos, std::string& out) {
  out.clear();
  return walk_name(msg, pos, &out);
}

std::expected<Query, QueryError> parse_query(std::span<const uint8_t> msg) {
  if (msg.size() < kHeaderSize) return std::unexpected(QueryError{WireError::ShortHeader, Rcode::FormErr, false});
  const uint8_t* p = msg.data();
  Query q;
  q.id = get16(p);
  q.flags = get16(p + 2);
  // A response sent to the server: never answer (reflection loops).
  if (q.flags & flag::QR) return std::unexpected(QueryError{WireError::ShortHeader, Rcode::FormErr, false});
  q.opcode = (q.flags >> 11) & 0x0f;
  const uint16_t qd = get16(p + 4), an = get16(p + 6), ns = get16(p + 8), ar = get16(p + 10);
  auto fail = [](WireError e) { return std::unexpected(QueryError{e, Rcode::FormErr, true}); };
  if (qd != 1) return fail(WireError::BadQuestionCount);

  // The question is the first name: a pointer could only point into the
  // header, so names here are plain labels.
  size_t pos = kHeaderSize;
  size_t n = 0;
  for (;;) {
    if (pos >= msg.size()) return fail(WireError::Truncated);
    uint8_t len = p[pos];
    if ((len & 0xC0) == 0xC0) return fail(WireError::BadPointer);
    if (len & 0xC0) return fail(WireError::BadLabel);
    if (n + 1 + len > kMaxNameLength) return fail(WireError::NameTooLong);
    if (pos + 1 + len > msg.size()) return fail(WireError::Truncated);
    q.qname[n] = len;
    q.lower[n] = len;
    for (size_t i = 1; i <= len; ++i) {
      uint8_t c = p[pos + i];
      q.qname[n + i] = c;
      q.lower[n + i] = (c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c + 32) : c;
    }
    n += 1 + len;
    pos += 1 + len;
    if (len == 0) break;
  }
  q.qname_len = static_cast<uint8_t>(n);
  if (pos + 4 > msg.size()) return fail(WireError::Truncated);
  q.qtype = get16(p + pos);
  q.qclass = get16(p + pos + 2);
  pos += 4;
  if (q.qtype == rrtype::OPT) return fail(WireError::BadOpt);

  // Answer and authority records are unusual in a query; skip them safely.
  for (uint32_t i = 0; i < uint32_t(an) + ns; ++i) {
    auto next = walk_name(msg, pos, nullptr);
    if (!next) return fail(next.error());
    pos = *next;
    if (pos + 10 > msg.size()) return fail(WireError::Truncated);
    size_t rdlen = get16(p + pos + 8);
    pos += 10 + rdlen;
    if (pos > msg.size()) return fail(WireError::Truncated);
  }
  for (uint16_t i = 0; i < ar; ++i) {
    size_t name_at = pos;
    auto next = walk_name(msg, pos, nullptr);
    if (!next) return fail(next.error());
    pos = *next;
    if (pos + 10 > msg.size()) return fail(WireError::Truncated);
    uint16_t type = get16(p + pos);
    size_t rdlen = get16(p + pos + 8);
    if (type == rrtype::OPT) {
      if (q.has_edns || p[name_at] != 0) return fail(WireError::BadOpt);
      q.has_edns = true;
      q.udp_size = std::max<uint16_t>(get16(p + pos + 2), kClassicUdpSize);
      q.edns_version = p[pos + 5];
      q.dnssec_ok = p[pos + 6] & 0x80;
    }
    pos += 10 + rdlen;
    if (pos > msg.size()) return fail(WireError::Truncated);
  }
  return q;
}

std::expected<Message, WireError> parse_message(std::span<const uint8_t> msg) {
  if (msg.size() < kHeaderSize) return std::unexpected(WireError::ShortHeader);
  const uint8_t* p = msg.data();
  Message m;
  m.id = get16(p);
  m.flags = get16(p + 2);
  const uint16_t counts[4] = {get16(p + 4), get16(p + 6), get16(p + 8), get16(p + 10)};
  size_t pos = kHeaderSize;
  // Each record needs at least 11 bytes: reject absurd counts before reserving.
  if (size_t(counts[0]) * 5 + (size_t(counts[1]) + counts[2] + counts[3]) * 11 > msg.size() - kHeaderSize)
    return std::unexpected(WireError::Truncated);
  m.questions.reserve(counts[0]);
  for (uint16_t i = 0; i < counts[0]; ++i) {
    Question q;
    auto next = walk_name(msg, pos, &q.name);
    if (!next) return std::unexpected(next.error());
    pos = *next;
    if (pos + 4 > msg.size()) return std::unexpected(WireError::Truncated);
    q.type = get16(p + pos);
    q.cls = get16(p + pos + 2);
    pos += 4;
    m.questions.push_back(std::move(q));
  }
  std::vector<ResourceRecord>* sections[3] = {&m.answers, &m.authority, &m.additional};
  for (int s = 0; s < 3; ++s) {
    sections[s]->reserve(counts[s + 1]);
    for (uint16_t i = 0; i < counts[s + 1]; ++i) {
      ResourceRecord rr;
      auto next = walk_name(msg, pos, &rr.name);
      if (!next) return std::unexpected(next.error());
      pos = *next;
      if (pos + 10 > msg.size()) return std::unexpected(WireError::Truncated);
      rr.type = get16(p + pos);
      rr.cls = get16(p + pos + 2);
      rr.ttl = get32(p + pos + 4);
      size_t rdlen = get16(p + pos + 8);
      pos += 10;
      if (pos + rdlen > msg.size()) return std::unexpected(WireError::Truncated);
      if (rr.type == rrtype::OPT) {
        if (s != 2 || m.has_edns || rr.name.size() != 1) return std::unexpected(WireError::BadOpt);
        m.has_edns = true;
        m.edns.udp_size = rr.cls;
        m.edns.ext_rcode = static_cast<uint8_t>(rr.ttl >> 24);
        m.edns.version = static_cast<uint8_t>(rr.ttl >> 16);
        m.edns.dnssec_ok = rr.ttl & 0x8000;
        pos += rdlen;
        continue;
      }
      auto rdata = expand_rdata(msg, rr.type, pos, rdlen);
      if (!rdata) return std::unexpected(rdata.error());
      rr.rdata = std::move(*rdata);
      pos += rdlen;
      sections[s]->push_back(std::move(rr));
    }
  }
  return m;
}

}  // namespace skiff::dns
