// DNS over TCP (RFC 7766): two-byte length prefix, several queries per
// connection answered as they complete (pipelining, out of order allowed),
// an idle timeout, and a cap on concurrent connections.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <expected>
#include <memory>
#include <string>

#include "skiff/dns/resolver.h"

namespace skiff::dns {

class TcpListener {
 public:
  TcpListener(boost::asio::io_context& io, Resolver& resolver, Metrics& metrics, uint32_t max_connections,
              uint32_t idle_timeout_ms);
  ~TcpListener();
  std::expected<void, std::string> open(const boost::asio::ip::tcp::endpoint& ep);
  void start();
  void stop();
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  size_t connections() const { return *active_; }

 private:
  class Connection;
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  Resolver& resolver_;
  Metrics& metrics_;
  uint32_t max_connections_;
  uint32_t idle_timeout_ms_;
  std::shared_ptr<size_t> active_ = std::make_shared<size_t>(0);
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace skiff::dns
