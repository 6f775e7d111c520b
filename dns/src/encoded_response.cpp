#include "skiff/dns/encoded_response.h"

#include <algorithm>
#include <cstring>

namespace skiff::dns {

namespace {

size_t append_opt(uint8_t* out, uint16_t udp_size, uint8_t ext_rcode, bool dnssec_ok) {
  out[0] = 0;  // root owner
  put16(out + 1, rrtype::OPT);
  put16(out + 3, udp_size);
  out[5] = ext_rcode;
  out[6] = 0;  // version 0
  out[7] = dnssec_ok ? 0x80 : 0;
  out[8] = 0;
  put16(out + 9, 0);  // no options
  return kOptRecordSize;
}

uint16_t response_flags(uint16_t base, const Query& q) {
  // Keep the prepared AA/AD and rcode; copy RD and CD and the opcode from
  // the query; we offer recursion (forwarding), so RA is set.
  return static_cast<uint16_t>(flag::QR | (base & (flag::AA | flag::AD | flag::RCODE_MASK)) |
                               (q.flags & (flag::RD | flag::CD | flag::OPCODE_MASK)) | flag::RA);
}

}  // namespace

size_t render(const EncodedResponse& r, const Query& q, const RenderOptions& o, std::span<uint8_t> out) {
  const size_t opt = q.has_edns ? kOptRecordSize : 0;
  const size_t limit = std::min(o.limit, out.size());
  const size_t qend = kHeaderSize + r.qname_len + 4;
  if (r.wire.size() < qend || r.qname_len != q.qname_len || qend + opt > limit) return 0;

  size_t n = r.wire.size();
  uint16_t an = r.an, ns = r.ns, ar = r.ar;
  bool tc = false;
  if (n + opt > limit) {
    // Keep the longest prefix of whole records that fits.
    size_t room = limit - opt;
    size_t keep = static_cast<size_t>(std::upper_bound(r.rr_end.begin(), r.rr_end.end(), room) - r.rr_end.begin());
    n = keep ? r.rr_end[keep - 1] : qend;
    an = static_cast<uint16_t>(std::min<size_t>(r.an, keep));
    ns = static_cast<uint16_t>(std::min<size_t>(r.ns, keep - an));
    ar = static_cast<uint16_t>(keep - an - ns);
    // RFC 2181 s9: TC only when required records (answer, authority) were cut.
    tc = keep < size_t(r.an) + r.ns;
  }
  uint8_t* p = out.data();
  std::memcpy(p, r.wire.data(), n);
  put16(p, q.id);
  uint16_t f = response_flags(get16(r.wire.data() + 2), q);
  if (tc) f |= flag::TC;
  put16(p + 2, f);
  put16(p + 6, an);
  put16(p + 8, ns);
  std::memcpy(p + kHeaderSize, q.qname.data(), q.qname_len);  // the client's spelling
  put16(p + kHeaderSize + q.qname_len, q.qtype);
  put16(p + kHeaderSize + q.qname_len + 2, q.qclass);
  if (o.age_seconds) {
    for (uint16_t at : r.ttl_at) {
      if (at + 4u > n) break;
      uint32_t ttl = get32(p + at);
      put32(p + at, ttl > o.age_seconds ? ttl - o.age_seconds : 0);
    }
  }
  if (opt) {
    n += append_opt(p + n, o.advertised_udp_size, 0, q.dnssec_ok);
    ++ar;
  }
  put16(p + 10, ar);
  return n;
}

size_t render_error(const Query& q, bool with_question, Rcode rcode, uint16_t advertised, std::span<uint8_t> out) {
  const size_t need = kHeaderSize + (with_question ? q.qname_len + 4u : 0u) + (q.has_edns ? kOptRecordSize : 0u);
  if (out.size() < need) return 0;
  uint8_t* p = out.data();
  const uint8_t rc = static_cast<uint8_t>(rcode);
  put16(p, q.id);
  put16(p + 2, static_cast<uint16_t>(flag::QR | (q.flags & (flag::RD | flag::CD | flag::OPCODE_MASK)) |
                                     flag::RA | (rc & 0x0f)));
  put16(p + 4, with_question ? 1 : 0);
  put16(p + 6, 0);
  put16(p + 8, 0);
  put16(p + 10, q.has_edns ? 1 : 0);
  size_t n = kHeaderSize;
  if (with_question) {
    std::memcpy(p + n, q.qname.data(), q.qname_len);
    n += q.qname_len;
    put16(p + n, q.qtype);
    put16(p + n + 2, q.qclass);
    n += 4;
  }
  if (q.has_edns) n += append_opt(p + n, advertised, static_cast<uint8_t>(rc >> 4), q.dnssec_ok);
  return n;
}

size_t render_negative(const Query& q, Rcode rcode, size_t apex_len, std::string_view soa, uint32_t ttl,
                       uint16_t advertised, std::span<uint8_t> out) {
  if (apex_len > q.qname_len || apex_len == 0) return 0;
  const size_t need = kHeaderSize + q.qname_len + 4 + 12 + soa.size() + (q.has_edns ? kOptRecordSize : 0);
  if (out.size() < need) return 0;
  uint8_t* p = out.data();
  put16(p, q.id);
  put16(p + 2, static_cast<uint16_t>(flag::QR | flag::AA | (q.flags & (flag::RD | flag::CD | flag::OPCODE_MASK)) |
                                     flag::RA | (static_cast<uint8_t>(rcode) & 0x0f)));
  put16(p + 4, 1);
  put16(p + 6, 0);
  put16(p + 8, 1);
  put16(p + 10, q.has_edns ? 1 : 0);
  size_t n = kHeaderSize;
  std::memcpy(p + n, q.qname.data(), q.qname_len);
  n += q.qname_len;
  put16(p + n, q.qtype);
  put16(p + n + 2, q.qclass);
  n += 4;
  const size_t apex_at = kHeaderSize + q.qname_len - apex_len;
  if (apex_len == 1) {
    p[n++] = 0;
  } else {
    put16(p + n, static_cast<uint16_t>(0xC000 | apex_at));
    n += 2;
  }
  put16(p + n, rrtype::SOA);
  put16(p + n + 2, rrclass::IN);
  put32(p + n + 4, ttl);
  put16(p + n + 8, static_cast<uint16_t>(soa.size()));
  n += 10;
  std::memcpy(p + n, soa.data(), soa.size());
  n += soa.size();
  if (q.has_edns) n += append_opt(p + n, advertised, 0, q.dnssec_ok);
  return n;
}

size_t render_header_error(std::span<const uint8_t> req, Rcode rcode, std::span<uint8_t> out) {
  if (req.size() < kHeaderSize || out.size() < kHeaderSize) return 0;
  uint8_t* p = out.data();
  std::memset(p, 0, kHeaderSize);
  p[0] = req[0];
  p[1] = req[1];
  uint16_t qf = get16(req.data() + 2);
  put16(p + 2, static_cast<uint16_t>(flag::QR | (qf & (flag::OPCODE_MASK | flag::RD)) |
                                     (static_cast<uint8_t>(rcode) & 0x0f)));
  return kHeaderSize;
}

}  // namespace skiff::dns
