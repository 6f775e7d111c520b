#include "cni/lib/config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "cni/lib/version.h"

namespace skiff::cni {
namespace {

using nlohmann::json;

std::unexpected<Error> invalid(const std::string& field, const std::string& why) {
  return fail(ErrorCode::kInvalidConfig, "invalid network config: \"" + field + "\" " + why);
}

std::string show(const json& v) { return v.dump(); }

// Reads an optional string field; absent is fine, any other type is not.
Result<std::optional<std::string>> opt_string(const json& obj, const std::string& key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return invalid(path, "must be a string, got " + show(*it));
  return std::optional<std::string>{it->get<std::string>()};
}

Result<std::vector<std::string>> string_list(const json& obj, const std::string& key, const std::string& path) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) return invalid(path, "must be an array of strings, got " + show(*it));
  for (const auto& v : *it) {
    if (!v.is_string()) return invalid(path, "must contain only strings, got " + show(v));
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<int> int_in(const json& v, const std::string& path, int lo, int hi) {
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    return invalid(path, "must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi) +
                             ", got " + show(v));
  return static_cast<int>(v.get<int64_t>());
}

bool is_valid_network_name(std::string_view name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::ranges::all_of(name, [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || c == '_' || c == '.' || c == '-';
  });
}

Result<Ipv4> parse_ip(const std::string& text, const std::string& path) {
  if (looks_like_ipv6(text))
    return fail(ErrorCode::kUnsupportedField,
                "unsupported field in network config: \"" + path + "\": \"" + text + "\" (IPv6 is not supported yet)");
  auto ip = Ipv4::parse(text);
  if (!ip) return invalid(path, "must be an IPv4 address, got \"" + text + "\"");
  return *ip;
}

// A pool subnet: host bits clear, room for network, gateway, broadcast and one pod.
Result<Ipv4Cidr> parse_subnet(const std::string& text, const std::string& path) {
  if (looks_like_ipv6(text))
    return fail(ErrorCode::kUnsupportedField,
                "unsupported field in network config: \"" + path + "\": \"" + text + "\" (IPv6 is not supported yet)");
  auto cidr = Ipv4Cidr::parse(text);
  if (!cidr) return invalid(path, "must be an IPv4 CIDR like 10.244.0.0/24, got \"" + text + "\"");
  if (cidr->has_host_bits())
    return invalid(path, "\"" + text + "\" has host bits set (did you mean " +
                             Ipv4Cidr{cidr->network(), cidr->prefix}.str() + "?)");
  if (cidr->prefix > 30)
    return invalid(path, "\"" + text + "\" is too small: a pod subnet needs a prefix of /30 or shorter");
  return *cidr;
}

Result<Range> parse_range(const json& obj, const std::string& path, bool from_pod_cidr) {
  std::string subnet_key = from_pod_cidr ? "podCIDR" : "subnet";
  std::string subnet_path = from_pod_cidr ? "podCIDR" : path + ".subnet";
  auto it = obj.find(subnet_key);
  if (it == obj.end() || !it->is_string()) return invalid(subnet_path, "is required and must be a string");
  auto subnet = parse_subnet(it->get<std::string>(), subnet_path);
  if (!subnet) return std::unexpected(subnet.error());

  Range r{*subnet, subnet->network().next(), {}, {}};
  std::string gw_path = from_pod_cidr ? "gateway" : path + ".gateway";
  auto gw = opt_string(obj, "gateway", gw_path);
  if (!gw) return std::unexpected(gw.error());
  if (*gw) {
    auto ip = parse_ip(**gw, gw_path);
    if (!ip) return std::unexpected(ip.error());
    if (!subnet->contains(*ip) || *ip == subnet->network() || *ip == subnet->broadcast())
      return invalid(gw_path, "\"" + **gw + "\" must be a host address inside " + subnet->str());
    r.gateway = *ip;
  }

  r.start = subnet->network().next();
  r.end = Ipv4{subnet->broadcast().value - 1};
  for (auto [key, target] : {std::pair{"rangeStart", &r.start}, std::pair{"rangeEnd", &r.end}}) {
    std::string p = (from_pod_cidr ? std::string() : path + ".") + key;
    auto v = opt_string(obj, key, p);
    if (!v) return std::unexpected(v.error());
    if (!*v) continue;
    auto ip = parse_ip(**v, p);
    if (!ip) return std::unexpected(ip.error());
    if (!subnet->contains(*ip) || *ip == subnet->network() || *ip == subnet->broadcast())
      return invalid(p, "\"" + **v + "\" must be a host address inside " + subnet->str());
    *target = *ip;
  }
  if (r.start > r.end)
    return invalid(from_pod_cidr ? "rangeStart" : path + ".rangeStart",
                   r.start.str() + " is after rangeEnd " + r.end.str());
  bool only_gateway = r.start == r.end && r.start == r.gateway;
  if (only_gateway) return invalid(subnet_path, "leaves no address for pods besides the gateway");
  return r;
}

Result<std::vector<Range>> parse_ranges(const json& root) {
  bool has_cidr = root.contains("podCIDR");
  bool has_ranges = root.contains("ranges");
  if (has_cidr && has_ranges) return invalid("ranges", "cannot be combined with \"podCIDR\"; use one of them");
  if (!has_cidr && !has_ranges) return invalid("podCIDR", "is required (or \"ranges\")");

  std::vector<Range> out;
  if (has_cidr) {
    auto r = parse_range(root, "", true);
    if (!r) return std::unexpected(r.error());
    out.push_back(*r);
    return out;
  }
  const json& ranges = root["ranges"];
  if (!ranges.is_array() || ranges.empty()) return invalid("ranges", "must be a non-empty array of objects");
  for (size_t i = 0; i < ranges.size(); ++i) {
    std::string path = "ranges[" + std::to_string(i) + "]";
    if (!ranges[i].is_object()) return invalid(path, "must be an object, got " + show(ranges[i]));
    for (const auto& [key, _] : ranges[i].items())
      if (key != "subnet" && key != "gateway" && key != "rangeStart" && key != "rangeEnd")
        return invalid(path + "." + key, "is not a range field (subnet, gateway, rangeStart, rangeEnd)");
    auto r = parse_range(ranges[i], path, false);
    if (!r) return std::unexpected(r.error());
    for (const auto& prev : out)
      if (prev.subnet.contains(r->subnet.network()) || r->subnet.contains(prev.subnet.network()))
        return invalid(path + ".subnet", r->subnet.str() + " overlaps " + prev.subnet.str());
    out.push_back(*r);
  }
  return out;
}

Result<std::vector<RouteSpec>> parse_routes(const json& root) {
  std::vector<RouteSpec> out;
  auto it = root.find("routes");
  if (it == root.end()) {
    out.push_back({Ipv4Cidr{{0}, 0}, std::nullopt});
    return out;
  }
  if (!it->is_array()) return invalid("routes", "must be an array of {\"dst\": CIDR, \"gw\": IP}");
  for (size_t i = 0; i < it->size(); ++i) {
    const json& r = (*it)[i];
    std::string path = "routes[" + std::to_string(i) + "]";
    if (!r.is_object()) return invalid(path, "must be an object, got " + show(r));
    auto dst = opt_string(r, "dst", path + ".dst");
    if (!dst) return std::unexpected(dst.error());
    if (!*dst) return invalid(path + ".dst", "is required");
    if (looks_like_ipv6(**dst))
      return fail(ErrorCode::kUnsupportedField, "unsupported field in network config: \"" + path + ".dst\": \"" +
                                                    **dst + "\" (IPv6 is not supported yet)");
    auto cidr = Ipv4Cidr::parse(**dst);
    if (!cidr) return invalid(path + ".dst", "must be an IPv4 CIDR, got \"" + **dst + "\"");
    if (cidr->has_host_bits()) return invalid(path + ".dst", "\"" + **dst + "\" has host bits set");
    RouteSpec spec{*cidr, std::nullopt};
    auto gw = opt_string(r, "gw", path + ".gw");
    if (!gw) return std::unexpected(gw.error());
    if (*gw) {
      auto ip = parse_ip(**gw, path + ".gw");
      if (!ip) return std::unexpected(ip.error());
      spec.gw = *ip;
    }
    out.push_back(spec);
  }
  return out;
}

// Both the conflist's "dns" ({nameservers, domain, search, options}) and the
// runtime's "dns" capability ({servers, searches, options}) end up here.
Result<Dns> parse_dns(const json& obj, const std::string& path, bool capability_names) {
  if (!obj.is_object()) return invalid(path, "must be an object, got " + show(obj));
  Dns dns;
  auto servers = string_list(obj, capability_names ? "servers" : "nameservers",
                             path + (capability_names ? ".servers" : ".nameservers"));
  if (!servers) return std::unexpected(servers.error());
  for (const auto& s : *servers) {
    in6_addr a6{};
    in_addr a4{};
    if (inet_pton(AF_INET, s.c_str(), &a4) != 1 && inet_pton(AF_INET6, s.c_str(), &a6) != 1)
      return invalid(path + ".nameservers", "\"" + s + "\" is not an IP address");
  }
  dns.nameservers = *servers;
  auto search = string_list(obj, capability_names ? "searches" : "search", path + ".search");
  if (!search) return std::unexpected(search.error());
  dns.search = *search;
  auto options = string_list(obj, "options", path + ".options");
  if (!options) return std::unexpected(options.error());
  dns.options = *options;
  if (!capability_names) {
    auto domain = opt_string(obj, "domain", path + ".domain");
    if (!domain) return std::unexpected(domain.error());
    dns.domain = domain->value_or("");
  }
  return dns;
}

Result<std::vector<Attachment>> parse_attachments(const json& v) {
  const std::string path = "cni.dev/valid-attachments";
  if (!v.is_array()) return invalid(path, "must be an array of {\"containerID\", \"ifname\"}");
  std::vector<Attachment> out;
  for (const auto& a : v) {
    if (!a.is_object() || !a.contains("containerID") || !a["containerID"].is_string() || !a.contains("ifname") ||
        !a["ifname"].is_string())
      return invalid(path, "entries need string \"containerID\" and \"ifname\", got " + show(a));
    out.push_back({a["containerID"].get<std::string>(), a["ifname"].get<std::string>()});
  }
  return out;
}

Status parse_version(const json& root, NetConf& conf) {
  auto it = root.find("cniVersion");
  if (it == root.end()) return invalid("cniVersion", "is required");
  if (!it->is_string()) return invalid("cniVersion", "must be a string, got " + show(*it));
  conf.cni_version = it->get<std::string>();
  if (!SpecVersion::parse(conf.cni_version))
    return invalid("cniVersion", "\"" + conf.cni_version + "\" is not a version like \"1.0.0\"");
  if (!is_supported_version(conf.cni_version)) {
    std::string list;
    for (auto v : kSupportedVersions) list += (list.empty() ? "" : ", ") + std::string(v);
    return fail(ErrorCode::kIncompatibleVersion, "incompatible CNI version: config has " + conf.cni_version,
                "skiff-cni supports " + list);
  }
  return {};
}

Status parse_fields(const json& root, NetConf& conf) {
  if (auto s = parse_version(root, conf); !s) return s;

  auto name = opt_string(root, "name", "name");
  if (!name) return std::unexpected(name.error());
  if (!*name) return invalid("name", "is required");
  // The name becomes a directory under dataDir, so keep it to a safe alphabet.
  if (!is_valid_network_name(**name))
    return invalid("name", "\"" + **name + "\" must start with a letter or digit and contain only letters, digits, "
                                           "'_', '.', '-'");
  conf.name = **name;

  auto type = opt_string(root, "type", "type");
  if (!type) return std::unexpected(type.error());
  if (!*type || (*type)->empty()) return invalid("type", "is required");
  conf.type = **type;

  // skiff-cni is its own IPAM: a delegated one would allocate from a different store.
  if (root.contains("ipam") && !root["ipam"].is_null() && !(root["ipam"].is_object() && root["ipam"].empty()))
    return fail(ErrorCode::kUnsupportedField,
                "unsupported field in network config: \"ipam\": " + show(root["ipam"]),
                "skiff-cni allocates addresses itself; set \"podCIDR\" or \"ranges\" instead");

  auto ranges = parse_ranges(root);
  if (!ranges) return std::unexpected(ranges.error());
  conf.ranges = *ranges;

  auto routes = parse_routes(root);
  if (!routes) return std::unexpected(routes.error());
  conf.routes = *routes;

  if (auto it = root.find("mtu"); it != root.end()) {
    auto mtu = int_in(*it, "mtu", 68, 65535);
    if (!mtu) return std::unexpected(mtu.error());
    conf.mtu = *mtu;
  }

  auto data_dir = opt_string(root, "dataDir", "dataDir");
  if (!data_dir) return std::unexpected(data_dir.error());
  if (*data_dir) {
    if ((*data_dir)->empty() || (*data_dir)->front() != '/')
      return invalid("dataDir", "must be an absolute path, got \"" + **data_dir + "\"");
    conf.data_dir = **data_dir;
    while (conf.data_dir.size() > 1 && conf.data_dir.back() == '/') conf.data_dir.pop_back();
  }

  auto socket = opt_string(root, "agentSocket", "agentSocket");
  if (!socket) return std::unexpected(socket.error());
  if (*socket) {
    if ((*socket)->empty() || (*socket)->front() != '/')
      return invalid("agentSocket", "must be an absolute path to a unix socket, got \"" + **socket + "\"");
    conf.agent_socket = **socket;
  }
  if (auto it = root.find("agentTimeoutMs"); it != root.end()) {
    auto t = int_in(*it, "agentTimeoutMs", 1, 60000);
    if (!t) return std::unexpected(t.error());
    conf.agent_timeout_ms = *t;
  }

  if (auto it = root.find("dns"); it != root.end()) {
    auto dns = parse_dns(*it, "dns", false);
    if (!dns) return std::unexpected(dns.error());
    conf.dns = *dns;
  }

  auto log_file = opt_string(root, "logFile", "logFile");
  if (!log_file) return std::unexpected(log_file.error());
  if (*log_file) {
    if ((*log_file)->empty() || (*log_file)->front() != '/')
      return invalid("logFile", "must be an absolute path, got \"" + **log_file + "\"");
    conf.log_file = **log_file;
  }
  auto log_level = opt_string(root, "logLevel", "logLevel");
  if (!log_level) return std::unexpected(log_level.error());
  if (*log_level) {
    static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::ranges::find(kLevels, **log_level) == std::end(kLevels))
      return invalid("logLevel", "must be one of trace, debug, info, warn, error, off; got \"" + **log_level + "\"");
    conf.log_level = **log_level;
  }

  if (auto it = root.find("runtimeConfig"); it != root.end() && !it->is_null()) {
    if (!it->is_object()) return invalid("runtimeConfig", "must be an object, got " + show(*it));
    // The runtime's "dns" capability (from the pod spec) overrides the static setting.
    if (auto dit = it->find("dns"); dit != it->end()) {
      auto dns = parse_dns(*dit, "runtimeConfig.dns", true);
      if (!dns) return std::unexpected(dns.error());
      if (!dns->empty()) conf.dns = *dns;
    }
  }

  if (auto it = root.find("prevResult"); it != root.end() && !it->is_null()) {
    if (!it->is_object()) return invalid("prevResult", "must be an object, got " + show(*it));
    conf.prev_result = *it;
  }

  if (auto it = root.find("cni.dev/valid-attachments"); it != root.end()) {
    auto a = parse_attachments(*it);
    if (!a) return std::unexpected(a.error());
    conf.valid_attachments = *a;
  }
  return {};
}

}  // namespace

nlohmann::json Dns::to_json() const {
  json j = json::object();
  if (!nameservers.empty()) j["nameservers"] = nameservers;
  if (!domain.empty()) j["domain"] = domain;
  if (!search.empty()) j["search"] = search;
  if (!options.empty()) j["options"] = options;
  return j;
}

Result<NetConf> parse_netconf(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return fail(ErrorCode::kDecodeFailure, "failed to decode network config: stdin is empty");
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    // Parse again only to get the position for the message; exceptions stay inside.
    std::string why;
    try {
      json unused = json::parse(text);
      (void)unused;
    } catch (const json::exception& e) {
      why = e.what();
    }
    return fail(ErrorCode::kDecodeFailure, "failed to decode network config: not valid JSON", why);
  }
  if (!root.is_object())
    return fail(ErrorCode::kDecodeFailure, "failed to decode network config: expected a JSON object, got " +
                                               std::string(root.type_name()));
  NetConf conf;
  if (auto s = parse_fields(root, conf); !s) {
    Error e = s.error();
    return std::unexpected(e);
  }
  return conf;
}

Status check_command_allowed(const NetConf& conf, Command command) {
  auto v = SpecVersion::parse(conf.cni_version);
  SpecVersion need{};
  if (command == Command::kCheck) need = {0, 4, 0};
  if (command == Command::kStatus || command == Command::kGc) need = {1, 1, 0};
  if (v && *v < need)
    return fail(ErrorCode::kIncompatibleVersion,
                "config version " + conf.cni_version + " does not allow " + std::string(command_name(command)),
                std::string(command_name(command)) + " needs cniVersion " + std::to_string(need.major) + "." +
                    std::to_string(need.minor) + "." + std::to_string(need.patch) + " or newer");
  return {};
}

}  // namespace skiff::cni
