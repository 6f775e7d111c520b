// IPv4 addresses and prefixes as plain host-order integers, parsed strictly.
#pragma once
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::cni {

struct Ipv4 {
  uint32_t value = 0;  // host byte order, so arithmetic walks addresses in order

  static std::optional<Ipv4> parse(std::string_view text);
  uint32_t network_order() const;
  static Ipv4 from_network_order(uint32_t be);
  std::string str() const;
  Ipv4 next() const { return Ipv4{value + 1}; }
  auto operator<=>(const Ipv4&) const = default;
};

struct Ipv4Cidr {
  Ipv4 addr;
  int prefix = 32;

  // "a.b.c.d/n"; the address may have host bits set (an interface address).
  static std::optional<Ipv4Cidr> parse(std::string_view text);
  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  Ipv4 network() const { return Ipv4{addr.value & mask()}; }
  Ipv4 broadcast() const { return Ipv4{addr.value | ~mask()}; }
  bool contains(Ipv4 ip) const { return (ip.value & mask()) == network().value; }
  bool has_host_bits() const { return addr != network(); }
  std::string str() const;
  auto operator<=>(const Ipv4Cidr&) const = default;
};

// True when text is an IPv6 address or prefix; used to say "unsupported" rather than "invalid".
bool looks_like_ipv6(std::string_view text);

}  // namespace skiff::cni
