// IpAddr: text <-> bytes through the libc parsers, which accept exactly the
// dotted-quad and RFC 4291 forms Kubernetes validates against.
#include "skiff/net/ip.h"

#include <arpa/inet.h>

#include <cstring>

namespace skiff::net {

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, text.data(), text.size());
  IpAddr ip;
  if (inet_pton(AF_INET, buf, ip.bytes.data()) == 1) {
    ip.family = Family::V4;
    return ip;
  }
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) {
    ip.family = Family::V6;
    return ip;
  }
  return std::nullopt;
}

IpAddr IpAddr::v4(uint32_t be_addr) {
  IpAddr ip;
  ip.family = Family::V4;
  std::memcpy(ip.bytes.data(), &be_addr, 4);
  return ip;
}

uint32_t IpAddr::v4_be() const {
  uint32_t be = 0;
  std::memcpy(&be, bytes.data(), 4);
  return be;
}

std::string IpAddr::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  const int af = is_v4() ? AF_INET : AF_INET6;
  if (inet_ntop(af, bytes.data(), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

}  // namespace skiff::net
