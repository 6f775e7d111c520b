#include "skiff/dns/kube_records.h"

#include <arpa/inet.h>

#include <algorithm>
#include <map>

#include "skiff/dns/message_builder.h"
#include "skiff/dns/name.h"

namespace skiff::dns {

namespace {

std::string lower_text(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

const char* proto_label(kube::Protocol p) {
  switch (p) {
    case kube::Protocol::TCP: return "_tcp";
    case kube::Protocol::UDP: return "_udp";
    case kube::Protocol::SCTP: return "_sctp";
  }
  return "_tcp";
}

void add_address(std::vector<ZoneRecord>& out, const std::string& name, const net::IpAddr& ip) {
  if (ip.is_v4()) {
    out.push_back({name, rrtype::A, rdata_a(ip.bytes.data())});
  } else {
    out.push_back({name, rrtype::AAAA, rdata_aaaa(ip.bytes.data())});
  }
}

struct SrvTarget {
  uint16_t port;
  std::string target;
};

// SRV weights as a share of 100 among the records at one name (CoreDNS).
void add_srv(std::vector<ZoneRecord>& out, const std::map<std::string, std::vector<SrvTarget>>& by_name) {
  for (const auto& [name, targets] : by_name) {
    uint16_t weight = static_cast<uint16_t>(std::max<size_t>(1, 100 / std::max<size_t>(1, targets.size())));
    for (const auto& t : targets) out.push_back({name, rrtype::SRV, rdata_srv(0, weight, t.port, t.target)});
  }
}

bool endpoint_ready(const kube::Endpoint& ep, const kube::Service& svc) {
  return ep.conditions.ready || svc.publish_not_ready_addresses;
}

}  // namespace

std::string service_name(std::string_view name, std::string_view ns, std::string_view zone) {
  auto svc = prepend_label("svc", zone);
  auto n = svc ? prepend_label(lower_text(ns), *svc) : std::nullopt;
  auto s = n ? prepend_label(lower_text(name), *n) : std::nullopt;
  return s.value_or(std::string{});
}

std::string reverse_name(const net::IpAddr& ip) {
  std::string text;
  if (ip.is_v4()) {
    for (int i = 3; i >= 0; --i) text += std::to_string(ip.bytes[i]) + ".";
    text += "in-addr.arpa";
  } else {
    static const char* hex = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
      text += hex[ip.bytes[i] & 0xf];
      text += '.';
      text += hex[ip.bytes[i] >> 4];
      text += '.';
    }
    text += "ip6.arpa";
  }
  return *name_from_text(text);
}

std::optional<net::IpAddr> parse_reverse_name(std::string_view name) {
  net::IpAddr ip;
  std::string_view rest = name;
  std::vector<std::string_view> labels;
  while (!rest.empty() && rest[0] != 0) {
    labels.push_back(first_label(rest));
    rest = parent_name(rest);
  }
  if (labels.size() == 6 && labels[4] == "in-addr" && labels[5] == "arpa") {
    for (int i = 0; i < 4; ++i) {
      std::string_view l = labels[i];
      if (l.empty() || l.size() > 3 || !std::all_of(l.begin(), l.end(), ::isdigit)) return std::nullopt;
      if (l.size() > 1 && l[0] == '0') return std::nullopt;
      int v = std::stoi(std::string(l));
      if (v > 255) return std::nullopt;
      ip.bytes[3 - i] = static_cast<uint8_t>(v);
    }
    ip.family = net::IpAddr::Family::V4;
    return ip;
  }
  if (labels.size() == 34 && labels[32] == "ip6" && labels[33] == "arpa") {
    ip.family = net::IpAddr::Family::V6;
    for (int i = 0; i < 32; ++i) {
      std::string_view l = labels[i];
      if (l.size() != 1 || !isxdigit(static_cast<unsigned char>(l[0]))) return std::nullopt;
      int v = isdigit(static_cast<unsigned char>(l[0])) ? l[0] - '0' : l[0] - 'a' + 10;
      int byte = 15 - i / 2;
      ip.bytes[byte] |= static_cast<uint8_t>(i % 2 == 0 ? v : v << 4);
    }
    return ip;
  }
  return std::nullopt;
}

std::string dashed_ip(const net::IpAddr& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip.is_v4() ? AF_INET : AF_INET6, ip.bytes.data(), buf, sizeof buf);
  std::string s(buf);
  std::replace(s.begin(), s.end(), ip.is_v4() ? '.' : ':', '-');
  return s;
}

std::optional<net::IpAddr> parse_dashed_ip(std::string_view label) {
  if (label.empty() || label.size() > 45) return std::nullopt;
  std::string s(label);
  net::IpAddr ip;
  const bool v4 = std::count(s.begin(), s.end(), '-') == 3 && s.find("--") == std::string::npos;
  std::replace(s.begin(), s.end(), '-', v4 ? '.' : ':');
  if (v4) {
    ip.family = net::IpAddr::Family::V4;
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  } else {
    ip.family = net::IpAddr::Family::V6;
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  }
  return ip;
}

std::vector<ZoneRecord> service_records(const kube::Service& svc, std::span<const kube::EndpointSlice* const> slices,
                                        std::string_view zone) {
  std::vector<ZoneRecord> out;
  const std::string name = service_name(svc.meta.name, svc.meta.ns, zone);
  if (name.empty()) return out;

  if (svc.type == kube::ServiceType::ExternalName) {
    if (auto target = name_from_text(lower_text(svc.external_name)); target && target->size() > 1)
      out.push_back({name, rrtype::CNAME, *target});
    return out;
  }

  std::map<std::string, std::vector<SrvTarget>> srv;
  auto srv_name = [&](const std::string& port_name, kube::Protocol proto) -> std::optional<std::string> {
    auto p = prepend_label(proto_label(proto), name);
    return p ? prepend_label("_" + lower_text(port_name), *p) : std::nullopt;
  };

  if (!svc.headless) {
    for (const auto& ip : svc.cluster_ips) {
      add_address(out, name, ip);
      out.push_back({reverse_name(ip), rrtype::PTR, name});
    }
    for (const auto& p : svc.ports) {
      if (p.port <= 0 || p.port > 65535) continue;
      srv[name].push_back({static_cast<uint16_t>(p.port), name});
      if (!p.name.empty())
        if (auto n = srv_name(p.name, p.protocol)) srv[*n].push_back({static_cast<uint16_t>(p.port), name});
    }
  }

  for (const kube::EndpointSlice* slice : slices) {
    if (!slice || slice->address_type == kube::AddressType::FQDN) continue;
    for (const auto& ep : slice->endpoints) {
      if (!endpoint_ready(ep, svc)) continue;
      for (const auto& ip : ep.addresses) {
        const std::string host = ep.hostname && !ep.hostname->empty() ? lower_text(*ep.hostname) : dashed_ip(ip);
        auto host_name = prepend_label(host, name);
        if (!host_name) continue;
        add_address(out, *host_name, ip);
        out.push_back({reverse_name(ip), rrtype::PTR, *host_name});
        if (!svc.headless) continue;
        add_address(out, name, ip);
        for (const auto& p : slice->ports) {
          if (!p.port || *p.port <= 0 || *p.port > 65535) continue;
          srv[name].push_back({static_cast<uint16_t>(*p.port), *host_name});
          if (!p.name.empty())
            if (auto n = srv_name(p.name, p.protocol)) srv[*n].push_back({static_cast<uint16_t>(*p.port), *host_name});
        }
      }
    }
  }
  // Endpoints listed in several slices (during a move) give one record each.
  for (auto& [n, targets] : srv) {
    std::sort(targets.begin(), targets.end(), [](const SrvTarget& a, const SrvTarget& b) {
      return std::tie(a.port, a.target) < std::tie(b.port, b.target);
    });
    targets.erase(std::unique(targets.begin(), targets.end(),
                              [](const SrvTarget& a, const SrvTarget& b) { return a.port == b.port && a.target == b.target; }),
                  targets.end());
  }
  add_srv(out, srv);
  return out;
}

std::vector<ZoneRecord> pod_records(const kube::Pod& pod, const kube::Service* svc, std::string_view zone) {
  std::vector<ZoneRecord> out;
  if (!svc || !svc->headless || pod.hostname.empty() || pod.subdomain.empty() || pod.host_network) return out;
  if (!pod.ready && !svc->publish_not_ready_addresses) return out;
  const std::string sub = service_name(pod.subdomain, pod.meta.ns, zone);
  auto name = sub.empty() ? std::nullopt : prepend_label(lower_text(pod.hostname), sub);
  if (!name) return out;
  for (const auto& ip : pod.pod_ips) add_address(out, *name, ip);
  return out;
}

std::vector<ZoneRecord> schema_records(std::string_view zone) {
  return {{*prepend_label("dns-version", zone), rrtype::TXT, rdata_txt("1.1.0")}};
}

}  // namespace skiff::dns
