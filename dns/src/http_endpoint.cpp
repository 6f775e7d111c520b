#include "skiff/dns/http_endpoint.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace skiff::dns {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket s, HttpEndpoint::Handler& h, std::shared_ptr<bool> alive)
      : stream_(std::move(s)), handler_(h), alive_(std::move(alive)) {}

  void start() {
    stream_.expires_after(std::chrono::seconds(5));
    http::async_read(stream_, buf_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !*self->alive_) return;
      self->respond();
    });
  }

 private:
  void respond() {
    HttpReply r;
    if (req_.method() != http::verb::get && req_.method() != http::verb::head) {
      r = {405, "text/plain; charset=utf-8", "method not allowed\n"};
    } else {
      std::string_view target(req_.target().data(), req_.target().size());
      r = handler_(target.substr(0, target.find('?')));
    }
    res_.version(req_.version());
    res_.result(static_cast<http::status>(r.status));
    res_.set(http::field::content_type, r.content_type);
    res_.keep_alive(false);
    res_.body() = std::move(r.body);
    res_.prepare_payload();
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code, size_t) {
      beast::error_code ec;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buf_{8192};
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  HttpEndpoint::Handler& handler_;
  std::shared_ptr<bool> alive_;
};

}  // namespace

HttpEndpoint::HttpEndpoint(asio::io_context& io, Handler handler) : acceptor_(io), handler_(std::move(handler)) {}

HttpEndpoint::~HttpEndpoint() { stop(); }

std::expected<void, std::string> HttpEndpoint::open(const tcp::endpoint& ep) {
  boost::system::error_code ec;
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(64, ec);
  if (ec) return std::unexpected("dns: http " + ep.address().to_string() + ":" + std::to_string(ep.port()) + ": " + ec.message());
  return {};
}

tcp::endpoint HttpEndpoint::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void HttpEndpoint::start() { accept(); }

void HttpEndpoint::stop() {
  *alive_ = false;
  boost::system::error_code ec;
  acceptor_.close(ec);
}

void HttpEndpoint::accept() {
  acceptor_.async_accept([this, alive = alive_](const boost::system::error_code& ec, tcp::socket s) {
    if (!*alive || ec == asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(s), handler_, alive_)->start();
    accept();
  });
}

}  // namespace skiff::dns
