// Crafted Ethernet/IPv4/TCP/UDP frames with valid checksums, and a checksum
// verifier for what the programs send back.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace skiff::test {

using Bytes = std::vector<std::uint8_t>;
using Mac = std::array<std::uint8_t, 6>;

constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kUdp = 17;
constexpr std::uint8_t kIcmp = 1;
constexpr std::uint8_t kSyn = 0x02, kAck = 0x10, kFin = 0x01, kRst = 0x04, kPsh = 0x08;
constexpr std::size_t kEthLen = 14;

// Host-order IPv4 address from dotted quad parts.
constexpr std::uint32_t ip4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return (std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d;
}

struct PacketSpec {
  Mac src_mac{0x02, 0, 0, 0, 0, 0x01};
  Mac dst_mac{0x02, 0, 0, 0, 0, 0x02};
  std::uint32_t saddr = 0;  // host order
  std::uint32_t daddr = 0;
  std::uint8_t proto = kTcp;
  std::uint16_t sport = 0;  // host order
  std::uint16_t dport = 0;
  std::uint8_t tcp_flags = kSyn;
  std::uint32_t seq = 1000;
  std::uint32_t ack = 0;
  std::uint16_t window = 65535;
  std::uint8_t ttl = 64;
  std::uint8_t tos = 0;
  std::uint16_t id = 0x1234;
  std::uint16_t frag = 0;            // flags and offset, host order (0x4000 = DF)
  Bytes ip_options;                  // padded to a multiple of 4 by the builder
  Bytes payload;
  bool udp_no_checksum = false;      // UDP checksum field 0
};

Bytes build(const PacketSpec& s);

// The ICMP port unreachable a frontend sends back for `original` (a full
// frame): addresses and MACs swapped, quoting its IP header and 8 bytes.
Bytes build_port_unreachable(const Bytes& original);

std::uint16_t inet_checksum(std::span<const std::uint8_t> data, std::uint32_t seed = 0);

// Empty string when the IPv4 header and the TCP/UDP/ICMP checksums verify;
// otherwise what is wrong.
std::string verify_checksums(std::span<const std::uint8_t> frame);

std::string hex(std::span<const std::uint8_t> b);

// Field readers for output frames (no options in the offsets unless ihl says so).
std::uint32_t rd32(std::span<const std::uint8_t> b, std::size_t off);
std::uint16_t rd16(std::span<const std::uint8_t> b, std::size_t off);
inline std::size_t l4_offset(std::span<const std::uint8_t> f) { return kEthLen + (f[kEthLen] & 0x0f) * 4; }

}  // namespace skiff::test
