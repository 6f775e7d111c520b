#include "skiff/dns/server.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "skiff/dns/cluster_source.h"
#include "skiff/dns/forwarder.h"
#include "skiff/dns/http_endpoint.h"
#include "skiff/dns/name.h"
#include "skiff/dns/rate_limiter.h"
#include "skiff/dns/resolver.h"
#include "skiff/dns/tcp_listener.h"
#include "skiff/dns/udp_listener.h"
#include "skiff/dns/zone_index.h"

namespace skiff::dns {

namespace asio = boost::asio;

DnsServer::DnsServer(asio::io_context& io, DnsConfig cfg, kube::ObjectCache& cache)
    : io_(io), cfg_(std::move(cfg)), cache_(cache) {
  auto zone = name_from_text(cfg_.zone);
  index_ = std::make_unique<ZoneIndex>(lowercase(zone.value_or(*name_from_text("cluster.local"))), cfg_.ttl,
                                       static_cast<uint32_t>(std::time(nullptr)));
  source_ = std::make_unique<ClusterSource>(cache_, *index_);
  ResolvConf rc = read_resolv_conf(cfg_.resolv_conf);
  if (cfg_.upstreams.empty()) cfg_.upstreams = rc.nameservers;
  if (cfg_.search_domains.empty()) cfg_.search_domains = rc.search;
  resolver_ = std::make_unique<Resolver>(cfg_, *index_, metrics_);
  resolver_->set_synced([this] { return cache_.synced(); });
  limiter_ = std::make_unique<RateLimiter>(cfg_.rate_limit_qps, cfg_.rate_limit_burst);
}

DnsServer::~DnsServer() { stop(); }

std::expected<void, std::string> DnsServer::start() {
  auto hp = parse_host_port(cfg_.listen, 53);
  if (!hp) return std::unexpected("dns: listen: " + hp.error());
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(hp->host, ec);
  if (ec) return std::unexpected("dns: listen: bad address " + hp->host);

  if (!cfg_.upstreams.empty()) {
    auto f = Forwarder::create(io_, cfg_.upstreams, cfg_.upstream_timeout_ms, cfg_.upstream_tries);
    if (!f) return std::unexpected(f.error());
    forwarder_ = std::move(*f);
    resolver_->set_forwarder(forwarder_.get());
  } else {
    spdlog::warn("dns: no upstream resolvers; names outside the cluster answer SERVFAIL");
  }

  udp_ = std::make_unique<UdpListener>(io_, *resolver_, metrics_, *limiter_, cfg_.max_udp_size);
  if (auto ok = udp_->open({addr, hp->port}); !ok) return ok;
  // With port 0, TCP takes the port UDP got so one address serves both.
  tcp_ = std::make_unique<TcpListener>(io_, *resolver_, metrics_, cfg_.tcp_max_connections, cfg_.tcp_idle_timeout_ms);
  if (auto ok = tcp_->open({addr, udp_->local_endpoint().port()}); !ok) return ok;

  if (!cfg_.http_listen.empty()) {
    auto h = parse_host_port(cfg_.http_listen, 8080);
    if (!h) return std::unexpected("dns: http_listen: " + h.error());
    auto haddr = asio::ip::make_address(h->host, ec);
    if (ec) return std::unexpected("dns: http_listen: bad address " + h->host);
    http_ = std::make_unique<HttpEndpoint>(io_, [this](std::string_view path) -> HttpReply {
      if (path == "/health") return {200, "text/plain; charset=utf-8", "OK\n"};
      if (path == "/ready") return ready() ? HttpReply{200, "text/plain; charset=utf-8", "OK\n"}
                                            : HttpReply{503, "text/plain; charset=utf-8", "not synced\n"};
      if (path == "/metrics") return {200, "text/plain; version=0.0.4; charset=utf-8", metrics_text()};
      return {404, "text/plain; charset=utf-8", "not found\n"};
    });
    if (auto ok = http_->open({haddr, h->port}); !ok) return ok;
    http_->start();
  }
  udp_->start();
  tcp_->start();
  started_ = true;
  resolver_->start_loop_probe();
  spdlog::info("dns: serving {} on {}:{} (udp+tcp), upstreams {}", cfg_.zone, hp->host, udp_->local_endpoint().port(),
               cfg_.upstreams.size());
  return {};
}

void DnsServer::stop() {
  if (resolver_) resolver_->shutdown();
  forwarder_.reset();  // completes outstanding queries while the resolver still exists
  if (resolver_) resolver_->set_forwarder(nullptr);
  if (udp_) udp_->stop();
  if (tcp_) tcp_->stop();
  if (http_) http_->stop();
  started_ = false;
}

asio::ip::udp::endpoint DnsServer::udp_endpoint() const { return udp_ ? udp_->local_endpoint() : asio::ip::udp::endpoint{}; }
asio::ip::tcp::endpoint DnsServer::tcp_endpoint() const { return tcp_ ? tcp_->local_endpoint() : asio::ip::tcp::endpoint{}; }
asio::ip::tcp::endpoint DnsServer::http_endpoint() const { return http_ ? http_->local_endpoint() : asio::ip::tcp::endpoint{}; }

bool DnsServer::ready() const { return started_ && cache_.synced(); }

std::string DnsServer::metrics_text() const {
  Metrics::Gauges g;
  g.cache_entries = resolver_->cache().size();
  g.zone_names = index_->name_count();
  g.zone_records = index_->record_count();
  g.pending_upstream = resolver_->pending_upstream();
  g.tcp_connections = tcp_ ? tcp_->connections() : 0;
  return metrics_.prometheus(g);
}

}  // namespace skiff::dns
