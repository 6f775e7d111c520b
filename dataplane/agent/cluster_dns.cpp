#include "cluster_dns.h"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>

#include "local_address.h"
#include "skiff/bpf/abi.h"
#include "skiff/dns/server.h"

namespace skiff::agent {

ClusterDns::ClusterDns(boost::asio::io_context& io, kube::ObjectCache& cache) : io_(io), cache_(cache) {}
ClusterDns::~ClusterDns() = default;

Result<> ClusterDns::start(const ClusterDnsOptions& o) {
  if (o.listen.empty() || o.listen == "off") return {};
  dns::DnsConfig cfg;
  if (!o.config_file.empty()) {
    auto loaded = dns::load_config(o.config_file);
    if (!loaded) return fail("--dns-config " + o.config_file + ": " + loaded.error());
    cfg = *loaded;
  }
  cfg.listen = o.listen;
  auto hp = dns::parse_host_port(cfg.listen, 53);
  if (!hp) return fail("--dns-listen " + o.listen + ": " + hp.error());
  auto addr = net::IpAddr::parse(hp->host);
  if (!addr) return fail("--dns-listen " + o.listen + ": not an IP address");
  if (addr->is_v4() && addr->v4_be() != 0) {  // a wildcard needs nothing
    auto added = ensure_local_address(*addr);
    if (!added) return std::unexpected(added.error());
    if (*added) spdlog::info("cluster DNS address {} added to lo", addr->str());
  }
  server_ = std::make_unique<dns::DnsServer>(io_, cfg, cache_);
  if (auto r = server_->start(); !r) {
    server_.reset();
    return fail("cluster DNS: " + r.error());
  }
  spdlog::info("cluster DNS listening on {} (udp, tcp)", cfg.listen);
  return {};
}

std::vector<lb::L4Addr> ClusterDns::frontends() const {
  if (!server_) return {};
  auto udp = server_->udp_endpoint();
  auto tcp = server_->tcp_endpoint();
  if (!udp.address().is_v4() || udp.address().is_unspecified()) return {};
  const uint32_t be = htonl(udp.address().to_v4().to_uint());
  return {lb::L4Addr{be, htons(udp.port()), SKIFF_PROTO_UDP}, lb::L4Addr{be, htons(tcp.port()), SKIFF_PROTO_TCP}};
}

}  // namespace skiff::agent
