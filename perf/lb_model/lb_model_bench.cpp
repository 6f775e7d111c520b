// Maglev population and full-sync cost of the LB model. The peer is the
// paper's textbook formulation (reference_maglev.h); the ratio line at the
// end compares the two measured in this run.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

#include "reference_maglev.h"
#include "skiff/bpf/abi.h"
#include "skiff/lb/frontends.h"
#include "skiff/lb/maglev.h"

namespace {

using namespace skiff;

std::vector<lb::BackendState> backends(size_t n, uint32_t salt = 0) {
  std::vector<lb::BackendState> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].addr = lb::L4Addr{htonl(0x0af40000u + salt * 131 + static_cast<uint32_t>(i) + 1), htons(8080),
                             SKIFF_PROTO_TCP};
  }
  return out;
}

void BM_Maglev(benchmark::State& state) {
  const auto b = backends(static_cast<size_t>(state.range(0)));
  const auto m = static_cast<uint32_t>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(lb::maglev_table(b, m));
}

void BM_MaglevReference(benchmark::State& state) {
  const auto b = backends(static_cast<size_t>(state.range(0)));
  const auto m = static_cast<uint32_t>(state.range(1));
  if (perf::reference_maglev_table(b, m) != lb::maglev_table(b, m)) state.SkipWithError("tables differ");
  for (auto _ : state) benchmark::DoNotOptimize(perf::reference_maglev_table(b, m));
}

// The peer holds an N x M permutation matrix, so its shapes stop at 100
// backends (6.5 MB); skiff alone also runs 1000 backends at M = 131071.
const std::vector<std::pair<int64_t, int64_t>> kShapes = {{3, 509}, {10, 1021}, {100, 16381}};

// 10,000 services of 10 backends each: every table from scratch, as a
// full sync after an agent start does.
void BM_MaglevFullSync10k(benchmark::State& state) {
  std::vector<std::vector<lb::BackendState>> services;
  for (uint32_t s = 0; s < 10000; ++s) services.push_back(backends(10, s));
  for (auto _ : state) {
    for (const auto& b : services) benchmark::DoNotOptimize(lb::maglev_table(b, lb::maglev_table_size(b.size())));
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}

void BM_ComputeFrontends(benchmark::State& state) {
  kube::Service svc;
  svc.meta = {"shop", "web"};
  svc.type = kube::ServiceType::LoadBalancer;
  svc.cluster_ips = {*net::IpAddr::parse("10.96.0.10")};
  svc.load_balancer_ips = {*net::IpAddr::parse("203.0.113.5")};
  svc.ports = {{"http", kube::Protocol::TCP, 80, {8080, ""}, 30080}};
  kube::EndpointSlice slice;
  slice.meta = {"shop", "web-1"};
  slice.service_name = "web";
  slice.ports = {{"http", kube::Protocol::TCP, 8080}};
  for (int i = 0; i < state.range(0); ++i) {
    kube::Endpoint ep;
    ep.addresses = {net::IpAddr::v4(htonl(0x0af40000u + static_cast<uint32_t>(i)))};
    ep.node_name = i % 2 ? "node-a" : "node-b";
    slice.endpoints.push_back(ep);
  }
  const kube::EndpointSlice* slices[] = {&slice};
  lb::NodeInfo node{"node-a", {*net::IpAddr::parse("192.168.1.10")}};
  for (auto _ : state) benchmark::DoNotOptimize(lb::compute_frontends(svc, slices, node));
}

// Collects the mean real time per benchmark to print skiff/peer ratios.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) times_[run.benchmark_name()] = run.GetAdjustedRealTime();
    ConsoleReporter::ReportRuns(runs);
  }
  void print_ratios() const {
    std::printf("\nMaglev population, textbook peer time / skiff time (higher is better for skiff):\n");
    for (auto [n, m] : kShapes) {
      const std::string args = "/" + std::to_string(n) + "/" + std::to_string(m);
      auto ours = times_.find("BM_Maglev" + args);
      auto peer = times_.find("BM_MaglevReference" + args);
      if (ours == times_.end() || peer == times_.end() || ours->second <= 0) continue;
      std::printf("  N=%-5lld M=%-6lld skiff %10.1f us   peer %10.1f us   ratio %.1fx\n", static_cast<long long>(n),
                  static_cast<long long>(m), ours->second / 1e3, peer->second / 1e3, peer->second / ours->second);
    }
  }

 private:
  std::map<std::string, double> times_;
};

}  // namespace

int main(int argc, char** argv) {
  for (auto [n, m] : kShapes) {
    benchmark::RegisterBenchmark("BM_Maglev", BM_Maglev)->Args({n, m})->Unit(benchmark::kNanosecond);
    benchmark::RegisterBenchmark("BM_MaglevReference", BM_MaglevReference)->Args({n, m})->Unit(benchmark::kNanosecond);
  }
  benchmark::RegisterBenchmark("BM_Maglev", BM_Maglev)->Args({1000, 131071})->Unit(benchmark::kNanosecond);
  benchmark::RegisterBenchmark("BM_MaglevFullSync10k", BM_MaglevFullSync10k)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_ComputeFrontends", BM_ComputeFrontends)->Arg(10)->Arg(100)->Arg(1000);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
