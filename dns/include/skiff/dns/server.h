// The cluster DNS server as one embeddable object: construct it on the
// agent's io_context with a config and the ObjectCache it serves from, then
// start(). Everything runs on that io_context's thread, like the cache.
//
//   skiff::dns::DnsConfig cfg = *skiff::dns::load_config(path);  // or defaults
//   cfg.listen = "10.96.0.10:53";
//   skiff::dns::DnsServer dns(io, cfg, object_cache);
//   if (auto ok = dns.start(); !ok) spdlog::error("{}", ok.error());
//
// Before the cache is marked synced, names in the cluster zone answer
// SERVFAIL and /ready answers 503.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <expected>
#include <memory>
#include <string>

#include "skiff/dns/config.h"
#include "skiff/dns/metrics.h"
#include "skiff/kube/object_cache.h"

namespace skiff::dns {

class ZoneIndex;
class ClusterSource;
class Resolver;
class Forwarder;
class RateLimiter;
class UdpListener;
class TcpListener;
class HttpEndpoint;

class DnsServer {
 public:
  DnsServer(boost::asio::io_context& io, DnsConfig cfg, kube::ObjectCache& cache);
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  // Binds UDP and TCP (and HTTP when configured), starts the forwarder
  // and the loop probe. Errors name the address and the reason.
  std::expected<void, std::string> start();
  void stop();

  boost::asio::ip::udp::endpoint udp_endpoint() const;
  boost::asio::ip::tcp::endpoint tcp_endpoint() const;
  boost::asio::ip::tcp::endpoint http_endpoint() const;

  bool ready() const;  // listening and the cache synced
  std::string metrics_text() const;
  const DnsConfig& config() const { return cfg_; }
  const Metrics& metrics() const { return metrics_; }
  const ZoneIndex& index() const { return *index_; }

 private:
  boost::asio::io_context& io_;
  DnsConfig cfg_;
  kube::ObjectCache& cache_;
  Metrics metrics_;
  std::unique_ptr<ZoneIndex> index_;
  std::unique_ptr<ClusterSource> source_;
  std::unique_ptr<Resolver> resolver_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<Forwarder> forwarder_;
  std::unique_ptr<UdpListener> udp_;
  std::unique_ptr<TcpListener> tcp_;
  std::unique_ptr<HttpEndpoint> http_;
  bool started_ = false;
};

}  // namespace skiff::dns
