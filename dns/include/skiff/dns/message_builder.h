// Encodes a message with name compression (RFC 1035 4.1.4) into an
// EncodedResponse. Owner names and the names inside NS/CNAME/PTR/SOA/MX
// RDATA are compressed; other RDATA is written as is (RFC 3597 s4).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "skiff/dns/encoded_response.h"

namespace skiff::dns {

enum class Section : uint8_t { Answer, Authority, Additional };

class MessageBuilder {
 public:
  // `flags` are the response flags (QR is added); the id is left 0.
  MessageBuilder(std::string_view qname, uint16_t qtype, uint16_t qclass, uint16_t flags);

  // Records must be added in section order. Returns false (and adds nothing)
  // when the message would exceed 65535 bytes or the RDATA is malformed for
  // its type.
  bool add(Section s, std::string_view name, uint16_t type, uint16_t cls, uint32_t ttl,
           std::string_view rdata);
  void set_rcode(Rcode r);
  EncodedResponse finish() &&;

 private:
  void write_name(std::string_view name, bool compress);
  std::unordered_map<std::string, uint16_t> suffixes_;  // lowercase suffix -> offset
  EncodedResponse r_;
};

// RDATA helpers (uncompressed wire form).
std::string rdata_a(const uint8_t* v4);
std::string rdata_aaaa(const uint8_t* v6);
std::string rdata_srv(uint16_t prio, uint16_t weight, uint16_t port, std::string_view target);
std::string rdata_txt(std::string_view text);  // one character-string (<= 255 bytes)
std::string rdata_soa(std::string_view mname, std::string_view rname, uint32_t serial,
                      uint32_t refresh, uint32_t retry, uint32_t expire, uint32_t minimum);

}  // namespace skiff::dns
