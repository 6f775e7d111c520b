#include "local_address.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <memory>
#include <vector>

#include "node_addresses.h"

namespace skiff::agent {

Result<bool> ensure_local_address(const net::IpAddr& addr) {
  if (!addr.is_v4()) return fail("only IPv4 addresses can be made local: " + addr.str());
  if (is_local_address(addr)) return false;
  std::unique_ptr<mnl_socket, decltype(&mnl_socket_close)> nl(mnl_socket_open(NETLINK_ROUTE),
                                                              &mnl_socket_close);
  if (!nl || mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) < 0) return fail_errno("open rtnetlink");
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = RTM_NEWADDR;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = AF_INET;
  ifa->ifa_prefixlen = 32;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = if_nametoindex("lo");
  const uint32_t be = addr.v4_be();
  mnl_attr_put_u32(nlh, IFA_LOCAL, be);
  mnl_attr_put_u32(nlh, IFA_ADDRESS, be);
  if (mnl_socket_sendto(nl.get(), nlh, nlh->nlmsg_len) < 0) return fail_errno("add " + addr.str() + "/32 to lo");
  ssize_t n = mnl_socket_recvfrom(nl.get(), buf.data(), buf.size());
  if (n < 0) return fail_errno("add " + addr.str() + "/32 to lo");
  if (mnl_cb_run(buf.data(), n, nlh->nlmsg_seq, mnl_socket_get_portid(nl.get()), nullptr, nullptr) < 0 &&
      errno != EEXIST)
    return fail_errno("add " + addr.str() + "/32 to lo");
  return true;
}

}  // namespace skiff::agent
