// The node's view of its own network: the default route's interface and the
// IPv4 addresses of a set of interfaces.
#pragma once
#include <string>
#include <vector>

#include "skiff/net/ip.h"
#include "skiff/util/result.h"

namespace skiff::agent {

Result<std::string> default_route_interface();
std::vector<net::IpAddr> ipv4_addresses(const std::vector<std::string>& interfaces);
// Whether any interface of this network namespace has the (IPv4) address.
bool is_local_address(const net::IpAddr& addr);
// The first cgroup v2 mount (/sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones).
Result<std::string> cgroup2_root();

}  // namespace skiff::agent
