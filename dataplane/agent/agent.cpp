#include "agent.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <ctime>
#include <unordered_set>

#include "cluster_dns.h"
#include "conntrack_gc.h"
#include "datapath.h"
#include "kernel_lb_maps.h"
#include "lb_controller.h"
#include "lb_map_writer.h"
#include "link_watcher.h"
#include "manifest_source.h"
#include "node_addresses.h"
#include "skiff/bpf/abi.h"

namespace skiff::agent {
namespace asio = boost::asio;

namespace {

std::string host_name() {
  char buf[256] = {};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
}

// Periodic conntrack garbage collection on the agent's loop.
class ConntrackCollector {
 public:
  ConntrackCollector(asio::io_context& io, int fd, std::chrono::seconds every)
      : timer_(io), fd_(fd), every_(every) {}
  void start() {
    timer_.expires_after(every_);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      auto r = lb::collect_conntrack(fd_, monotonic_ns());
      if (r.deleted) spdlog::debug("conntrack gc: {} of {} entries expired", r.deleted, r.scanned);
      start();
    });
  }

 private:
  asio::steady_timer timer_;
  int fd_;
  std::chrono::seconds every_;
};

}  // namespace

int run_agent(const AgentOptions& o) {
  asio::io_context io;
  const std::string pin_root = o.pin_root.empty() ? SKIFF_PIN_ROOT : o.pin_root;

  std::vector<std::string> devices = o.devices;
  if (devices.empty()) {
    auto dev = default_route_interface();
    if (!dev) {
      spdlog::error("{}", dev.error().str());
      return 1;
    }
    devices.push_back(*dev);
  }
  lb::NodeInfo node{.name = o.node_name.empty() ? host_name() : o.node_name,
                    .addresses = ipv4_addresses(devices)};
  auto hairpin = net::IpAddr::parse(o.hairpin_addr);
  if (!hairpin || !hairpin->is_v4()) {
    spdlog::error("--hairpin-address {}: not an IPv4 address", o.hairpin_addr);
    return 2;
  }

  dp::DatapathOptions dopts{.pin_root = pin_root, .maglev_slots = o.maglev_slots, .hairpin_addr = *hairpin};
  if (!node.addresses.empty()) dopts.snat_addr = node.addresses.front();
  auto datapath = dp::Datapath::load(dopts);
  if (!datapath) {
    spdlog::error("{}", datapath.error().str());
    return 1;
  }
  for (const auto& dev : devices) {
    auto mode = (*datapath)->attach_xdp(dev);
    if (!mode) {
      spdlog::error("XDP on {}: {}", dev, mode.error().str());
      return 1;
    }
    spdlog::info("XDP attached to {} in {} mode", dev, dp::to_string(*mode));
    if (auto r = (*datapath)->attach_external_tc(dev); !r) {
      spdlog::error("tc on {}: {}", dev, r.error().str());
      return 1;
    }
  }
  if (o.cgroup != "none") {
    auto cg = o.cgroup.empty() ? cgroup2_root() : Result<std::string>(o.cgroup);
    if (!cg) {
      spdlog::error("{}", cg.error().str());
      return 1;
    }
    if (auto r = (*datapath)->attach_cgroup(*cg); !r) {
      spdlog::error("socket LB on {}: {}", *cg, r.error().str());
      return 1;
    }
    spdlog::info("socket-level LB attached to cgroup {}", *cg);
  }

  auto maps = lb::KernelLbMaps::open(pin_root);
  if (!maps) {
    spdlog::error("{}", maps.error().str());
    return 1;
  }
  lb::LbMapWriter writer(**maps, {.maglev_max = o.maglev_max});
  writer.adopt();
  spdlog::info("adopted {} frontends and {} backends from {}", writer.frontend_count(),
               writer.backend_count(), pin_root);

  kube::ObjectCache cache;
  LbController controller(cache, writer, node);
  ClusterDns dns(io, cache);
  if (auto r = dns.start({.listen = o.dns_listen, .config_file = o.dns_config}); !r) {
    spdlog::error("{}", r.error().str());
    return 1;
  }
  controller.serve_locally(dns.frontends());

  std::unordered_set<int> tc_attached;
  LinkWatcher links(io, [&](int ifindex, const std::string& name, bool present) {
    if (!name.starts_with(o.pod_interface_prefix)) return;
    if (!present) {
      tc_attached.erase(ifindex);
      return;
    }
    if (!tc_attached.insert(ifindex).second) return;
    if (auto r = (*datapath)->attach_tc(ifindex); !r)
      spdlog::error("tc on {}: {}", name, r.error().str());
    else
      spdlog::info("tc attached to pod interface {}", name);
  });
  if (auto r = links.start(); !r) {
    spdlog::error("{}", r.error().str());
    return 1;
  }

  if (o.manifests_dir.empty()) {
    spdlog::error("no object source: pass --manifests DIR");
    return 2;
  }
  ManifestSource source(io, o.manifests_dir, cache);
  if (auto r = source.start(); !r) {
    spdlog::error("{}", r.error().str());
    return 1;
  }

  ConntrackCollector gc(io, (*maps)->conntrack_fd(), std::chrono::seconds(o.conntrack_gc_seconds));
  gc.start();

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int sig) {
    spdlog::info("signal {}: stopping; programs and maps stay in place for the next agent", sig);
    io.stop();
  });
  io.run();
  return 0;
}

int uninstall_agent(const std::string& pin_root) {
  auto root = pin_root.empty() ? std::string(SKIFF_PIN_ROOT) : pin_root;
  if (auto r = dp::Datapath::uninstall(root); !r) {
    spdlog::error("{}", r.error().str());
    return 1;
  }
  spdlog::info("removed every attachment and map under {}", root);
  return 0;
}

}  // namespace skiff::agent
