// DNS protocol constants (RFC 1035, 2782, 3596, 6891) used across skiff_dns.
#pragma once
#include <cstdint>
#include <string_view>

namespace skiff::dns {

namespace rrtype {
inline constexpr uint16_t A = 1, NS = 2, MD = 3, MF = 4, CNAME = 5, SOA = 6, MB = 7, MG = 8, MR = 9,
                          PTR = 12, HINFO = 13, MINFO = 14, MX = 15, TXT = 16, RP = 17, AFSDB = 18,
                          RT = 21, AAAA = 28, SRV = 33, KX = 36, DNAME = 39, OPT = 41, IXFR = 251,
                          AXFR = 252, MAILB = 253, MAILA = 254, ANY = 255;
}
namespace rrclass {
inline constexpr uint16_t IN = 1, CH = 3, HS = 4, NONE = 254, ANY = 255;
}

enum class Rcode : uint8_t {
  NoError = 0,
  FormErr = 1,
  ServFail = 2,
  NxDomain = 3,
  NotImp = 4,
  Refused = 5,
  BadVers = 16,  // extended: upper 8 bits travel in the OPT record
};

// Header flag bits (second 16-bit word of the header).
namespace flag {
inline constexpr uint16_t QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080,
                          AD = 0x0020, CD = 0x0010;
inline constexpr uint16_t OPCODE_MASK = 0x7800, RCODE_MASK = 0x000f;
}  // namespace flag

inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxNameLength = 255;  // wire form, including the root label
inline constexpr size_t kMaxLabelLength = 63;
inline constexpr uint16_t kClassicUdpSize = 512;
inline constexpr size_t kOptRecordSize = 11;  // root name + type + class + ttl + rdlength

std::string_view rcode_name(Rcode);
std::string_view type_name(uint16_t type);  // "A", "AAAA", ..., "other" for the rest

}  // namespace skiff::dns
