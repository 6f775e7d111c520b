#include "cni/lib/netlink.h"

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if_arp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cni/lib/netns.h"

namespace skiff::cni {
namespace {

constexpr size_t kRecvBuffer = 64 * 1024;  // large enough for one dump datagram

std::unexpected<Error> netlink_error(const std::string& what, int err) {
  return fail(ErrorCode::kNetlink, what + ": " + std::strerror(err));
}

// Message buffer with a header ready for a request of `type`.
struct Request {
  alignas(nlmsghdr) char buf[8192];
  nlmsghdr* nlh;
  Request(uint16_t type, uint16_t flags) {
    std::memset(buf, 0, sizeof buf);
    nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
  }
  template <class T>
  T* header() {
    return static_cast<T*>(mnl_nlmsg_put_extra_header(nlh, sizeof(T)));
  }
};

// libmnl's mnl_attr_for_each macros rely on C's implicit void* conversion; these are their C++ form.
template <class F>
void for_each_attr_in(const void* begin, const void* end, F&& f) {
  auto* attr = static_cast<const nlattr*>(begin);
  auto remaining = [&] { return static_cast<int>(static_cast<const char*>(end) - reinterpret_cast<const char*>(attr)); };
  while (mnl_attr_ok(attr, remaining())) {
    f(attr);
    attr = mnl_attr_next(attr);
  }
}

template <class F>
void for_each_attr(const nlmsghdr* nlh, size_t header_len, F&& f) {
  for_each_attr_in(mnl_nlmsg_get_payload_offset(nlh, header_len), mnl_nlmsg_get_payload_tail(nlh), f);
}

template <class F>
void for_each_nested(const nlattr* nest, F&& f) {
  const char* payload = static_cast<const char*>(mnl_attr_get_payload(nest));
  for_each_attr_in(payload, payload + mnl_attr_get_payload_len(nest), f);
}

std::string format_mac(const uint8_t* p, size_t len) {
  std::string out;
  char part[4];
  for (size_t i = 0; i < len; ++i) {
    std::snprintf(part, sizeof part, i ? ":%02x" : "%02x", p[i]);
    out += part;
  }
  return out;
}

int link_cb(const nlmsghdr* nlh, void* data) {
  if (nlh->nlmsg_type != RTM_NEWLINK) return MNL_CB_OK;
  auto* out = static_cast<std::optional<LinkInfo>*>(data);
  auto* ifm = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  LinkInfo info;
  info.index = ifm->ifi_index;
  info.up = (ifm->ifi_flags & IFF_UP) != 0;
  for_each_attr(nlh, sizeof(*ifm), [&](const nlattr* attr) {
    switch (mnl_attr_get_type(attr)) {
      case IFLA_IFNAME: info.name = mnl_attr_get_str(attr); break;
      case IFLA_MTU: info.mtu = static_cast<int>(mnl_attr_get_u32(attr)); break;
      case IFLA_ADDRESS:
        info.mac = format_mac(static_cast<const uint8_t*>(mnl_attr_get_payload(attr)), mnl_attr_get_payload_len(attr));
        break;
      case IFLA_LINKINFO:
        for_each_nested(attr, [&](const nlattr* nested) {
          if (mnl_attr_get_type(nested) == IFLA_INFO_KIND) info.kind = mnl_attr_get_str(nested);
        });
        break;
      default: break;
    }
  });
  *out = info;
  return MNL_CB_OK;
}

int addr_cb(const nlmsghdr* nlh, void* data) {
  if (nlh->nlmsg_type != RTM_NEWADDR) return MNL_CB_OK;
  auto* out = static_cast<std::vector<AddrInfo>*>(data);
  auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
  if (ifa->ifa_family != AF_INET) return MNL_CB_OK;
  std::optional<Ipv4> local, address;
  for_each_attr(nlh, sizeof(*ifa), [&](const nlattr* attr) {
    if (mnl_attr_get_payload_len(attr) != 4) return;
    if (mnl_attr_get_type(attr) == IFA_LOCAL) local = Ipv4::from_network_order(mnl_attr_get_u32(attr));
    if (mnl_attr_get_type(attr) == IFA_ADDRESS) address = Ipv4::from_network_order(mnl_attr_get_u32(attr));
  });
  if (auto ip = local ? local : address)
    out->push_back({static_cast<int>(ifa->ifa_index), Ipv4Cidr{*ip, ifa->ifa_prefixlen}});
  return MNL_CB_OK;
}

int route_cb(const nlmsghdr* nlh, void* data) {
  if (nlh->nlmsg_type != RTM_NEWROUTE) return MNL_CB_OK;
  auto* out = static_cast<std::vector<RouteInfo>*>(data);
  auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
  if (rtm->rtm_family != AF_INET || rtm->rtm_type != RTN_UNICAST) return MNL_CB_OK;
  uint32_t table = rtm->rtm_table;
  RouteInfo r;
  r.dst = Ipv4Cidr{{0}, rtm->rtm_dst_len};
  r.scope = rtm->rtm_scope;
  for_each_attr(nlh, sizeof(*rtm), [&](const nlattr* attr) {
    switch (mnl_attr_get_type(attr)) {
      case RTA_TABLE: table = mnl_attr_get_u32(attr); break;
      case RTA_DST: r.dst.addr = Ipv4::from_network_order(mnl_attr_get_u32(attr)); break;
      case RTA_GATEWAY: r.gw = Ipv4::from_network_order(mnl_attr_get_u32(attr)); break;
      case RTA_OIF: r.oif = static_cast<int>(mnl_attr_get_u32(attr)); break;
      case RTA_PREFSRC: r.src = Ipv4::from_network_order(mnl_attr_get_u32(attr)); break;
      default: break;
    }
  });
  if (table == RT_TABLE_MAIN) out->push_back(r);
  return MNL_CB_OK;
}

}  // namespace

void Netlink::Closer::operator()(mnl_socket* s) const { mnl_socket_close(s); }

Netlink::Netlink(std::unique_ptr<mnl_socket, Closer> sock) : sock_(std::move(sock)) {
  portid_ = mnl_socket_get_portid(sock_.get());
}

Result<Netlink> Netlink::open() {
  std::unique_ptr<mnl_socket, Closer> sock(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
  if (!sock) return netlink_error("cannot open a netlink socket", errno);
  if (mnl_socket_bind(sock.get(), 0, MNL_SOCKET_AUTOPID) < 0) return netlink_error("cannot bind a netlink socket", errno);
  return Netlink(std::move(sock));
}

Result<Netlink> Netlink::open_in(int netns_fd) {
  std::optional<Result<Netlink>> made;
  auto entered = run_in_netns(netns_fd, [&] { made = open(); });
  if (!entered) return std::unexpected(entered.error());
  return std::move(*made);
}

int Netlink::transact(nlmsghdr* nlh, int (*cb)(const nlmsghdr*, void*), void* data) {
  nlh->nlmsg_seq = ++seq_;
  if (mnl_socket_sendto(sock_.get(), nlh, nlh->nlmsg_len) < 0) return -errno;
  auto buf = std::make_unique<char[]>(kRecvBuffer);
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(sock_.get(), buf.get(), kRecvBuffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    int rc = mnl_cb_run(buf.get(), static_cast<size_t>(n), seq_, portid_, cb, data);
    if (rc == MNL_CB_ERROR) return errno ? -errno : -EIO;  // an NLMSG_ERROR sets errno
    if (rc == MNL_CB_STOP) return 0;
  }
}

Result<std::optional<LinkInfo>> Netlink::link(const std::string& name) {
  Request req(RTM_GETLINK, NLM_F_ACK);
  auto* ifm = req.header<ifinfomsg>();
  ifm->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(req.nlh, IFLA_IFNAME, name.c_str());
  std::optional<LinkInfo> out;
  int rc = transact(req.nlh, link_cb, &out);
  if (rc == -ENODEV) return std::optional<LinkInfo>{};
  if (rc < 0) return netlink_error("cannot look up link " + name, -rc);
  return out;
}

Result<std::optional<LinkInfo>> Netlink::link(int index) {
  Request req(RTM_GETLINK, NLM_F_ACK);
  auto* ifm = req.header<ifinfomsg>();
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = index;
  std::optional<LinkInfo> out;
  int rc = transact(req.nlh, link_cb, &out);
  if (rc == -ENODEV) return std::optional<LinkInfo>{};
  if (rc < 0) return netlink_error("cannot look up link #" + std::to_string(index), -rc);
  return out;
}

Status Netlink::create_veth(const std::string& host_name, const std::string& peer_name, int peer_netns_fd, int mtu) {
  Request req(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  auto* ifm = req.header<ifinfomsg>();
  ifm->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(req.nlh, IFLA_IFNAME, host_name.c_str());
  mnl_attr_put_u32(req.nlh, IFLA_MTU, static_cast<uint32_t>(mtu));
  nlattr* linkinfo = mnl_attr_nest_start(req.nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(req.nlh, IFLA_INFO_KIND, "veth");
  nlattr* info_data = mnl_attr_nest_start(req.nlh, IFLA_INFO_DATA);
  nlattr* peer = mnl_attr_nest_start(req.nlh, VETH_INFO_PEER);
  // The peer's attributes follow its own ifinfomsg inside the nest.
  auto* peer_ifm = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(req.nlh, sizeof(ifinfomsg)));
  peer_ifm->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(req.nlh, IFLA_IFNAME, peer_name.c_str());
  mnl_attr_put_u32(req.nlh, IFLA_MTU, static_cast<uint32_t>(mtu));
  mnl_attr_put_u32(req.nlh, IFLA_NET_NS_FD, static_cast<uint32_t>(peer_netns_fd));
  mnl_attr_nest_end(req.nlh, peer);
  mnl_attr_nest_end(req.nlh, info_data);
  mnl_attr_nest_end(req.nlh, linkinfo);
  int rc = transact(req.nlh, nullptr, nullptr);
  if (rc < 0) return netlink_error("cannot create veth pair " + host_name + " / " + peer_name, -rc);
  return {};
}

Result<bool> Netlink::delete_link(const std::string& name) {
  Request req(RTM_DELLINK, NLM_F_ACK);
  auto* ifm = req.header<ifinfomsg>();
  ifm->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(req.nlh, IFLA_IFNAME, name.c_str());
  int rc = transact(req.nlh, nullptr, nullptr);
  if (rc == -ENODEV) return false;
  if (rc < 0) return netlink_error("cannot delete link " + name, -rc);
  return true;
}

Status Netlink::set_up(int index) {
  Request req(RTM_NEWLINK, NLM_F_ACK);
  auto* ifm = req.header<ifinfomsg>();
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_index = index;
  ifm->ifi_change = IFF_UP;
  ifm->ifi_flags = IFF_UP;
  int rc = transact(req.nlh, nullptr, nullptr);
  if (rc < 0) return netlink_error("cannot set link #" + std::to_string(index) + " up", -rc);
  return {};
}

Status Netlink::add_address(int index, Ipv4Cidr addr) {
  Request req(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  auto* ifa = req.header<ifaddrmsg>();
  ifa->ifa_family = AF_INET;
  ifa->ifa_prefixlen = static_cast<uint8_t>(addr.prefix);
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = static_cast<uint32_t>(index);
  mnl_attr_put_u32(req.nlh, IFA_LOCAL, addr.addr.network_order());
  mnl_attr_put_u32(req.nlh, IFA_ADDRESS, addr.addr.network_order());
  int rc = transact(req.nlh, nullptr, nullptr);
  if (rc < 0) return netlink_error("cannot add address " + addr.str() + " to link #" + std::to_string(index), -rc);
  return {};
}

Result<std::vector<AddrInfo>> Netlink::addresses() {
  Request req(RTM_GETADDR, NLM_F_DUMP);
  auto* ifa = req.header<ifaddrmsg>();
  ifa->ifa_family = AF_INET;
  std::vector<AddrInfo> out;
  int rc = transact(req.nlh, addr_cb, &out);
  if (rc < 0) return netlink_error("cannot list addresses", -rc);
  return out;
}

Status Netlink::add_route(const RouteInfo& route) {
  Request req(RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  auto* rtm = req.header<rtmsg>();
  rtm->rtm_family = AF_INET;
  rtm->rtm_dst_len = static_cast<uint8_t>(route.dst.prefix);
  rtm->rtm_table = RT_TABLE_MAIN;
  rtm->rtm_protocol = RTPROT_BOOT;
  rtm->rtm_scope = route.scope;
  rtm->rtm_type = RTN_UNICAST;
  if (route.dst.prefix > 0) mnl_attr_put_u32(req.nlh, RTA_DST, route.dst.addr.network_order());
  if (route.gw) mnl_attr_put_u32(req.nlh, RTA_GATEWAY, route.gw->network_order());
  if (route.src) mnl_attr_put_u32(req.nlh, RTA_PREFSRC, route.src->network_order());
  if (route.oif) mnl_attr_put_u32(req.nlh, RTA_OIF, static_cast<uint32_t>(route.oif));
  int rc = transact(req.nlh, nullptr, nullptr);
  if (rc < 0) {
    std::string desc = route.dst.str() + (route.gw ? " via " + route.gw->str() : "") + " dev #" + std::to_string(route.oif);
    return netlink_error("cannot add route " + desc, -rc);
  }
  return {};
}

Result<std::vector<RouteInfo>> Netlink::routes() {
  Request req(RTM_GETROUTE, NLM_F_DUMP);
  auto* rtm = req.header<rtmsg>();
  rtm->rtm_family = AF_INET;
  std::vector<RouteInfo> out;
  int rc = transact(req.nlh, route_cb, &out);
  if (rc < 0) return netlink_error("cannot list routes", -rc);
  return out;
}

}  // namespace skiff::cni
