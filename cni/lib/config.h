// The plugin's network configuration (one "plugins" entry of a conflist, with
// the fields the runtime injects), validated field by field.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cni/lib/environment.h"
#include "cni/lib/error.h"
#include "cni/lib/ipv4.h"

namespace skiff::cni {

// One allocation pool: addresses start..end (inclusive) of subnet, never the
// network, broadcast or gateway address.
struct Range {
  Ipv4Cidr subnet;
  Ipv4 gateway;
  Ipv4 start;
  Ipv4 end;
};

struct RouteSpec {
  Ipv4Cidr dst;
  std::optional<Ipv4> gw;  // default: the range's gateway
};

struct Dns {
  std::vector<std::string> nameservers;
  std::string domain;
  std::vector<std::string> search;
  std::vector<std::string> options;
  bool empty() const { return nameservers.empty() && domain.empty() && search.empty() && options.empty(); }
  nlohmann::json to_json() const;
};

struct Attachment {
  std::string container_id;
  std::string ifname;
  auto operator<=>(const Attachment&) const = default;
};

struct NetConf {
  std::string cni_version;
  std::string name;
  std::string type;

  std::vector<Range> ranges;
  std::vector<RouteSpec> routes;  // inside the pod; default: 0.0.0.0/0 via the gateway
  int mtu = 1500;
  std::string data_dir = "/var/lib/skiff/cni";
  std::string agent_socket;       // empty: no agent registration
  int agent_timeout_ms = 3000;
  Dns dns;
  std::string log_file;           // empty: stderr
  std::string log_level = "warn";

  std::optional<nlohmann::json> prev_result;
  std::optional<std::vector<Attachment>> valid_attachments;  // GC: cni.dev/valid-attachments

  // Leases of this network live in their own directory so two networks never share addresses' files.
  std::string lease_dir() const { return data_dir + "/networks/" + name; }
};

// Decodes and validates stdin. Syntax errors are code 6, bad fields 7,
// fields naming a feature skiff-cni lacks 2, an unknown cniVersion 1.
Result<NetConf> parse_netconf(std::string_view text);

// Whether this config's cniVersion allows the command (CHECK since 0.4.0, STATUS and GC since 1.1.0).
Status check_command_allowed(const NetConf& conf, Command command);

}  // namespace skiff::cni
