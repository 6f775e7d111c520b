#include "skiff/dns/tcp_listener.h"

#include <spdlog/spdlog.h>

#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <vector>

namespace skiff::dns {

namespace asio = boost::asio;
using asio::ip::tcp;

class TcpListener::Connection : public std::enable_shared_from_this<Connection>, public Responder {
 public:
  static constexpr size_t kMaxQueued = 256;  // unsent answers before we give up on a slow reader

  Connection(tcp::socket s, Resolver& r, std::shared_ptr<size_t> active, std::shared_ptr<bool> alive,
             uint32_t idle_ms)
      : socket_(std::move(s)), timer_(socket_.get_executor()), resolver_(r), active_(std::move(active)),
        alive_(std::move(alive)), idle_ms_(idle_ms) {
    ++*active_;
  }
  ~Connection() override { --*active_; }

  void start() {
    socket_.set_option(tcp::no_delay(true));
    read_length();
  }

  std::function<void(std::span<const uint8_t>)> defer() override {
    ++outstanding_;
    return [weak = weak_from_this(), alive = alive_](std::span<const uint8_t> bytes) {
      auto self = weak.lock();
      if (!self || !*alive) return;
      --self->outstanding_;
      self->enqueue(bytes);
    };
  }

 private:
  void arm_idle() {
    timer_.expires_after(std::chrono::milliseconds(idle_ms_));
    timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock(); self && self->outstanding_ == 0 && self->queue_.empty()) self->close();
      else if (self) self->arm_idle();  // answers still owed: wait for them
    });
  }

  void read_length() {
    arm_idle();
    asio::async_read(socket_, asio::buffer(len_buf_),
                     [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                       if (ec || !*self->alive_) return self->close();
                       const size_t len = size_t(self->len_buf_[0]) << 8 | self->len_buf_[1];
                       if (len < kHeaderSize) return self->close();  // nothing answerable
                       self->body_.resize(len);
                       self->read_body();
                     });
  }

  void read_body() {
    asio::async_read(socket_, asio::buffer(body_), [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
      if (ec || !*self->alive_) return self->close();
      // One answer buffer for all connections: the loop is single-threaded
      // and enqueue() copies the answer out before the next query.
      static thread_local std::array<uint8_t, 65535> out;
      size_t n = self->resolver_.handle(self->body_, Transport::Tcp, out, *self);
      if (n) self->enqueue({out.data(), n});
      if (self->queue_.size() > kMaxQueued) return self->close();
      self->read_length();
    });
  }

  void enqueue(std::span<const uint8_t> bytes) {
    if (closed_) return;
    std::vector<uint8_t> msg(bytes.size() + 2);
    msg[0] = static_cast<uint8_t>(bytes.size() >> 8);
    msg[1] = static_cast<uint8_t>(bytes.size());
    std::memcpy(msg.data() + 2, bytes.data(), bytes.size());
    queue_.push_back(std::move(msg));
    if (!writing_) write_next();
  }

  void write_next() {
    if (queue_.empty() || closed_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    asio::async_write(socket_, asio::buffer(queue_.front()),
                      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                        if (ec) return self->close();
                        self->queue_.pop_front();
                        self->write_next();
                      });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  Resolver& resolver_;
  std::shared_ptr<size_t> active_;
  std::shared_ptr<bool> alive_;
  uint32_t idle_ms_;
  std::array<uint8_t, 2> len_buf_{};
  std::vector<uint8_t> body_;
  std::deque<std::vector<uint8_t>> queue_;
  size_t outstanding_ = 0;
  bool writing_ = false;
  bool closed_ = false;
};

TcpListener::TcpListener(asio::io_context& io, Resolver& resolver, Metrics& metrics, uint32_t max_connections,
                         uint32_t idle_timeout_ms)
    : io_(io), acceptor_(io), resolver_(resolver), metrics_(metrics), max_connections_(max_connections),
      idle_timeout_ms_(idle_timeout_ms) {}

TcpListener::~TcpListener() { stop(); }

std::expected<void, std::string> TcpListener::open(const tcp::endpoint& ep) {
  boost::system::error_code ec;
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected("dns: tcp " + ep.address().to_string() + ":" + std::to_string(ep.port()) + ": " + ec.message());
  return {};
}

tcp::endpoint TcpListener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void TcpListener::start() { accept(); }

void TcpListener::stop() {
  *alive_ = false;
  boost::system::error_code ec;
  acceptor_.close(ec);
}

void TcpListener::accept() {
  acceptor_.async_accept([this, alive = alive_](const boost::system::error_code& ec, tcp::socket s) {
    if (!*alive) return;
    if (!ec) {
      if (*active_ >= max_connections_) {
        metrics_.tcp_rejected();
        boost::system::error_code ignored;
        s.close(ignored);
      } else {
        std::make_shared<Connection>(std::move(s), resolver_, active_, alive_, idle_timeout_ms_)->start();
      }
    } else if (ec == asio::error::operation_aborted) {
      return;
    }
    accept();
  });
}

}  // namespace skiff::dns
