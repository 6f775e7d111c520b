#include "cni/lib/ipv4.h"

#include <arpa/inet.h>

#include <charconv>

namespace skiff::cni {

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
  if (text.size() > INET_ADDRSTRLEN - 1) return std::nullopt;
  std::string copy(text);
  in_addr a{};
  // inet_pton takes only dotted quads: no octal, no shorthand like "10.1".
  if (inet_pton(AF_INET, copy.c_str(), &a) != 1) return std::nullopt;
  return from_network_order(a.s_addr);
}

uint32_t Ipv4::network_order() const { return htonl(value); }

Ipv4 Ipv4::from_network_order(uint32_t be) { return Ipv4{ntohl(be)}; }

std::string Ipv4::str() const {
  char buf[INET_ADDRSTRLEN];
  in_addr a{network_order()};
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

std::optional<Ipv4Cidr> Ipv4Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto addr = Ipv4::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  std::string_view len = text.substr(slash + 1);
  int prefix = -1;
  auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix);
  if (len.empty() || ec != std::errc{} || end != len.data() + len.size() || prefix < 0 || prefix > 32)
    return std::nullopt;
  if (len.size() > 1 && len[0] == '0') return std::nullopt;
  return Ipv4Cidr{*addr, prefix};
}

std::string Ipv4Cidr::str() const { return addr.str() + "/" + std::to_string(prefix); }

bool looks_like_ipv6(std::string_view text) {
  std::string addr(text.substr(0, text.find('/')));
  in6_addr a{};
  return inet_pton(AF_INET6, addr.c_str(), &a) == 1;
}

}  // namespace skiff::cni
