// A rtnetlink socket (libmnl) bound to one network namespace, with the few
// link, address and route operations the plugin needs.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cni/lib/error.h"
#include "cni/lib/ipv4.h"

struct mnl_socket;
struct nlmsghdr;

namespace skiff::cni {

struct LinkInfo {
  int index = 0;
  std::string name;
  std::string mac;  // "aa:bb:cc:dd:ee:ff"
  int mtu = 0;
  bool up = false;
  std::string kind;  // IFLA_INFO_KIND, e.g. "veth"
};

struct AddrInfo {
  int index = 0;
  Ipv4Cidr addr;
};

struct RouteInfo {
  Ipv4Cidr dst;  // 0.0.0.0/0 for the default route
  std::optional<Ipv4> gw;
  int oif = 0;
  uint8_t scope = 0;  // RT_SCOPE_*
  std::optional<Ipv4> src;
};

class Netlink {
 public:
  // A socket in the calling thread's namespace.
  static Result<Netlink> open();
  // A socket in another namespace: a netlink socket stays in the namespace it
  // was created in, so only its creation happens inside.
  static Result<Netlink> open_in(int netns_fd);

  Result<std::optional<LinkInfo>> link(const std::string& name);
  Result<std::optional<LinkInfo>> link(int index);
  // Creates host_name here and its peer directly inside peer_netns_fd under
  // peer_name, so the pod's name never clashes with a host interface.
  Status create_veth(const std::string& host_name, const std::string& peer_name, int peer_netns_fd, int mtu);
  Result<bool> delete_link(const std::string& name);  // false: there was no such link
  Status set_up(int index);
  Status add_address(int index, Ipv4Cidr addr);
  Result<std::vector<AddrInfo>> addresses();
  Status add_route(const RouteInfo& route);
  Result<std::vector<RouteInfo>> routes();  // IPv4 unicast routes of the main table

 private:
  struct Closer {
    void operator()(mnl_socket* s) const;
  };
  explicit Netlink(std::unique_ptr<mnl_socket, Closer> sock);
  // Sends one request and reads until its ACK or DONE; returns 0 or -errno.
  int transact(nlmsghdr* nlh, int (*cb)(const nlmsghdr*, void*), void* data);

  std::unique_ptr<mnl_socket, Closer> sock_;
  uint32_t portid_ = 0;
  uint32_t seq_ = 0;
};

}  // namespace skiff::cni
