// Pod start latency for N pods created at once on this node (default 100):
// from upsert_pod to the first status with phase Running, through Skiff's
// kubelet, and -- the peer, measured in the same run on the same containerd --
// the bare CRI sequence a minimal runtime client issues for the same pod
// (RunPodSandbox, CreateContainer, StartContainer; one thread per pod).
// Images are local (imported), so no pull time is included, as in the SLO.
// Prints p50/p99 of both, their ratio, and p99 against the Kubernetes SLO
// (5 s, excluding image pull).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "kubelet/container_config.h"
#include "node_env.h"

using namespace skiff::kubelet;
using namespace skiff::kubelet::testing;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p / 100.0 * v.size())) - 1;
  return v[std::min(i, v.size() - 1)];
}

struct Timings {
  std::mutex mu;
  std::map<std::string, Clock::time_point> created, running;
};

std::vector<double> run_kubelet(NodeEnv& env, Timings& t, int pods) {
  for (int i = 0; i < pods; ++i) {
    std::string uid = "bench-" + std::to_string(i);
    json c = {{"name", "app"}, {"image", env.image()}, {"imagePullPolicy", "IfNotPresent"},
              {"command", {"sleep", "100000"}}};
    {
      std::lock_guard lk(t.mu);
      t.created[uid] = Clock::now();
    }
    auto r = env.kubelet().upsert_pod(make_pod("bench-" + std::to_string(i), uid, json::array({c})));
    if (!r) std::fprintf(stderr, "upsert: %s\n", r.error().message.c_str());
  }
  auto deadline = Clock::now() + std::chrono::minutes(10);
  for (;;) {
    {
      std::lock_guard lk(t.mu);
      if (static_cast<int>(t.running.size()) >= pods) break;
    }
    if (Clock::now() > deadline) {
      std::fprintf(stderr, "not all pods reached Running\n");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<double> ms;
  std::lock_guard lk(t.mu);
  for (const auto& [uid, start] : t.created)
    if (auto it = t.running.find(uid); it != t.running.end())
      ms.push_back(std::chrono::duration<double, std::milli>(it->second - start).count());
  return ms;
}

void remove_kubelet_pods(NodeEnv& env, int pods) {
  for (int i = 0; i < pods; ++i) env.kubelet().delete_pod("bench-" + std::to_string(i), 0);
  auto deadline = Clock::now() + std::chrono::minutes(10);
  for (int i = 0; i < pods && Clock::now() < deadline; ++i)
    while (!env.kubelet().pod_removed("bench-" + std::to_string(i)) && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

std::vector<double> run_bare_cri(NodeEnv& env, int pods) {
  std::vector<double> ms(static_cast<size_t>(pods), -1);
  std::vector<std::string> sandboxes(static_cast<size_t>(pods));
  std::vector<std::thread> threads;
  for (int i = 0; i < pods; ++i) {
    threads.emplace_back([&, i] {
      auto t0 = Clock::now();
      PodSpec spec;
      spec.name = "bare-" + std::to_string(i);
      spec.uid = "bare-uid-" + std::to_string(i);
      spec.ns = "default";
      ContainerSpec c;
      c.name = "app";
      c.image = env.image();
      c.command = {"sleep", "100000"};
      spec.containers.push_back(c);
      auto sb_config = make_sandbox_config(spec, {}, env.dir() / "bare-logs" / spec.uid, 0);
      auto sb = env.cri().run_pod_sandbox(sb_config);
      if (!sb) {
        std::fprintf(stderr, "bare: %s\n", sb.error().message.c_str());
        return;
      }
      sandboxes[static_cast<size_t>(i)] = *sb;
      auto config = make_container_config(spec, spec.containers[0], {}, {}, 0, env.image());
      auto id = env.cri().create_container(*sb, config, sb_config);
      if (!id || !env.cri().start_container(*id)) {
        std::fprintf(stderr, "bare: container failed\n");
        return;
      }
      ms[static_cast<size_t>(i)] = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& id : sandboxes) {
    if (id.empty()) continue;
    (void)env.cri().stop_pod_sandbox(id);
    (void)env.cri().remove_pod_sandbox(id);
  }
  std::vector<double> ok;
  for (double v : ms)
    if (v >= 0) ok.push_back(v);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  int pods = argc > 1 ? std::atoi(argv[1]) : 100;
  if (geteuid() != 0) {
    std::fprintf(stderr, "needs root\n");
    return 1;
  }
  spdlog::set_level(spdlog::level::warn);
  Timings t;
  NodeEnvOptions o;
  o.skiff_cni = SKIFF_CNI_BINARY;
  o.pause = SKIFF_PAUSE_BINARY;
  o.sync_interval = std::chrono::seconds(1);  // the kubelet's own relist period
  o.on_status = [&t](const PodSpec& pod, const json& status) {
    if (status.value("phase", "") != "Running") return;
    std::lock_guard lk(t.mu);
    t.running.try_emplace(pod.uid, Clock::now());
  };
  auto env = NodeEnv::create(o);
  if (!env) {
    std::fprintf(stderr, "setup: %s\n", env.error().str().c_str());
    return 1;
  }
  // A warm-up pod first (the first start pays for page cache and snapshot
  // setup), then the kubelet round and the bare CRI round on the same runtime.
  run_bare_cri(**env, 1);
  auto kube = run_kubelet(**env, t, pods);
  remove_kubelet_pods(**env, pods);
  auto bare = run_bare_cri(**env, pods);

  double k50 = percentile(kube, 50), k99 = percentile(kube, 99);
  double b50 = percentile(bare, 50), b99 = percentile(bare, 99);
  std::printf("pod start latency, %d pods created at once, create -> Running (image local, pod network via skiff-cni)\n",
              pods);
  std::printf("%-28s %8s %10s %10s\n", "", "pods", "p50 ms", "p99 ms");
  std::printf("%-28s %8zu %10.0f %10.0f\n", "skiff kubelet", kube.size(), k50, k99);
  std::printf("%-28s %8zu %10.0f %10.0f\n", "bare CRI calls (peer)", bare.size(), b50, b99);
  std::printf("kubelet / bare CRI:          p50 %.2fx   p99 %.2fx\n", b50 > 0 ? k50 / b50 : 0, b99 > 0 ? k99 / b99 : 0);
  std::printf("kubelet p99 / Kubernetes SLO (5000 ms): %.3f   (aim: p99 < 1000 ms)\n", k99 / 5000.0);
  return static_cast<int>(kube.size()) == pods ? 0 : 1;
}
