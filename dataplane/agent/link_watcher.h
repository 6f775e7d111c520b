// Follows the network interfaces of the agent's namespace over rtnetlink
// (libmnl): reports every existing interface once, then each one that
// appears. The agent uses it to attach tc programs to pod veths as the CNI
// plugin creates them.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <string>
#include <vector>

#include "skiff/util/result.h"

struct mnl_socket;

namespace skiff::agent {

class LinkWatcher {
 public:
  // present: false when the interface went away.
  using Handler = std::function<void(int ifindex, const std::string& name, bool present)>;
  LinkWatcher(boost::asio::io_context& io, Handler on_link);
  ~LinkWatcher();
  Result<> start();

 private:
  void arm();
  void parse(const char* buf, size_t len);

  Handler on_link_;
  mnl_socket* nl_ = nullptr;
  boost::asio::posix::stream_descriptor stream_;
  std::vector<char> buffer_;
};

}  // namespace skiff::agent
