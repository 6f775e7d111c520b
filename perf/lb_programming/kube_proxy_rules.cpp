#include "kube_proxy_rules.h"

#include <cstdio>

namespace skiff::perf {
namespace {

// 16 base32 characters of a 80-bit FNV-1a based hash: the shape of
// kube-proxy's chain-name hashes.
std::string hash_name(const std::string& text, size_t chars) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  uint64_t a = 14695981039346656037ull, b = 1099511628211ull * 31;
  for (unsigned char c : text) {
    a = (a ^ c) * 1099511628211ull;
    b = (b ^ c) * 0x100000001b3ull + 7;
  }
  std::string out;
  for (size_t i = 0; i < chars; ++i) {
    uint64_t& src = i < 12 ? a : b;
    out += kAlphabet[src & 31];
    src >>= 5;
  }
  return out;
}

const char* proto_of(const SynthService& s) { return s.udp ? "udp" : "tcp"; }
std::string port_name(const SynthService& s) { return s.ns + "/" + s.name + ":" + s.port_name; }
std::string ep_str(const SynthEndpoint& e) { return ipv4_str(e.ip) + ":" + std::to_string(e.port); }

// ---- iptables mode -------------------------------------------------------

std::string svc_chain(const SynthService& s, const char* prefix) {
  return std::string(prefix) + hash_name(port_name(s) + proto_of(s), 16);
}
std::string sep_chain(const SynthService& s, const SynthEndpoint& e) {
  return "KUBE-SEP-" + hash_name(port_name(s) + proto_of(s) + ep_str(e), 16);
}

std::string probability(size_t remaining) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0.10f", 1.0 / static_cast<double>(remaining));
  return buf;
}

void iptables_filter(std::string& out) {
  out +=
      "*filter\n"
      ":KUBE-NODEPORTS - [0:0]\n"
      ":KUBE-SERVICES - [0:0]\n"
      ":KUBE-EXTERNAL-SERVICES - [0:0]\n"
      ":KUBE-FORWARD - [0:0]\n"
      ":KUBE-PROXY-FIREWALL - [0:0]\n"
      "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n"
      "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT\n"
      "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate "
      "RELATED,ESTABLISHED -j ACCEPT\n"
      "COMMIT\n";
}

void iptables_service_jumps(std::string& out, const SynthService& s) {
  const std::string pn = port_name(s);
  const char* p = proto_of(s);
  const std::string match = std::string(" -m ") + p + " -p " + p + " -d ";
  out += "-A KUBE-SERVICES -m comment --comment \"" + pn + " cluster IP\"" + match + ipv4_str(s.cluster_ip) +
         " --dport " + std::to_string(s.port) + " -j " + svc_chain(s, "KUBE-SVC-") + "\n";
  if (s.lb_ip) {
    out += "-A KUBE-SERVICES -m comment --comment \"" + pn + " loadbalancer IP\"" + match + ipv4_str(s.lb_ip) +
           " --dport " + std::to_string(s.port) + " -j " + svc_chain(s, "KUBE-EXT-") + "\n";
  }
}

void iptables_service_chain_lines(std::string& out, const SynthService& s) {
  out += ":" + svc_chain(s, "KUBE-SVC-") + " - [0:0]\n";
  if (s.lb_ip) {
    out += ":" + svc_chain(s, "KUBE-EXT-") + " - [0:0]\n";
    if (s.local_policy) out += ":" + svc_chain(s, "KUBE-SVL-") + " - [0:0]\n";
  }
  for (const auto& e : s.endpoints) out += ":" + sep_chain(s, e) + " - [0:0]\n";
}

void iptables_endpoint_jumps(std::string& out, const SynthService& s, const std::string& chain,
                             const KubeProxyOptions& o) {
  const std::string pn = port_name(s);
  for (size_t i = 0; i < s.endpoints.size(); ++i) {
    out += "-A " + chain;
    if (!o.large_cluster_mode) out += " -m comment --comment \"" + pn + " -> " + ep_str(s.endpoints[i]) + "\"";
    if (i + 1 < s.endpoints.size())
      out += " -m statistic --mode random --probability " + probability(s.endpoints.size() - i);
    out += " -j " + sep_chain(s, s.endpoints[i]) + "\n";
  }
}

void iptables_service_rules(std::string& out, const SynthService& s, const KubeProxyOptions& o) {
  const std::string pn = port_name(s);
  const char* p = proto_of(s);
  const std::string svc = svc_chain(s, "KUBE-SVC-");
  out += "-A " + svc + " -m comment --comment \"" + pn + " cluster IP\" -m " + p + " -p " + p + " -d " +
         ipv4_str(s.cluster_ip) + " --dport " + std::to_string(s.port) + " ! -s " + o.cluster_cidr +
         " -j KUBE-MARK-MASQ\n";
  iptables_endpoint_jumps(out, s, svc, o);
  if (s.lb_ip) {
    const std::string ext = svc_chain(s, "KUBE-EXT-");
    if (s.local_policy) {
      out += "-A " + ext + " -m comment --comment \"pod traffic for " + pn + " external destinations\" -s " +
             o.cluster_cidr + " -j " + svc + "\n";
      out += "-A " + ext + " -m comment --comment \"masquerade LOCAL traffic for " + pn +
             " external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ\n";
      out += "-A " + ext + " -m comment --comment \"route LOCAL traffic for " + pn +
             " external destinations\" -m addrtype --src-type LOCAL -j " + svc + "\n";
      out += "-A " + ext + " -j " + svc_chain(s, "KUBE-SVL-") + "\n";
      iptables_endpoint_jumps(out, s, svc_chain(s, "KUBE-SVL-"), o);  // every endpoint is on this node
    } else {
      out += "-A " + ext + " -m comment --comment \"masquerade traffic for " + pn +
             " external destinations\" -j KUBE-MARK-MASQ\n";
      out += "-A " + ext + " -j " + svc + "\n";
    }
  }
  const std::string comment = o.large_cluster_mode ? "" : " -m comment --comment " + pn;
  for (const auto& e : s.endpoints) {
    const std::string sep = sep_chain(s, e);
    out += "-A " + sep + comment + " -s " + ipv4_str(e.ip) + " -j KUBE-MARK-MASQ\n";
    out += "-A " + sep + comment + " -m " + p + " -p " + p + " -j DNAT --to-destination " + ep_str(e) + "\n";
  }
}

void iptables_nat_head(std::string& out) {
  out +=
      "*nat\n"
      ":KUBE-SERVICES - [0:0]\n"
      ":KUBE-NODEPORTS - [0:0]\n"
      ":KUBE-POSTROUTING - [0:0]\n"
      ":KUBE-MARK-MASQ - [0:0]\n";
}

void iptables_nat_fixed_rules(std::string& out) {
  out +=
      "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n"
      "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\n"
      "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE "
      "--random-fully\n"
      "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n";
}

void iptables_nat_tail(std::string& out) {
  out +=
      "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in "
      "this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n"
      "COMMIT\n";
}

// ---- nftables mode -------------------------------------------------------

const char* kNft = "ip kube-proxy";

std::string nft_suffix(const SynthService& s) {
  return s.ns + "/" + s.name + "/" + proto_of(s) + "/" + s.port_name;
}
std::string nft_chain(const SynthService& s, const char* prefix) {
  const std::string suffix = nft_suffix(s);
  return std::string(prefix) + hash_name(suffix, 8) + "-" + suffix;
}
std::string nft_ep_chain(const SynthService& s, const SynthEndpoint& e) {
  const std::string suffix = nft_suffix(s) + "__" + ipv4_str(e.ip) + "/" + std::to_string(e.port);
  return "endpoint-" + hash_name(suffix, 8) + "-" + suffix;
}

void nft_add_chain(std::string& out, const std::string& chain, bool flush) {
  out += std::string("add chain ") + kNft + " " + chain + "\n";
  if (flush) out += std::string("flush chain ") + kNft + " " + chain + "\n";
}
void nft_rule(std::string& out, const std::string& chain, const std::string& rule) {
  out += std::string("add rule ") + kNft + " " + chain + " " + rule + "\n";
}

std::string nft_endpoint_vmap(const SynthService& s) {
  std::string r = "numgen random mod " + std::to_string(s.endpoints.size()) + " vmap { ";
  for (size_t i = 0; i < s.endpoints.size(); ++i) {
    if (i) r += " , ";
    r += std::to_string(i) + " : goto " + nft_ep_chain(s, s.endpoints[i]);
  }
  return r + " }";
}

// The chains of one service, all declared before any rule names them;
// `flush` for partial syncs (the chains exist and are rewritten).
void nft_service_chains(std::string& out, const SynthService& s, const KubeProxyOptions& o, bool flush) {
  const std::string svc = nft_chain(s, "service-");
  const std::string ext = nft_chain(s, "external-");
  const std::string local = nft_chain(s, "local-");
  const bool has_local = s.lb_ip && s.local_policy;
  for (const auto& e : s.endpoints) nft_add_chain(out, nft_ep_chain(s, e), flush);
  nft_add_chain(out, svc, flush);
  if (has_local) nft_add_chain(out, local, flush);
  if (s.lb_ip) nft_add_chain(out, ext, flush);

  const char* p = proto_of(s);
  for (const auto& e : s.endpoints) {
    const std::string ep = nft_ep_chain(s, e);
    nft_rule(out, ep, "ip saddr " + ipv4_str(e.ip) + " jump mark-for-masquerade");
    nft_rule(out, ep, std::string("meta l4proto ") + p + " dnat to " + ep_str(e));
  }
  nft_rule(out, svc, "ip daddr " + ipv4_str(s.cluster_ip) + " ip saddr != " + o.cluster_cidr +
                         " jump mark-for-masquerade");
  if (!s.endpoints.empty()) nft_rule(out, svc, nft_endpoint_vmap(s));
  if (has_local && !s.endpoints.empty()) nft_rule(out, local, nft_endpoint_vmap(s));  // all endpoints are local
  if (has_local) {
    nft_rule(out, ext, "ip saddr " + o.cluster_cidr + " goto " + svc + " comment \"short-circuit pod traffic\"");
    nft_rule(out, ext, "fib saddr type local jump mark-for-masquerade comment \"masquerade local traffic\"");
    nft_rule(out, ext, "fib saddr type local goto " + svc + " comment \"short-circuit local traffic\"");
    nft_rule(out, ext, "goto " + local);
  } else if (s.lb_ip) {
    nft_rule(out, ext, "jump mark-for-masquerade");
    nft_rule(out, ext, "goto " + svc);
  }
}

void nft_service_elements(std::string& out, const SynthService& s) {
  const char* p = proto_of(s);
  const std::string port = std::to_string(s.port);
  out += std::string("add element ") + kNft + " cluster-ips { " + ipv4_str(s.cluster_ip) + " }\n";
  out += std::string("add element ") + kNft + " service-ips { " + ipv4_str(s.cluster_ip) + " . " + p + " . " +
         port + " : goto " + nft_chain(s, "service-") + " }\n";
  if (s.lb_ip) {
    out += std::string("add element ") + kNft + " service-ips { " + ipv4_str(s.lb_ip) + " . " + p + " . " + port +
           " : goto " + nft_chain(s, "external-") + " }\n";
  }
}

}  // namespace

std::string iptables_bootstrap() {
  return
      "*filter\n"
      ":KUBE-NODEPORTS - [0:0]\n"
      ":KUBE-SERVICES - [0:0]\n"
      ":KUBE-EXTERNAL-SERVICES - [0:0]\n"
      ":KUBE-FORWARD - [0:0]\n"
      ":KUBE-PROXY-FIREWALL - [0:0]\n"
      "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j "
      "KUBE-PROXY-FIREWALL\n"
      "-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS\n"
      "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" "
      "-j KUBE-EXTERNAL-SERVICES\n"
      "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j "
      "KUBE-PROXY-FIREWALL\n"
      "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD\n"
      "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
      "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" "
      "-j KUBE-EXTERNAL-SERVICES\n"
      "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j "
      "KUBE-PROXY-FIREWALL\n"
      "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
      "COMMIT\n"
      "*nat\n"
      ":KUBE-SERVICES - [0:0]\n"
      ":KUBE-POSTROUTING - [0:0]\n"
      "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
      "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
      "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n"
      "COMMIT\n";
}

std::string iptables_full(const std::vector<SynthService>& services, const KubeProxyOptions& o) {
  std::string out;
  out.reserve(services.size() * (600 + 300 * (services.empty() ? 0 : services[0].endpoints.size())));
  iptables_filter(out);
  iptables_nat_head(out);
  for (const auto& s : services) iptables_service_chain_lines(out, s);
  iptables_nat_fixed_rules(out);
  for (const auto& s : services) iptables_service_jumps(out, s);
  for (const auto& s : services) iptables_service_rules(out, s, o);
  iptables_nat_tail(out);
  return out;
}

std::string iptables_partial(const std::vector<SynthService>& services, size_t changed,
                             const KubeProxyOptions& o) {
  std::string out;
  out.reserve(services.size() * 200);
  iptables_filter(out);
  iptables_nat_head(out);
  iptables_service_chain_lines(out, services[changed]);
  iptables_nat_fixed_rules(out);
  for (const auto& s : services) iptables_service_jumps(out, s);
  iptables_service_rules(out, services[changed], o);
  iptables_nat_tail(out);
  return out;
}

std::string nft_full(const std::vector<SynthService>& services, const KubeProxyOptions& o) {
  std::string out;
  out.reserve(services.size() * (800 + 400 * (services.empty() ? 0 : services[0].endpoints.size())));
  out +=
      "add table ip kube-proxy { comment \"rules for kube-proxy\" ; }\n"
      "add set ip kube-proxy cluster-ips { type ipv4_addr ; comment \"Active ClusterIPs\" ; }\n"
      "add set ip kube-proxy nodeport-ips { type ipv4_addr ; comment \"IPs that accept NodePort traffic\" ; }\n"
      "add map ip kube-proxy firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }\n"
      "add map ip kube-proxy no-endpoint-nodeports { type inet_proto . inet_service : verdict ; }\n"
      "add map ip kube-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; }\n"
      "add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "
      "\"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ; }\n"
      "add map ip kube-proxy service-nodeports { type inet_proto . inet_service : verdict ; }\n"
      "add chain ip kube-proxy cluster-ips-check\n"
      "add chain ip kube-proxy filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }\n"
      "add chain ip kube-proxy filter-output-pre-dnat { type filter hook output priority -110 ; }\n"
      "add chain ip kube-proxy filter-forward { type filter hook forward priority 0 ; }\n"
      "add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }\n"
      "add chain ip kube-proxy filter-output { type filter hook output priority 0 ; }\n"
      "add chain ip kube-proxy firewall-check\n"
      "add chain ip kube-proxy mark-for-masquerade\n"
      "add chain ip kube-proxy masquerading\n"
      "add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }\n"
      "add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }\n"
      "add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }\n"
      "add chain ip kube-proxy nodeport-endpoints-check\n"
      "add chain ip kube-proxy reject-chain { comment \"helper for @no-endpoint-services / "
      "@no-endpoint-nodeports\" ; }\n"
      "add chain ip kube-proxy services\n"
      "add chain ip kube-proxy service-endpoints-check\n"
      "add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment \"Reject traffic to invalid "
      "ports of ClusterIPs\"\n"
      "add rule ip kube-proxy cluster-ips-check ip daddr { 10.96.0.0/12 } drop comment \"Drop traffic to "
      "unallocated ClusterIPs\"\n"
      "add rule ip kube-proxy filter-prerouting-pre-dnat ct state new jump firewall-check\n"
      "add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check\n"
      "add rule ip kube-proxy filter-forward ct state new jump cluster-ips-check\n"
      "add rule ip kube-proxy filter-input ct state new jump nodeport-endpoints-check\n"
      "add rule ip kube-proxy filter-input ct state new jump service-endpoints-check\n"
      "add rule ip kube-proxy filter-output ct state new jump service-endpoints-check\n"
      "add rule ip kube-proxy filter-output-pre-dnat ct state new jump firewall-check\n"
      "add rule ip kube-proxy filter-output ct state new jump cluster-ips-check\n"
      "add rule ip kube-proxy firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips\n"
      "add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000\n"
      "add rule ip kube-proxy masquerading mark and 0x4000 == 0 return\n"
      "add rule ip kube-proxy masquerading mark set mark xor 0x4000\n"
      "add rule ip kube-proxy masquerading masquerade fully-random\n"
      "add rule ip kube-proxy nat-output jump services\n"
      "add rule ip kube-proxy nat-postrouting jump masquerading\n"
      "add rule ip kube-proxy nat-prerouting jump services\n"
      "add rule ip kube-proxy nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap "
      "@no-endpoint-nodeports\n"
      "add rule ip kube-proxy reject-chain reject\n"
      "add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips\n"
      "add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports\n"
      "add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap "
      "@no-endpoint-services\n";
  // Chains before the map elements that point at them.
  for (const auto& s : services) nft_service_chains(out, s, o, false);
  for (const auto& s : services) nft_service_elements(out, s);
  return out;
}

std::string nft_partial(const std::vector<SynthService>& services, size_t changed, const KubeProxyOptions& o) {
  std::string out;
  nft_service_chains(out, services[changed], o, true);
  return out;
}

std::string nft_cleanup() { return "delete table ip kube-proxy\n"; }

}  // namespace skiff::perf
