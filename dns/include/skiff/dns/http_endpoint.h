// A small HTTP/1.1 responder (Boost.Beast) for /health, /ready and
// /metrics. One request per connection; anything else gets 404.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <expected>
#include <functional>
#include <memory>
#include <string>

namespace skiff::dns {

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpEndpoint {
 public:
  using Handler = std::function<HttpReply(std::string_view path)>;
  HttpEndpoint(boost::asio::io_context& io, Handler handler);
  ~HttpEndpoint();
  std::expected<void, std::string> open(const boost::asio::ip::tcp::endpoint& ep);
  void start();
  void stop();
  boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  void accept();
  boost::asio::ip::tcp::acceptor acceptor_;
  Handler handler_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace skiff::dns
