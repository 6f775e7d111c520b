// Configuration of the cluster DNS server, with CoreDNS/kubeadm-like
// defaults. Loaded from YAML (every key optional):
//
//   zone: cluster.local          # the cluster domain
//   ttl: 30                      # kubeadm's Corefile uses ttl 30
//   listen: 0.0.0.0:53           # UDP and TCP
//   http_listen: 127.0.0.1:8080  # /health, /ready, /metrics ("" = off)
//   upstreams: [10.0.0.2:53]     # default: nameservers of resolv_conf
//   resolv_conf: /etc/resolv.conf
//   cache: {size: 9984, max_ttl: 30, max_negative_ttl: 30}
//   upstream: {timeout_ms: 2000, tries: 2}
//   udp: {max_size: 4096, advertised_size: 1232}
//   tcp: {max_connections: 1000, idle_timeout_ms: 10000}
//   rate_limit: {qps: 0, burst: 0}   # per client address; 0 = off
//   pods: insecure                # or disabled
//   loop_detect: true
//   search_completion: false      # see docs in resolver.h
//   search_domains: []            # node search domains for completion (default: resolv_conf's)
#pragma once
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::dns {

struct DnsConfig {
  std::string zone = "cluster.local";
  uint32_t ttl = 30;
  std::string listen = "0.0.0.0:53";
  std::string http_listen;
  std::vector<std::string> upstreams;
  std::string resolv_conf = "/etc/resolv.conf";
  size_t cache_size = 9984;
  uint32_t cache_max_ttl = 30;
  uint32_t cache_max_negative_ttl = 30;
  uint32_t upstream_timeout_ms = 2000;
  uint32_t upstream_tries = 2;
  uint16_t max_udp_size = 4096;
  uint16_t advertised_udp_size = 1232;
  uint32_t tcp_max_connections = 1000;
  uint32_t tcp_idle_timeout_ms = 10000;
  uint32_t rate_limit_qps = 0;
  uint32_t rate_limit_burst = 0;
  bool pods_insecure = true;
  bool loop_detect = true;
  bool search_completion = false;
  std::vector<std::string> search_domains;
  size_t max_pending_upstream = 10000;  // outstanding forwarded queries
};

std::expected<DnsConfig, std::string> parse_config(std::string_view yaml_text);
std::expected<DnsConfig, std::string> load_config(const std::string& path);

struct ResolvConf {
  std::vector<std::string> nameservers;  // "ip" or "ip:port" ([v6]:port)
  std::vector<std::string> search;
};
ResolvConf parse_resolv_conf(std::string_view text);
ResolvConf read_resolv_conf(const std::string& path);

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
// "1.2.3.4:53", "[::1]:53", "1.2.3.4" (default port), "::1" (default port).
std::expected<HostPort, std::string> parse_host_port(std::string_view text, uint16_t default_port);

}  // namespace skiff::dns
