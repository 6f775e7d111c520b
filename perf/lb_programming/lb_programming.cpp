// Programming time: a full sync of N services into the data plane, then
// single endpoint changes, for Skiff (the agent's own LbController, writer and
// pinned kernel maps) and for kube-proxy's iptables and nftables modes
// (iptables-restore / nft -f of the rules kube-proxy would write, in a fresh
// network namespace of this process). Needs root.
//
//   skiff_lb_programming [--services 10000] [--endpoints 10] [--changes 21]
//   skiff_lb_programming emit --dir DIR [...]   (inputs for perf/lb_rate)
#include <fcntl.h>
#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "datapath.h"
#include "kernel_lb_maps.h"
#include "kube_proxy_rules.h"
#include "lb_controller.h"
#include "lb_map_writer.h"
#include "skiff/kube/object_cache.h"
#include "skiff/kube/parse.h"
#include "skiff/lb/maglev.h"
#include "synthetic_services.h"

namespace fs = std::filesystem;
using namespace skiff;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// The endpoint change number `k`: one service's last endpoint moves to a
// fresh address (a pod replaced by a new one).
size_t changed_service(size_t k, size_t services) { return (k * 7919 + 13) % services; }
uint32_t replacement_ip(size_t k) { return 0x0a7f0000u + static_cast<uint32_t>(k + 1); }  // 10.127.0.0/16

// Wall time, and CPU time (user + system) of whoever did the work: the
// machine is shared, so CPU time is the steadier figure.
struct Timings {
  double full = 0, full_cpu = 0;
  std::vector<double> changes, changes_cpu;
  std::string note;
};

double process_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Timed {
  double wall = 0, cpu = 0;
};

// ---- Skiff -----------------------------------------------------------------

Result<Timings> run_skiff(std::vector<perf::SynthService> services, size_t changes, uint32_t maglev_max,
                          uint32_t maglev_slots) {
  const std::string pin_root = "/sys/fs/bpf/skiff-lbperf-" + std::to_string(getpid());
  struct Cleanup {
    std::string root;
    ~Cleanup() {
      if (auto r = dp::Datapath::uninstall(root); !r) spdlog::warn("cleanup: {}", r.error().str());
    }
  } cleanup{pin_root};

  // Parsing is what a source does before the controller sees anything: untimed.
  std::vector<kube::Service> parsed_services;
  std::vector<kube::EndpointSlice> parsed_slices;
  for (const auto& s : services) {
    auto svc = kube::parse_service(perf::service_manifest(s));
    auto slice = kube::parse_endpoint_slice(perf::endpoint_slice_manifest(s, "perf-node"));
    if (!svc) return fail(svc.error().str());
    if (!slice) return fail(slice.error().str());
    parsed_services.push_back(std::move(*svc));
    parsed_slices.push_back(std::move(*slice));
  }

  Timings t;
  {
    dp::DatapathOptions options{.pin_root = pin_root, .maglev_slots = maglev_slots,
                                .hairpin_addr = *net::IpAddr::parse("169.254.42.1")};
    auto datapath = dp::Datapath::load(options);
    if (!datapath) return std::unexpected(datapath.error());
    auto maps = lb::KernelLbMaps::open(pin_root);
    if (!maps) return std::unexpected(maps.error());
    lb::LbMapWriter writer(**maps, {.maglev_max = maglev_max});
    writer.adopt();
    kube::ObjectCache cache;
    lb::NodeInfo node{.name = "perf-node", .addresses = {*net::IpAddr::parse("10.200.0.1")}};
    agent::LbController controller(cache, writer, node);

    for (auto& s : parsed_services) cache.upsert(std::move(s));
    for (auto& s : parsed_slices) cache.upsert(s);
    cache.mark_synced();
    auto start = Clock::now();
    const double cpu0 = process_cpu();
    cache.commit();  // the initial full sync, exactly as the agent does it
    t.full_cpu = process_cpu() - cpu0;
    t.full = seconds_since(start);
    if (controller.stats().errors) return fail(std::to_string(controller.stats().errors) + " errors in the full sync");
    if (writer.frontend_count() != services.size()) return fail("not every frontend was installed");

    for (size_t k = 0; k < changes; ++k) {
      const size_t i = changed_service(k, services.size());
      services[i].endpoints.back().ip = replacement_ip(k);
      auto slice = kube::parse_endpoint_slice(perf::endpoint_slice_manifest(services[i], "perf-node"));
      if (!slice) return fail(slice.error().str());
      cache.upsert(std::move(*slice));
      auto c0 = Clock::now();
      const double cpu1 = process_cpu();
      cache.commit();
      t.changes_cpu.push_back(process_cpu() - cpu1);
      t.changes.push_back(seconds_since(c0));
    }
    if (controller.stats().errors) return fail("errors while applying endpoint changes");
    const uint32_t m = lb::maglev_table_size(services.front().endpoints.size(), maglev_max);
    t.note = std::to_string(writer.frontend_count()) + " frontends, " + std::to_string(writer.backend_count()) +
             " backends, Maglev M=" + std::to_string(m) + ", " + std::to_string(writer.slots_in_use()) +
             " of " + std::to_string((*maps)->slots().size()) + " slots in use";
  }
  return t;
}

// ---- kube-proxy ------------------------------------------------------------

struct Peer {
  std::string name;
  std::vector<std::string> restore;  // reads the rules on stdin
  bool nft = false;
};

// Runs argv with stdin from `input`; returns the wall time, or the error
// text. A run longer than `timeout` seconds is killed and reported as such.
Result<Timed> run_timed(const std::vector<std::string>& argv, const fs::path& input, const fs::path& errlog,
                        double timeout) {
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid < 0) return fail_errno("fork");
  if (pid == 0) {
    int in = ::open(input.c_str(), O_RDONLY);
    int err = ::open(errlog.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, WNOHANG, &ru) == 0) {
    if (seconds_since(start) > timeout) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return fail(argv[0] + " still running after " + std::to_string(static_cast<int>(timeout)) +
                  " s; killed", ETIMEDOUT);
    }
    usleep(2000);
  }
  const Timed took{seconds_since(start),
                   static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                       static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6};
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream e(errlog);
    std::string text((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
    return fail(argv[0] + " failed (status " + std::to_string(status) + "): " + text.substr(0, 600));
  }
  return took;
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

Result<Timings> run_peer(const Peer& peer, std::vector<perf::SynthService> services, size_t changes,
                         const fs::path& dir, double timeout) {
  // A fresh network namespace for this process (and the tools it runs): the
  // host's tables are never touched, and the namespace goes with the last
  // reference to it.
  if (unshare(CLONE_NEWNET) != 0) return fail_errno("unshare(CLONE_NEWNET)");
  size_t endpoints = 0;
  for (const auto& s : services) endpoints += s.endpoints.size();
  const perf::KubeProxyOptions options{.cluster_cidr = "10.244.0.0/16", .large_cluster_mode = endpoints > 1000};
  const fs::path in = dir / (peer.name + ".rules"), err = dir / (peer.name + ".err");
  Timings t;
  if (!peer.nft) {
    write_file(in, perf::iptables_bootstrap());
    if (auto r = run_timed(peer.restore, in, err, timeout); !r) return std::unexpected(r.error());
  }
  write_file(in, peer.nft ? perf::nft_full(services, options) : perf::iptables_full(services, options));
  t.note = std::to_string(fs::file_size(in) / 1024) + " KiB of rules";
  auto full = run_timed(peer.restore, in, err, timeout);
  if (!full) return std::unexpected(full.error());
  t.full = full->wall;
  t.full_cpu = full->cpu;
  for (size_t k = 0; k < changes; ++k) {
    const size_t i = changed_service(k, services.size());
    services[i].endpoints.back().ip = replacement_ip(k);
    write_file(in, peer.nft ? perf::nft_partial(services, i, options) : perf::iptables_partial(services, i, options));
    auto r = run_timed(peer.restore, in, err, timeout);
    if (!r) return std::unexpected(r.error());
    t.changes.push_back(r->wall);
    t.changes_cpu.push_back(r->cpu);
  }
  return t;
}

std::string ms(double s) {
  char buf[32];
  if (s >= 10)
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  else
    std::snprintf(buf, sizeof buf, s < 0.01 ? "%.3f ms" : "%.1f ms", s * 1e3);
  return buf;
}

// ---- emit ------------------------------------------------------------------

int emit(const fs::path& dir, const perf::ClusterLayout& layout) {
  fs::create_directories(dir);
  auto services = perf::make_services(layout);
  nlohmann::json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", nlohmann::json::array()}};
  for (const auto& s : services) {
    list["items"].push_back(perf::service_manifest(s));
    list["items"].push_back(perf::endpoint_slice_manifest(s, layout.node_name));
  }
  fs::create_directories(dir / "manifests");
  write_file(dir / "manifests" / "services.json", list.dump());
  const perf::KubeProxyOptions options{.cluster_cidr = layout.pod_cidr,
                                       .large_cluster_mode = services.size() * layout.endpoints_per_service > 1000};
  write_file(dir / "iptables-bootstrap.rules", perf::iptables_bootstrap());
  write_file(dir / "iptables.rules", perf::iptables_full(services, options));
  write_file(dir / "nft.rules", perf::nft_full(services, options));
  write_file(dir / "nft-cleanup.rules", perf::nft_cleanup());
  return 0;
}

struct Row {
  std::string mode;
  Timings t;
  bool ok = false;
  std::string error;
};

std::string ratio(double a, double b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, a / b < 0.001 ? "%.2e" : "%.4f", a / b);
  return buf;
}

void print_header() {
  std::printf("%-16s %11s %11s %13s %13s %4s %17s %17s\n", "mode", "full wall", "full cpu", "change wall",
              "change cpu", "n", "skiff/peer full", "skiff/peer change");
}

// Changes: medians. Ratios: of CPU times (wall times in parentheses would
// mostly measure how busy the shared machine was).
void print_row(const Row& row, const Row* skiff) {
  if (!row.ok) {
    std::printf("%-16s FAILED: %s\n", row.mode.c_str(), row.error.c_str());
    std::fflush(stdout);
    return;
  }
  std::string r_full = "-", r_change = "-";
  if (skiff && skiff->ok && row.mode != "skiff") {
    r_full = ratio(skiff->t.full_cpu, row.t.full_cpu);
    r_change = ratio(median(skiff->t.changes_cpu), median(row.t.changes_cpu));
  }
  std::printf("%-16s %11s %11s %13s %13s %4zu %17s %17s\n", row.mode.c_str(), ms(row.t.full).c_str(),
              ms(row.t.full_cpu).c_str(), ms(median(row.t.changes)).c_str(), ms(median(row.t.changes_cpu)).c_str(),
              row.t.changes.size(), r_full.c_str(), r_change.c_str());
  std::printf("%16s %s\n", "", row.t.note.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Programming time of Skiff's maps vs kube-proxy's iptables and nftables rules"};
  size_t services = 10000, endpoints = 10, changes = 21, peer_changes = 5;
  double timeout = 900;
  uint32_t maglev_max = lb::kMaglevDefaultMax, maglev_slots = 0;
  std::vector<std::string> peers = {"iptables-legacy", "iptables-nft", "nft"};
  app.add_option("--services", services, "number of services");
  app.add_option("--endpoints", endpoints, "endpoints per service");
  app.add_option("--changes", changes, "single endpoint changes timed for Skiff (median reported)");
  app.add_option("--peer-changes", peer_changes, "single endpoint changes timed for each peer");
  app.add_option("--peer-timeout", timeout, "seconds before a peer's restore is killed and reported");
  app.add_option("--maglev-table-size", maglev_max, "as the agent's flag");
  app.add_option("--maglev-slots", maglev_slots, "as the agent's flag (0: default)");
  app.add_option("--peers", peers, "iptables-legacy, iptables-nft, nft")->delimiter(',');

  auto* emit_cmd = app.add_subcommand("emit", "write manifests and kube-proxy rules for perf/lb_rate");
  std::string emit_dir;
  perf::ClusterLayout layout;
  emit_cmd->add_option("--dir", emit_dir)->required();
  emit_cmd->add_option("--services", layout.services);
  emit_cmd->add_option("--endpoints", layout.endpoints_per_service);
  emit_cmd->add_option("--backend-pods", layout.backend_pods);
  emit_cmd->add_option("--node-name", layout.node_name);
  emit_cmd->add_option("--port", layout.port);
  emit_cmd->add_option("--target-port", layout.target_port);
  emit_cmd->add_flag("--udp", layout.udp);
  emit_cmd->add_flag("--mixed", layout.mixed, "even-numbered services UDP, odd ones TCP");
  emit_cmd->add_flag("--load-balancer", layout.load_balancer);
  emit_cmd->add_flag("--local", layout.local_policy);
  CLI11_PARSE(app, argc, argv);
  if (*emit_cmd) return emit(emit_dir, layout);
  if (services == 0 || endpoints == 0) {
    spdlog::error("--services and --endpoints must be positive");
    return 2;
  }

  perf::ClusterLayout bench{.services = services, .endpoints_per_service = endpoints};
  const auto model = perf::make_services(bench);
  std::printf("programming %zu ClusterIP services x %zu endpoints (%zu endpoints), then single endpoint "
              "changes; ratios are skiff CPU time / peer CPU time\n\n", services, endpoints, services * endpoints);
  print_header();
  std::fflush(stdout);

  Row skiff;
  {
    auto r = run_skiff(model, changes, maglev_max, maglev_slots);
    skiff = r ? Row{"skiff", *r, true, ""} : Row{"skiff", {}, false, r.error().str()};
    print_row(skiff, nullptr);
  }
  char tmpl[] = "/tmp/skiff-lbperf-XXXXXX";
  if (!mkdtemp(tmpl)) {
    spdlog::error("mkdtemp failed");
    return 1;
  }
  const fs::path dir = tmpl;
  int rc = skiff.ok ? 0 : 1;
  for (const auto& name : peers) {
    Peer peer{name, {}, false};
    if (name == "iptables-legacy" || name == "iptables-nft")
      peer.restore = {name + "-restore", "-w", "5", "--noflush", "--counters"};
    else if (name == "nft")
      peer = Peer{name, {"nft", "-f", "-"}, true};
    else {
      spdlog::error("unknown peer {}", name);
      continue;
    }
    auto r = run_peer(peer, model, peer_changes, dir, timeout);
    print_row(r ? Row{name, *r, true, ""} : Row{name, {}, false, r.error().str()}, &skiff);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);

  if (skiff.ok) {
    const double med = median(skiff.t.changes);
    const double med_cpu = median(skiff.t.changes_cpu);
    std::printf("\ntargets: skiff full sync < 1 s: wall %s, cpu %s: %s; single change < 1 ms: wall %s, cpu %s: %s\n",
                ms(skiff.t.full).c_str(), ms(skiff.t.full_cpu).c_str(), skiff.t.full_cpu < 1.0 ? "met" : "MISSED",
                ms(med).c_str(), ms(med_cpu).c_str(), med_cpu < 1e-3 ? "met" : "MISSED");
  }
  return rc;
}
