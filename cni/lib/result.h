// The ADD result (SPEC.md "Success"): interfaces, ips, routes, dns, encoded
// in the form of the config's cniVersion, and the subset CHECK reads back.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cni/lib/config.h"
#include "cni/lib/error.h"
#include "cni/lib/ipv4.h"

namespace skiff::cni {

struct ResultInterface {
  std::string name;
  std::string mac;
  std::string sandbox;  // netns path; empty for the host side
  int mtu = 0;          // encoded from 1.1.0 on
};

struct ResultIp {
  Ipv4Cidr address;
  std::optional<Ipv4> gateway;
  std::optional<int> interface;  // index into interfaces
};

struct ResultRoute {
  Ipv4Cidr dst;
  std::optional<Ipv4> gw;
};

struct CniResult {
  std::vector<ResultInterface> interfaces;
  std::vector<ResultIp> ips;
  std::vector<ResultRoute> routes;
  Dns dns;
};

// Encodes for `version`: 0.3.x/0.4.0 carry ips[].version, 1.1.0 adds interfaces[].mtu.
nlohmann::json encode_result(const CniResult& result, std::string_view version);

// Appends `ours` to a previous plugin's result (chaining), shifting our
// interface indices past the ones already there.
nlohmann::json merge_into_prev_result(nlohmann::json prev, const CniResult& ours, std::string_view version);

// Reads the IPv4 parts of a prevResult; entries of other families (another
// plugin's) are skipped, malformed ones are code 7.
Result<CniResult> decode_result(const nlohmann::json& j);

}  // namespace skiff::cni
