#include "skiff/dns/udp_listener.h"

#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>

namespace skiff::dns {

namespace asio = boost::asio;

// Deferred answers (forwarded queries) go out with a plain sendto.
class UdpListener::DeferredResponder final : public Responder {
 public:
  DeferredResponder(int fd, const sockaddr_storage& peer, socklen_t len) : fd_(fd), peer_(peer), len_(len) {}
  std::function<void(std::span<const uint8_t>)> defer() override {
    return [fd = fd_, peer = peer_, len = len_](std::span<const uint8_t> bytes) {
      ::sendto(fd, bytes.data(), bytes.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&peer), len);
    };
  }

 private:
  int fd_;
  sockaddr_storage peer_;
  socklen_t len_;
};

UdpListener::UdpListener(asio::io_context& io, Resolver& resolver, Metrics& metrics, RateLimiter& limiter,
                         size_t max_udp_size)
    : socket_(io), resolver_(resolver), metrics_(metrics), limiter_(limiter), max_udp_size_(max_udp_size),
      in_(kBatch * kMaxRequest), out_(kBatch * max_udp_size) {}

std::expected<void, std::string> UdpListener::open(const asio::ip::udp::endpoint& ep) {
  boost::system::error_code ec;
  socket_.open(ep.protocol(), ec);
  if (!ec) socket_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) socket_.set_option(asio::socket_base::receive_buffer_size(4 << 20), ec);
  if (ec) ec.clear();  // a smaller buffer is not fatal
  socket_.bind(ep, ec);
  if (!ec) socket_.non_blocking(true, ec);
  if (ec) return std::unexpected("dns: udp " + ep.address().to_string() + ":" + std::to_string(ep.port()) + ": " + ec.message());
  return {};
}

asio::ip::udp::endpoint UdpListener::local_endpoint() const {
  boost::system::error_code ec;
  return socket_.local_endpoint(ec);
}

void UdpListener::start() { wait(); }

void UdpListener::stop() {
  stopped_ = true;
  boost::system::error_code ec;
  socket_.close(ec);
}

void UdpListener::wait() {
  if (stopped_) return;
  socket_.async_wait(asio::ip::udp::socket::wait_read, [this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    drain();
    wait();
  });
}

void UdpListener::drain() {
  const int fd = socket_.native_handle();
  // A bounded number of batches per wake-up keeps timers and TCP served.
  for (int round = 0; round < 8; ++round) {
    for (int i = 0; i < kBatch; ++i) {
      in_iov_[i] = {in_.data() + i * kMaxRequest, kMaxRequest};
      rx_[i].msg_hdr = {};
      rx_[i].msg_hdr.msg_name = &peers_[i];
      rx_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      rx_[i].msg_hdr.msg_iov = &in_iov_[i];
      rx_[i].msg_hdr.msg_iovlen = 1;
    }
    int n = ::recvmmsg(fd, rx_.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    const uint64_t now_ms = limiter_.enabled()
        ? std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count()
        : 0;
    int out = 0;
    for (int i = 0; i < n; ++i) {
      const auto& hdr = rx_[i].msg_hdr;
      if (hdr.msg_flags & MSG_TRUNC) {  // larger than any sane query
        metrics_.malformed();
        continue;
      }
      if (limiter_.enabled()) {
        const auto* sa = reinterpret_cast<const sockaddr*>(&peers_[i]);
        std::span<const uint8_t> addr;
        if (sa->sa_family == AF_INET)
          addr = {reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(sa)->sin_addr), 4};
        else
          addr = {reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr), 16};
        if (!limiter_.allow(addr, now_ms)) {
          metrics_.rate_limited();
          continue;
        }
      }
      DeferredResponder responder(fd, peers_[i], hdr.msg_namelen);
      uint8_t* obuf = out_.data() + out * max_udp_size_;
      size_t len = resolver_.handle({in_.data() + i * kMaxRequest, rx_[i].msg_len}, Transport::Udp,
                                    {obuf, max_udp_size_}, responder);
      if (!len) continue;
      out_iov_[out] = {obuf, len};
      tx_[out].msg_hdr = {};
      tx_[out].msg_hdr.msg_name = &peers_[i];
      tx_[out].msg_hdr.msg_namelen = hdr.msg_namelen;
      tx_[out].msg_hdr.msg_iov = &out_iov_[out];
      tx_[out].msg_hdr.msg_iovlen = 1;
      ++out;
    }
    int sent = 0;
    while (sent < out) {
      int r = ::sendmmsg(fd, tx_.data() + sent, out - sent, MSG_DONTWAIT);
      if (r <= 0) {
        if (r < 0 && errno == EINTR) continue;
        break;  // socket buffer full: drop the rest, clients retry
      }
      sent += r;
    }
    if (n < kBatch) return;
  }
}

}  // namespace skiff::dns
