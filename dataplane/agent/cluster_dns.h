// The agent's cluster DNS server (dns/), served from the same ObjectCache as
// the load balancer. Every node answers the cluster DNS address itself: the
// address is made local to the node and the load balancer leaves frontends
// on it alone, so a pod's query never crosses conntrack or another node.
#pragma once
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>

#include "skiff/lb/frontends.h"
#include "skiff/kube/object_cache.h"
#include "skiff/util/result.h"

namespace skiff::dns {
class DnsServer;
}

namespace skiff::agent {

struct ClusterDnsOptions {
  std::string listen;       // ADDR:PORT; "" or "off" disables
  std::string config_file;  // YAML (dns/README.md); "" = defaults
};

class ClusterDns {
 public:
  ClusterDns(boost::asio::io_context& io, kube::ObjectCache& cache);
  ~ClusterDns();

  // Loads the config, makes the listen address local and binds. Nothing is
  // started when disabled.
  Result<> start(const ClusterDnsOptions& options);
  // The UDP and TCP frontends answered here (empty when disabled).
  std::vector<lb::L4Addr> frontends() const;

 private:
  boost::asio::io_context& io_;
  kube::ObjectCache& cache_;
  std::unique_ptr<dns::DnsServer> server_;
};

}  // namespace skiff::agent
