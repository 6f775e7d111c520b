// A response encoded once and served many times: the cluster index keeps one
// per (name, type) and the forwarding cache one per upstream answer. Serving
// is a copy plus patches (id, flags, the client's question spelling, TTL
// ageing, the OPT record), and truncation at a record boundary when the
// client's buffer is too small: compression pointers only point backwards,
// so any prefix of whole records is a valid message.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "skiff/dns/message.h"

namespace skiff::dns {

struct EncodedResponse {
  std::vector<uint8_t> wire;      // header (id 0) + question + records, no OPT
  uint8_t qname_len = 0;          // question name bytes at offset 12
  uint16_t an = 0, ns = 0, ar = 0;
  std::vector<uint16_t> rr_end;   // end offset of each record, in order
  std::vector<uint16_t> ttl_at;   // offset of each record's TTL (for ageing)
  // Set when the answer is a CNAME to a name outside the zone that the
  // server should chase through the forwarder (ExternalName services).
  std::string chase_target;

  Rcode rcode() const { return static_cast<Rcode>(wire.size() > 3 ? wire[3] & 0x0f : 0); }
  size_t memory() const { return sizeof(*this) + wire.capacity() + rr_end.capacity() * 2 + ttl_at.capacity() * 2 + chase_target.capacity(); }
};

struct RenderOptions {
  size_t limit = 65535;          // the transport's size limit (UDP: client's buffer)
  uint32_t age_seconds = 0;      // subtracted from every TTL (cache hits)
  uint16_t advertised_udp_size = 1232;  // our payload size in the OPT we add
};

// Writes the response for `q` into `out` and returns its size (0 when `out`
// is too small even for the header and question, which callers avoid).
size_t render(const EncodedResponse& r, const Query& q, const RenderOptions& opt,
              std::span<uint8_t> out);

// A response without records beyond the header and question, e.g. FORMERR,
// NOTIMP, REFUSED, SERVFAIL. The question is echoed when `q` has one.
size_t render_error(const Query& q, bool with_question, Rcode rcode, uint16_t advertised_udp_size,
                    std::span<uint8_t> out);

// NXDOMAIN or NODATA (NOERROR, no answers) with the SOA of the apex that
// ends the query name in the authority section (RFC 2308), owner name
// compressed against the question.
size_t render_negative(const Query& q, Rcode rcode, size_t apex_len, std::string_view soa_rdata, uint32_t ttl,
                       uint16_t advertised_udp_size, std::span<uint8_t> out);

// Header-only error for a query whose question could not be parsed.
size_t render_header_error(std::span<const uint8_t> request, Rcode rcode, std::span<uint8_t> out);

}  // namespace skiff::dns
