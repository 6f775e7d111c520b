// Parsing DNS messages from untrusted bytes. Two parsers:
//  - parse_query: the server's hot path. Reads the header, the single
//    question and the EDNS0 OPT record into a fixed-size Query (no heap).
//  - parse_message: a full decode (every section, compressed names in RDATA
//    expanded) for upstream answers, tests and the fuzzer.
// Both bound every read, reject compression loops and forward pointers, and
// never throw.
#pragma once
#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/dns/protocol.h"

namespace skiff::dns {

enum class WireError : uint8_t {
  ShortHeader,        // fewer than 12 bytes: not answerable
  Truncated,          // a section ends before its records do
  BadLabel,           // label type 0x40/0x80, or a label > 63 bytes
  NameTooLong,        // > 255 bytes
  BadPointer,         // compression pointer forward, looping or out of range
  BadQuestionCount,   // a query with qdcount != 1
  BadOpt,             // OPT not at the root, more than one OPT, OPT in the question
  BadRdata,           // RDATA shorter or longer than its type requires
};
std::string_view wire_error_name(WireError);

// Reads a possibly compressed name starting at `pos` into `out` (wire form,
// case kept). Returns the offset just after the name in the message.
std::expected<size_t, WireError> read_name(std::span<const uint8_t> msg, size_t pos,
                                           std::string& out);

struct Query {
  uint16_t id = 0;
  uint16_t flags = 0;  // as received
  uint8_t opcode = 0;
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  uint8_t qname_len = 0;                    // wire bytes of the name
  std::array<uint8_t, kMaxNameLength> qname{};  // as received (for 0x20 clients)
  std::array<uint8_t, kMaxNameLength> lower{};  // lowercased, the lookup key
  bool has_edns = false;
  uint8_t edns_version = 0;
  bool dnssec_ok = false;
  uint16_t udp_size = kClassicUdpSize;  // the client's EDNS0 payload size, >= 512

  std::string_view name() const { return {reinterpret_cast<const char*>(qname.data()), qname_len}; }
  std::string_view lower_name() const { return {reinterpret_cast<const char*>(lower.data()), qname_len}; }
  bool rd() const { return flags & flag::RD; }
};

// What the server does with a query it could not parse: answer with this
// rcode (echoing the id and opcode), or drop when even the header is bad.
struct QueryError {
  WireError error;
  Rcode rcode = Rcode::FormErr;
  bool respond = true;
};

// Header present, QR clear; qdcount must be 1. Opcode other than QUERY is
// reported by the caller from Query::opcode (the question is still parsed).
std::expected<Query, QueryError> parse_query(std::span<const uint8_t> msg);

struct Question {
  std::string name;
  uint16_t type = 0;
  uint16_t cls = 0;
};

struct ResourceRecord {
  std::string name;  // wire form, case kept
  uint16_t type = 0;
  uint16_t cls = 0;
  uint32_t ttl = 0;
  std::string rdata;  // names inside expanded (never compressed)
};

struct Edns {
  uint16_t udp_size = kClassicUdpSize;
  uint8_t ext_rcode = 0;
  uint8_t version = 0;
  bool dnssec_ok = false;
};

struct Message {
  uint16_t id = 0;
  uint16_t flags = 0;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers, authority, additional;  // additional without OPT
  bool has_edns = false;
  Edns edns;
  Rcode rcode() const { return static_cast<Rcode>((flags & flag::RCODE_MASK) | (edns.ext_rcode << 4)); }
};

std::expected<Message, WireError> parse_message(std::span<const uint8_t> msg);

// Header helpers on raw bytes (callers guarantee >= 12 bytes).
inline uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t get32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline void put16(uint8_t* p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
inline void put32(uint8_t* p, uint32_t v) {
  p[0] = v >> 24; p[1] = (v >> 16) & 0xff; p[2] = (v >> 8) & 0xff; p[3] = v & 0xff;
}

}  // namespace skiff::dns
