#include "link_watcher.h"

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>

#include <ctime>

namespace skiff::agent {

LinkWatcher::LinkWatcher(boost::asio::io_context& io, Handler on_link)
    : on_link_(std::move(on_link)), stream_(io), buffer_(MNL_SOCKET_BUFFER_SIZE * 4) {}

LinkWatcher::~LinkWatcher() {
  if (stream_.is_open()) stream_.release();
  if (nl_) mnl_socket_close(nl_);
}

Result<> LinkWatcher::start() {
  nl_ = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (!nl_) return fail_errno("open rtnetlink socket");
  if (mnl_socket_bind(nl_, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) return fail_errno("bind rtnetlink");

  // Dump the links that exist now; the replies arrive on the same socket as
  // later notifications and go through the same parser.
  char req[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = mnl_nlmsg_put_header(req);
  nlh->nlmsg_type = RTM_GETLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = static_cast<uint32_t>(time(nullptr));
  auto* ifm = static_cast<rtgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtgenmsg)));
  ifm->rtgen_family = AF_UNSPEC;
  if (mnl_socket_sendto(nl_, nlh, nlh->nlmsg_len) < 0) return fail_errno("dump links");

  stream_.assign(mnl_socket_get_fd(nl_));
  arm();
  return {};
}

void LinkWatcher::arm() {
  stream_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [this](boost::system::error_code ec) {
                       if (ec) return;
                       for (;;) {
                         ssize_t n = mnl_socket_recvfrom(nl_, buffer_.data(), buffer_.size());
                         if (n <= 0) break;
                         parse(buffer_.data(), static_cast<size_t>(n));
                       }
                       arm();
                     });
}

void LinkWatcher::parse(const char* buf, size_t len) {
  auto on_msg = [](const nlmsghdr* nlh, void* data) -> int {
    if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) return MNL_CB_OK;
    auto* self = static_cast<LinkWatcher*>(data);
    auto* ifm = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    const char* name = nullptr;
    mnl_attr_parse(nlh, sizeof(*ifm), [](const nlattr* attr, void* out) -> int {
      if (mnl_attr_get_type(attr) == IFLA_IFNAME && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
        *static_cast<const char**>(out) = mnl_attr_get_str(attr);
      return MNL_CB_OK;
    }, &name);
    if (name) self->on_link_(ifm->ifi_index, name, nlh->nlmsg_type == RTM_NEWLINK);
    return MNL_CB_OK;
  };
  mnl_cb_run(buf, len, 0, 0, on_msg, this);
}

}  // namespace skiff::agent
