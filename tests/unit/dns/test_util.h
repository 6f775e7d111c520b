// Helpers shared by the DNS unit tests.
#pragma once
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "skiff/dns/message.h"
#include "skiff/dns/name.h"
#include "skiff/net/ip.h"

namespace skiff::dns::test {

inline std::string wire(std::string_view text) { return *name_from_text(text); }

inline net::IpAddr ip(const char* text) {
  net::IpAddr a;
  if (inet_pton(AF_INET, text, a.bytes.data()) == 1) return a;
  a.family = net::IpAddr::Family::V6;
  inet_pton(AF_INET6, text, a.bytes.data());
  return a;
}

inline std::vector<uint8_t> make_query(std::string_view name, uint16_t type, uint16_t id = 0x1234,
                                       bool edns = false, uint16_t udp = 4096) {
  std::vector<uint8_t> b = {uint8_t(id >> 8), uint8_t(id), 1, 0, 0, 1, 0, 0, 0, 0, 0, uint8_t(edns ? 1 : 0)};
  auto n = wire(name);
  b.insert(b.end(), n.begin(), n.end());
  b.insert(b.end(), {uint8_t(type >> 8), uint8_t(type), 0, 1});
  if (edns) b.insert(b.end(), {0, 0, 41, uint8_t(udp >> 8), uint8_t(udp), 0, 0, 0, 0, 0, 0});
  return b;
}

}  // namespace skiff::dns::test
