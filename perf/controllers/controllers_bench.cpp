// Pure compute of the controllers' reconcile functions on big objects:
// a 1,000-replica Deployment from nothing to all its pod creations, and a
// 10,000-endpoint Service to its slices (from scratch, and one pod changed).
#include <benchmark/benchmark.h>

#include "controllers/deployment_controller.h"
#include "controllers/endpointslice_controller.h"
#include "controllers/memory_store.h"
#include "controllers/names.h"
#include "controllers/object_util.h"
#include "controllers/replicaset_controller.h"

namespace sc = skiff::controllers;
using sc::Json;

namespace {
const sc::Time kNow = sc::Time(std::chrono::seconds(1'800'000'000));

Json deployment(int replicas) {
  return Json{{"apiVersion", "apps/v1"},
              {"kind", "Deployment"},
              {"metadata", {{"name", "web"}, {"namespace", "default"}, {"generation", 1}}},
              {"spec",
               {{"replicas", replicas},
                {"selector", {{"matchLabels", {{"app", "web"}}}}},
                {"template",
                 {{"metadata", {{"labels", {{"app", "web"}}}}},
                  {"spec",
                   {{"containers", Json::array({{{"name", "main"},
                                                 {"image", "nginx:1.27"},
                                                 {"ports", Json::array({{{"containerPort", 80}, {"name", "http"}}})},
                                                 {"resources", {{"requests", {{"cpu", "10m"}, {"memory", "16Mi"}}}}}}})}}}}}}}};
}

// Deployment sync -> ReplicaSet create; ReplicaSet syncs (500-pod bursts)
// until every pod is created. Only the reconcile calls are timed; applying
// the actions to the in-memory store (the API server's part) is not.
void BM_Deployment1000ToPods(benchmark::State& state) {
  std::size_t pods = 0;
  for (auto _ : state) {
    state.PauseTiming();
    sc::MemoryStore store;
    sc::RandomNameSource names(1);
    store.put(deployment(static_cast<int>(state.range(0))), kNow);
    sc::Context ctx{store, kNow, names};
    state.ResumeTiming();
    auto r = sc::reconcile_deployment(*store.get("Deployment", "default", "web"), ctx);
    state.PauseTiming();
    store.apply_all(r.actions, kNow);
    std::string rs_name;
    for (const auto& a : r.actions)
      if (a.verb == sc::Verb::Create) rs_name = a.name;
    state.ResumeTiming();
    for (int sync = 0; sync < 10; ++sync) {
      auto rr = sc::reconcile_replica_set(*store.get("ReplicaSet", "default", rs_name), ctx);
      state.PauseTiming();
      std::size_t creates = rr.count(sc::Verb::Create, "Pod");
      store.apply_all(rr.actions, kNow);
      state.ResumeTiming();
      if (creates == 0) break;
    }
    state.PauseTiming();
    pods = store.size("Pod");
    state.ResumeTiming();
  }
  state.counters["pods"] = static_cast<double>(pods);
}
BENCHMARK(BM_Deployment1000ToPods)->Arg(1000)->Unit(benchmark::kMillisecond);

sc::MemoryStore service_with_pods(int n) {
  sc::MemoryStore store;
  store.put(Json{{"apiVersion", "v1"},
                 {"kind", "Service"},
                 {"metadata", {{"name", "big"}, {"namespace", "default"}}},
                 {"spec",
                  {{"clusterIP", "10.96.0.20"},
                   {"selector", {{"app", "big"}}},
                   {"ports", Json::array({{{"name", "http"}, {"port", 80}, {"targetPort", "http"}, {"protocol", "TCP"}}})}}}},
            kNow);
  for (int i = 0; i < n; ++i) {
    Json pod{{"apiVersion", "v1"},
             {"kind", "Pod"},
             {"metadata", {{"name", "big-" + std::to_string(i)}, {"namespace", "default"}, {"labels", {{"app", "big"}}}}},
             {"spec",
              {{"nodeName", "node-" + std::to_string(i % 50)},
               {"containers", Json::array({{{"name", "c"}, {"ports", Json::array({{{"name", "http"}, {"containerPort", 8080}}})}}})}}},
             {"status",
              {{"phase", "Running"},
               {"podIP", "10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256)},
               {"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
    store.put(std::move(pod), kNow);
  }
  return store;
}

void BM_EndpointSlices10kFromScratch(benchmark::State& state) {
  sc::MemoryStore store = service_with_pods(static_cast<int>(state.range(0)));
  sc::RandomNameSource names(1);
  sc::Context ctx{store, kNow, names};
  std::size_t slices = 0;
  for (auto _ : state) {
    auto r = sc::reconcile_endpoint_slices(*store.get("Service", "default", "big"), ctx);
    slices = r.count(sc::Verb::Create);
    benchmark::DoNotOptimize(r);
  }
  state.counters["slices"] = static_cast<double>(slices);
}
BENCHMARK(BM_EndpointSlices10kFromScratch)->Arg(10000)->Unit(benchmark::kMillisecond);

// Steady state: 10,000 endpoints already in 100 slices, one pod turns
// not-ready; the sync must produce exactly one slice update.
void BM_EndpointSlices10kOnePodChanged(benchmark::State& state) {
  sc::MemoryStore store = service_with_pods(static_cast<int>(state.range(0)));
  sc::RandomNameSource names(1);
  sc::Context ctx{store, kNow, names};
  store.apply_all(sc::reconcile_endpoint_slices(*store.get("Service", "default", "big"), ctx).actions, kNow);
  (*store.get_mutable("Pod", "default", "big-4242"))["status"]["conditions"][0]["status"] = "False";
  std::size_t updates = 0;
  for (auto _ : state) {
    auto r = sc::reconcile_endpoint_slices(*store.get("Service", "default", "big"), ctx);
    updates = r.actions.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["writes"] = static_cast<double>(updates);
}
BENCHMARK(BM_EndpointSlices10kOnePodChanged)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_Endpoints10kLegacy(benchmark::State& state) {
  sc::MemoryStore store = service_with_pods(static_cast<int>(state.range(0)));
  sc::RandomNameSource names(1);
  sc::Context ctx{store, kNow, names};
  for (auto _ : state) benchmark::DoNotOptimize(sc::reconcile_endpoints(*store.get("Service", "default", "big"), ctx));
}
BENCHMARK(BM_Endpoints10kLegacy)->Arg(10000)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();
