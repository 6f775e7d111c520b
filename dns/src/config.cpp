#include "skiff/dns/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "skiff/dns/name.h"

namespace skiff::dns {

namespace {

template <typename T>
void get(const YAML::Node& n, const char* key, T& out) {
  if (n && n[key]) out = n[key].as<T>();
}

}  // namespace

std::expected<DnsConfig, std::string> parse_config(std::string_view text) {
  DnsConfig c;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsNull() && !root.IsMap()) return std::unexpected("config: top level must be a mapping");
    if (root.IsNull()) return c;
    get(root, "zone", c.zone);
    get(root, "ttl", c.ttl);
    get(root, "listen", c.listen);
    get(root, "http_listen", c.http_listen);
    get(root, "upstreams", c.upstreams);
    get(root, "resolv_conf", c.resolv_conf);
    get(root["cache"], "size", c.cache_size);
    get(root["cache"], "max_ttl", c.cache_max_ttl);
    get(root["cache"], "max_negative_ttl", c.cache_max_negative_ttl);
    get(root["upstream"], "timeout_ms", c.upstream_timeout_ms);
    get(root["upstream"], "tries", c.upstream_tries);
    get(root["udp"], "max_size", c.max_udp_size);
    get(root["udp"], "advertised_size", c.advertised_udp_size);
    get(root["tcp"], "max_connections", c.tcp_max_connections);
    get(root["tcp"], "idle_timeout_ms", c.tcp_idle_timeout_ms);
    get(root["rate_limit"], "qps", c.rate_limit_qps);
    get(root["rate_limit"], "burst", c.rate_limit_burst);
    if (root["pods"]) {
      auto mode = root["pods"].as<std::string>();
      if (mode != "insecure" && mode != "disabled") return std::unexpected("config: pods: must be insecure or disabled, got " + mode);
      c.pods_insecure = mode == "insecure";
    }
    get(root, "loop_detect", c.loop_detect);
    get(root, "search_completion", c.search_completion);
    get(root, "search_domains", c.search_domains);
  } catch (const YAML::Exception& e) {
    return std::unexpected(std::string("config: ") + e.what());
  }
  if (!name_from_text(c.zone) || c.zone.empty() || c.zone == ".") return std::unexpected("config: zone: not a valid domain name: " + c.zone);
  if (c.ttl > 3600) return std::unexpected("config: ttl: must be 0..3600");
  if (c.max_udp_size < 512) return std::unexpected("config: udp.max_size: must be >= 512");
  if (c.advertised_udp_size < 512) return std::unexpected("config: udp.advertised_size: must be >= 512");
  if (!parse_host_port(c.listen, 53)) return std::unexpected("config: listen: " + parse_host_port(c.listen, 53).error());
  for (const auto& u : c.upstreams)
    if (auto hp = parse_host_port(u, 53); !hp) return std::unexpected("config: upstreams: " + hp.error());
  return c;
}

std::expected<DnsConfig, std::string> load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected("config: cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str());
}

ResolvConf parse_resolv_conf(std::string_view text) {
  ResolvConf rc;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key.empty() || key[0] == '#' || key[0] == ';') continue;
    if (key == "nameserver") {
      std::string ns;
      if (words >> ns) rc.nameservers.push_back(ns);
    } else if (key == "search" || key == "domain") {
      rc.search.clear();  // the last search/domain line wins (resolv.conf(5))
      std::string d;
      while (words >> d) rc.search.push_back(d);
    }
  }
  return rc;
}

ResolvConf read_resolv_conf(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_resolv_conf(ss.str());
}

std::expected<HostPort, std::string> parse_host_port(std::string_view text, uint16_t default_port) {
  HostPort hp;
  std::string_view port;
  if (text.starts_with('[')) {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return std::unexpected("missing ] in " + std::string(text));
    hp.host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return std::unexpected("bad address " + std::string(text));
      port = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    size_t colon = text.find(':');
    hp.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  } else {
    hp.host = text;
  }
  if (hp.host.empty()) return std::unexpected("missing host in " + std::string(text));
  hp.port = default_port;
  if (!port.empty()) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc{} || p != port.data() + port.size() || v > 65535)
      return std::unexpected("bad port in " + std::string(text));
    hp.port = static_cast<uint16_t>(v);
  }
  return hp;
}

}  // namespace skiff::dns
