// A tiny simulated cluster for controller tests: a MemoryStore acting as the
// API server, a clock, deterministic names, and a "kubelet" that makes pods
// run and become ready when the test says so.
#pragma once
#include <gtest/gtest.h>

#include "controllers/actions.h"
#include "controllers/memory_store.h"
#include "controllers/names.h"
#include "controllers/object_util.h"

namespace skiff::controllers::testing {

Json parse(const char* text);

struct Cluster {
  MemoryStore store;
  Time now = Time(std::chrono::seconds(1'800'000'000));
  RandomNameSource names{42};

  Context ctx() { return Context{store, now, names}; }
  void advance(std::chrono::seconds s) { now += s; }
  // Applies actions; fails the test on any failed action.
  void apply(const ReconcileResult& r);

  // Reconciles every ReplicaSet once / every Deployment once.
  void sync_replica_sets();
  void sync_deployments();
  // Deployment then ReplicaSets, `rounds` times (no pod readiness change).
  void settle(int rounds = 3);

  // Kubelet: pods scheduled on `node`, Running, Ready (since now).
  void make_pods_ready(std::size_t limit = SIZE_MAX);
  std::vector<const Json*> pods() { return store.list("Pod", "default"); }
  std::vector<const Json*> replica_sets() { return store.list("ReplicaSet", "default"); }
  std::size_t ready_pods();
  std::vector<std::string> events(std::string_view reason);
};

Json make_deployment(const std::string& name, int replicas, const std::string& image);
Json make_pod(const std::string& name, const Json& labels, bool ready, const std::string& node = "node-1");

}  // namespace skiff::controllers::testing
