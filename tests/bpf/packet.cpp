#include "packet.h"

#include <cstdio>

namespace skiff::test {
namespace {

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(v >> 8);
  b.push_back(v & 0xff);
}
void put32(Bytes& b, std::uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xffff);
}
void set16(Bytes& b, std::size_t off, std::uint16_t v) {
  b[off] = v >> 8;
  b[off + 1] = v & 0xff;
}

std::uint32_t sum_words(std::span<const std::uint8_t> d, std::uint32_t sum) {
  for (std::size_t i = 0; i + 1 < d.size(); i += 2) sum += (std::uint32_t{d[i]} << 8) | d[i + 1];
  if (d.size() % 2) sum += std::uint32_t{d.back()} << 8;
  return sum;
}

std::uint32_t pseudo_sum(std::uint32_t saddr, std::uint32_t daddr, std::uint8_t proto, std::size_t len) {
  return (saddr >> 16) + (saddr & 0xffff) + (daddr >> 16) + (daddr & 0xffff) + proto + std::uint32_t(len);
}

}  // namespace

std::uint16_t inet_checksum(std::span<const std::uint8_t> data, std::uint32_t seed) {
  std::uint32_t sum = sum_words(data, seed);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

Bytes build(const PacketSpec& s) {
  Bytes opts = s.ip_options;
  while (opts.size() % 4) opts.push_back(0);  // EOL padding
  Bytes l4;
  if (s.proto == kTcp) {
    put16(l4, s.sport);
    put16(l4, s.dport);
    put32(l4, s.seq);
    put32(l4, s.ack);
    l4.push_back(5 << 4);
    l4.push_back(s.tcp_flags);
    put16(l4, s.window);
    put16(l4, 0);  // checksum
    put16(l4, 0);  // urgent
  } else if (s.proto == kUdp) {
    put16(l4, s.sport);
    put16(l4, s.dport);
    put16(l4, static_cast<std::uint16_t>(8 + s.payload.size()));
    put16(l4, 0);
  }
  l4.insert(l4.end(), s.payload.begin(), s.payload.end());
  // Only the first fragment carries a checksum over data we actually have;
  // fragments are never verified, so sum what is here.
  if (s.proto == kTcp || (s.proto == kUdp && !s.udp_no_checksum)) {
    std::uint16_t c = inet_checksum(l4, pseudo_sum(s.saddr, s.daddr, s.proto, l4.size()));
    if (s.proto == kUdp && c == 0) c = 0xffff;
    set16(l4, s.proto == kTcp ? 16 : 6, c);
  }

  Bytes f(s.dst_mac.begin(), s.dst_mac.end());
  f.insert(f.end(), s.src_mac.begin(), s.src_mac.end());
  put16(f, 0x0800);
  std::size_t ip_off = f.size();
  std::size_t ihl = 20 + opts.size();
  f.push_back(0x40 | static_cast<std::uint8_t>(ihl / 4));
  f.push_back(s.tos);
  put16(f, static_cast<std::uint16_t>(ihl + l4.size()));
  put16(f, s.id);
  put16(f, s.frag);
  f.push_back(s.ttl);
  f.push_back(s.proto);
  put16(f, 0);
  put32(f, s.saddr);
  put32(f, s.daddr);
  f.insert(f.end(), opts.begin(), opts.end());
  set16(f, ip_off + 10, inet_checksum(std::span(f).subspan(ip_off, ihl)));
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

Bytes build_port_unreachable(const Bytes& original) {
  std::size_t ihl = (original[kEthLen] & 0x0f) * 4;
  std::span<const std::uint8_t> quote(original.data() + kEthLen, ihl + 8);
  Bytes f(original.begin() + 6, original.begin() + 12);            // dst = their source
  f.insert(f.end(), original.begin(), original.begin() + 6);        // src = their destination
  put16(f, 0x0800);
  std::size_t ip_off = f.size();
  f.push_back(0x45);
  f.push_back(0);
  put16(f, static_cast<std::uint16_t>(20 + 8 + quote.size()));
  put16(f, 0);
  put16(f, 0x4000);
  f.push_back(64);
  f.push_back(kIcmp);
  put16(f, 0);
  put32(f, rd32(original, kEthLen + 16));  // the frontend answers
  put32(f, rd32(original, kEthLen + 12));
  set16(f, ip_off + 10, inet_checksum(std::span(f).subspan(ip_off, 20)));
  std::size_t icmp_off = f.size();
  f.push_back(3);
  f.push_back(3);
  put16(f, 0);
  put32(f, 0);
  f.insert(f.end(), quote.begin(), quote.end());
  set16(f, icmp_off + 2, inet_checksum(std::span(f).subspan(icmp_off)));
  return f;
}

std::string verify_checksums(std::span<const std::uint8_t> f) {
  if (f.size() < kEthLen + 20) return "short frame";
  std::size_t ihl = (f[kEthLen] & 0x0f) * 4;
  std::size_t tot = rd16(f, kEthLen + 2);
  if (f.size() < kEthLen + tot || tot < ihl) return "bad lengths";
  if (inet_checksum(f.subspan(kEthLen, ihl)) != 0) return "bad IPv4 header checksum";
  std::uint8_t proto = f[kEthLen + 9];
  auto l4 = f.subspan(kEthLen + ihl, tot - ihl);
  std::uint32_t saddr = rd32(f, kEthLen + 12), daddr = rd32(f, kEthLen + 16);
  if (proto == kIcmp) return inet_checksum(l4) == 0 ? "" : "bad ICMP checksum";
  if (proto == kUdp && rd16(l4, 6) == 0) return "";
  if (proto != kTcp && proto != kUdp) return "";
  return inet_checksum(l4, pseudo_sum(saddr, daddr, proto, l4.size())) == 0 ? "" : "bad L4 checksum";
}

std::string hex(std::span<const std::uint8_t> b) {
  std::string out;
  char buf[4];
  for (std::size_t i = 0; i < b.size(); i++) {
    std::snprintf(buf, sizeof buf, "%02x", b[i]);
    out += buf;
    out += (i % 16 == 15) ? "\n" : " ";
  }
  return out;
}

std::uint32_t rd32(std::span<const std::uint8_t> b, std::size_t off) {
  return (std::uint32_t{b[off]} << 24) | (std::uint32_t{b[off + 1]} << 16) | (std::uint32_t{b[off + 2]} << 8) |
         b[off + 3];
}
std::uint16_t rd16(std::span<const std::uint8_t> b, std::size_t off) {
  return static_cast<std::uint16_t>((b[off] << 8) | b[off + 1]);
}

}  // namespace skiff::test
