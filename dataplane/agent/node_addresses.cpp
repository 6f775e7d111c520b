#include "node_addresses.h"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>

namespace skiff::agent {

Result<std::string> default_route_interface() {
  // /proc/net/route lists the IPv4 routes of this namespace; the default
  // route has destination and mask 0.
  std::ifstream routes("/proc/net/route");
  std::string line;
  std::getline(routes, line);  // header
  while (std::getline(routes, line)) {
    std::istringstream in(line);
    std::string iface, dest, gateway, flags, refcnt, use, metric, mask;
    in >> iface >> dest >> gateway >> flags >> refcnt >> use >> metric >> mask;
    if (dest == "00000000" && mask == "00000000") return iface;
  }
  return fail("no IPv4 default route; name the external interfaces with --devices");
}

namespace {

// Calls fn(interface name, address) for every IPv4 address of this namespace.
template <class Fn>
void each_ipv4_address(Fn fn) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return;
  for (ifaddrs* a = list; a; a = a->ifa_next)
    if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET)
      fn(std::string_view(a->ifa_name),
         net::IpAddr::v4(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr));
  freeifaddrs(list);
}

}  // namespace

std::vector<net::IpAddr> ipv4_addresses(const std::vector<std::string>& interfaces) {
  std::vector<net::IpAddr> out;
  each_ipv4_address([&](std::string_view name, const net::IpAddr& addr) {
    if (std::find(interfaces.begin(), interfaces.end(), name) != interfaces.end()) out.push_back(addr);
  });
  return out;
}

bool is_local_address(const net::IpAddr& addr) {
  bool found = false;
  each_ipv4_address([&](std::string_view, const net::IpAddr& a) { found = found || a == addr; });
  return found;
}

Result<std::string> cgroup2_root() {
  std::ifstream mounts("/proc/self/mounts");
  std::string dev, path, type, rest;
  while (mounts >> dev >> path >> type && std::getline(mounts, rest))
    if (type == "cgroup2") return path;
  return fail("no cgroup v2 mount: the socket-level LB needs one (or pass --cgroup none)");
}

}  // namespace skiff::agent
