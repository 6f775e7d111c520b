// Sends queries to the upstream resolvers through c-ares, driven by the
// asio event loop: c-ares reports its sockets through the socket-state
// callback, each becomes an asio descriptor waited on for readiness, and a
// steady_timer follows ares_timeout() for retries. c-ares does the retries
// across servers and the TCP retry of truncated answers.
#pragma once
#include <ares.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace skiff::dns {

class Forwarder {
 public:
  // The raw upstream answer, or the c-ares status on failure.
  using Done = std::function<void(std::expected<std::span<const uint8_t>, int>)>;

  // `servers`: "ip", "ip:port" or "[v6]:port".
  static std::expected<std::unique_ptr<Forwarder>, std::string> create(boost::asio::io_context& io,
                                                                       const std::vector<std::string>& servers,
                                                                       uint32_t timeout_ms, uint32_t tries);
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // `query`: a complete DNS query message (c-ares assigns its own id).
  void send(std::span<const uint8_t> query, Done done);
  size_t pending() const { return pending_; }

 private:
  struct Socket;
  explicit Forwarder(boost::asio::io_context& io);
  static void on_socket_state(void* self, ares_socket_t fd, int readable, int writable);
  static void on_answer(void* arg, int status, int timeouts, unsigned char* abuf, int alen);
  void arm(const std::shared_ptr<Socket>& s);
  void process(ares_socket_t read_fd, ares_socket_t write_fd);
  void schedule_timer();

  boost::asio::io_context& io_;
  ares_channel channel_ = nullptr;
  std::unordered_map<ares_socket_t, std::shared_ptr<Socket>> sockets_;
  boost::asio::steady_timer timer_;
  size_t pending_ = 0;
};

}  // namespace skiff::dns
