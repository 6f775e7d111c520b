// UDP front end. Readiness comes from asio; the socket is then drained with
// recvmmsg and answered with sendmmsg in batches, so a busy server spends
// two syscalls per batch instead of two per query, and buffers are
// preallocated (no allocation per packet).
#pragma once
#include <sys/socket.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <expected>
#include <string>
#include <vector>

#include "skiff/dns/rate_limiter.h"
#include "skiff/dns/resolver.h"

namespace skiff::dns {

class UdpListener {
 public:
  UdpListener(boost::asio::io_context& io, Resolver& resolver, Metrics& metrics, RateLimiter& limiter,
              size_t max_udp_size);
  std::expected<void, std::string> open(const boost::asio::ip::udp::endpoint& ep);
  void start();
  void stop();
  boost::asio::ip::udp::endpoint local_endpoint() const;

 private:
  static constexpr int kBatch = 32;
  static constexpr size_t kMaxRequest = 4096;
  class DeferredResponder;

  void wait();
  void drain();

  boost::asio::ip::udp::socket socket_;
  Resolver& resolver_;
  Metrics& metrics_;
  RateLimiter& limiter_;
  size_t max_udp_size_;
  std::vector<uint8_t> in_, out_;  // kBatch slots each
  std::array<sockaddr_storage, kBatch> peers_{};
  std::array<iovec, kBatch> in_iov_{}, out_iov_{};
  std::array<mmsghdr, kBatch> rx_{}, tx_{};
  bool stopped_ = false;
};

}  // namespace skiff::dns
