// An IPv4 or IPv6 address in network byte order, parsed once at the edge.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::net {

struct IpAddr {
  enum class Family : uint8_t { V4, V6 };
  Family family = Family::V4;
  std::array<uint8_t, 16> bytes{};  // V4 uses the first 4

  static std::optional<IpAddr> parse(std::string_view text);
  static IpAddr v4(uint32_t be_addr);
  bool is_v4() const { return family == Family::V4; }
  uint32_t v4_be() const;  // network byte order; only for V4
  std::string str() const;
  auto operator<=>(const IpAddr&) const = default;
};

}  // namespace skiff::net
