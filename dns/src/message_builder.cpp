#include "skiff/dns/message_builder.h"

#include "skiff/dns/name.h"

namespace skiff::dns {

namespace {

void push16(std::vector<uint8_t>& w, uint16_t v) {
  w.push_back(static_cast<uint8_t>(v >> 8));
  w.push_back(static_cast<uint8_t>(v));
}
void push32(std::vector<uint8_t>& w, uint32_t v) {
  push16(w, static_cast<uint16_t>(v >> 16));
  push16(w, static_cast<uint16_t>(v));
}

// Length of the uncompressed wire name at the start of `s`, or 0 if invalid.
size_t plain_name_length(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    uint8_t len = static_cast<uint8_t>(s[i]);
    if (len > kMaxLabelLength) return 0;
    i += 1 + len;
    if (len == 0) return i <= kMaxNameLength ? i : 0;
  }
  return 0;
}

}  // namespace

MessageBuilder::MessageBuilder(std::string_view qname, uint16_t qtype, uint16_t qclass, uint16_t flags) {
  auto& w = r_.wire;
  w.reserve(128);
  push16(w, 0);
  push16(w, static_cast<uint16_t>(flags | flag::QR));
  push16(w, 1);
  push16(w, 0);
  push16(w, 0);
  push16(w, 0);
  write_name(qname, true);
  r_.qname_len = static_cast<uint8_t>(qname.size());
  push16(w, qtype);
  push16(w, qclass);
}

void MessageBuilder::write_name(std::string_view name, bool compress) {
  auto& w = r_.wire;
  size_t i = 0;
  while (i < name.size() && name[i] != 0) {
    std::string suffix = lowercase(name.substr(i));
    if (compress) {
      if (auto it = suffixes_.find(suffix); it != suffixes_.end()) {
        push16(w, static_cast<uint16_t>(0xC000 | it->second));
        return;
      }
    }
    if (w.size() < 0x3fff) suffixes_.emplace(std::move(suffix), static_cast<uint16_t>(w.size()));
    uint8_t len = static_cast<uint8_t>(name[i]);
    w.insert(w.end(), name.begin() + i, name.begin() + i + 1 + len);
    i += 1 + len;
  }
  w.push_back(0);
}

bool MessageBuilder::add(Section s, std::string_view name, uint16_t type, uint16_t cls, uint32_t ttl,
                         std::string_view rdata) {
  auto& w = r_.wire;
  const size_t start = w.size();
  auto rollback = [&] {
    w.resize(start);
    std::erase_if(suffixes_, [&](const auto& kv) { return kv.second >= start; });
    return false;
  };
  write_name(name, true);
  push16(w, type);
  push16(w, cls);
  const size_t ttl_at = w.size();
  push32(w, ttl);
  const size_t rdlen_at = w.size();
  push16(w, 0);
  const size_t rd_start = w.size();
  // Names in the RDATA of the RFC 1035 types may be compressed.
  auto name_at = [&](size_t off) -> size_t {
    size_t len = plain_name_length(rdata.substr(off));
    if (len) write_name(rdata.substr(off, len), true);
    return len;
  };
  switch (type) {
    case rrtype::NS: case rrtype::CNAME: case rrtype::PTR: {
      size_t len = name_at(0);
      if (!len || len != rdata.size()) return rollback();
      break;
    }
    case rrtype::MX: {
      if (rdata.size() < 3) return rollback();
      w.insert(w.end(), rdata.begin(), rdata.begin() + 2);
      size_t len = name_at(2);
      if (!len || 2 + len != rdata.size()) return rollback();
      break;
    }
    case rrtype::SOA: {
      size_t a = name_at(0);
      if (!a) return rollback();
      size_t b = name_at(a);
      if (!b || a + b + 20 != rdata.size()) return rollback();
      w.insert(w.end(), rdata.begin() + a + b, rdata.end());
      break;
    }
    default:
      w.insert(w.end(), rdata.begin(), rdata.end());
  }
  const size_t rdlen = w.size() - rd_start;
  if (w.size() > 65535 || rdlen > 65535) return rollback();
  w[rdlen_at] = static_cast<uint8_t>(rdlen >> 8);
  w[rdlen_at + 1] = static_cast<uint8_t>(rdlen);
  r_.ttl_at.push_back(static_cast<uint16_t>(ttl_at));
  r_.rr_end.push_back(static_cast<uint16_t>(w.size()));
  uint16_t* count = s == Section::Answer ? &r_.an : s == Section::Authority ? &r_.ns : &r_.ar;
  ++*count;
  return true;
}

void MessageBuilder::set_rcode(Rcode r) {
  r_.wire[3] = static_cast<uint8_t>((r_.wire[3] & 0xf0) | (static_cast<uint8_t>(r) & 0x0f));
}

EncodedResponse MessageBuilder::finish() && {
  auto& w = r_.wire;
  w[6] = static_cast<uint8_t>(r_.an >> 8);
  w[7] = static_cast<uint8_t>(r_.an);
  w[8] = static_cast<uint8_t>(r_.ns >> 8);
  w[9] = static_cast<uint8_t>(r_.ns);
  w[10] = static_cast<uint8_t>(r_.ar >> 8);
  w[11] = static_cast<uint8_t>(r_.ar);
  w.shrink_to_fit();
  r_.rr_end.shrink_to_fit();
  r_.ttl_at.shrink_to_fit();
  return std::move(r_);
}

std::string rdata_a(const uint8_t* v4) { return std::string(reinterpret_cast<const char*>(v4), 4); }
std::string rdata_aaaa(const uint8_t* v6) { return std::string(reinterpret_cast<const char*>(v6), 16); }

std::string rdata_srv(uint16_t prio, uint16_t weight, uint16_t port, std::string_view target) {
  std::string s;
  for (uint16_t v : {prio, weight, port}) {
    s.push_back(static_cast<char>(v >> 8));
    s.push_back(static_cast<char>(v));
  }
  s.append(target);
  return s;
}

std::string rdata_txt(std::string_view text) {
  std::string s;
  s.push_back(static_cast<char>(std::min<size_t>(text.size(), 255)));
  s.append(text.substr(0, 255));
  return s;
}

std::string rdata_soa(std::string_view mname, std::string_view rname, uint32_t serial, uint32_t refresh,
                      uint32_t retry, uint32_t expire, uint32_t minimum) {
  std::string s(mname);
  s.append(rname);
  for (uint32_t v : {serial, refresh, retry, expire, minimum}) {
    s.push_back(static_cast<char>(v >> 24));
    s.push_back(static_cast<char>(v >> 16));
    s.push_back(static_cast<char>(v >> 8));
    s.push_back(static_cast<char>(v));
  }
  return s;
}

}  // namespace skiff::dns
