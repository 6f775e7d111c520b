// Test builders: Pods and Nodes written as core/v1 JSON (so the parser is
// exercised too) and parsed into views.
#pragma once
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "scheduler/node_view.h"
#include "scheduler/pod_view.h"
#include "scheduler/snapshot.h"

namespace skiff::scheduler::testing {

using nlohmann::json;

class NodeBuilder {
 public:
  explicit NodeBuilder(const std::string& name) {
    j_ = {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/hostname", name}}}}},
          {"spec", json::object()},
          {"status", {{"allocatable", {{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}}}}}};
  }
  NodeBuilder& capacity(const std::string& cpu, const std::string& memory, const std::string& pods = "110") {
    j_["status"]["allocatable"] = {{"cpu", cpu}, {"memory", memory}, {"pods", pods}};
    return *this;
  }
  NodeBuilder& allocatable(const std::string& name, const std::string& v) {
    j_["status"]["allocatable"][name] = v;
    return *this;
  }
  NodeBuilder& label(const std::string& k, const std::string& v) {
    j_["metadata"]["labels"][k] = v;
    return *this;
  }
  NodeBuilder& taint(const std::string& k, const std::string& v, const std::string& effect) {
    json t = {{"key", k}, {"effect", effect}};
    if (!v.empty()) t["value"] = v;
    j_["spec"]["taints"].push_back(t);
    return *this;
  }
  NodeBuilder& unschedulable() {
    j_["spec"]["unschedulable"] = true;
    return *this;
  }
  const json& json_() const { return j_; }
  NodeView view() const {
    auto v = parse_node(j_);
    EXPECT_TRUE(v.has_value()) << (v ? "" : v.error().message);
    return v ? *v : NodeView{};
  }

 private:
  json j_;
};

class PodBuilder {
 public:
  explicit PodBuilder(const std::string& name, const std::string& ns = "default") {
    j_ = {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"uid", "uid-" + name}}},
          {"spec", {{"containers", json::array({{{"name", "c"}, {"image", "busybox"}}})}}}};
  }
  PodBuilder& req(const std::string& cpu, const std::string& memory = "") {
    json& r = j_["spec"]["containers"][0]["resources"]["requests"];
    if (!cpu.empty()) r["cpu"] = cpu;
    if (!memory.empty()) r["memory"] = memory;
    return *this;
  }
  PodBuilder& request(const std::string& name, const std::string& v) {
    j_["spec"]["containers"][0]["resources"]["requests"][name] = v;
    return *this;
  }
  PodBuilder& label(const std::string& k, const std::string& v) {
    j_["metadata"]["labels"][k] = v;
    return *this;
  }
  PodBuilder& node(const std::string& n) {
    j_["spec"]["nodeName"] = n;
    return *this;
  }
  PodBuilder& priority(int p) {
    j_["spec"]["priority"] = p;
    return *this;
  }
  PodBuilder& started(const std::string& t) {
    j_["status"]["startTime"] = t;
    return *this;
  }
  PodBuilder& host_port(int port, const std::string& proto = "TCP", const std::string& ip = "") {
    json p = {{"containerPort", port}, {"hostPort", port}, {"protocol", proto}};
    if (!ip.empty()) p["hostIP"] = ip;
    j_["spec"]["containers"][0]["ports"].push_back(p);
    return *this;
  }
  PodBuilder& toleration(json t) {
    j_["spec"]["tolerations"].push_back(std::move(t));
    return *this;
  }
  // Merges fields into spec (affinity, nodeSelector, topologySpreadConstraints, ...).
  PodBuilder& spec(const json& patch) {
    j_["spec"].merge_patch(patch);
    return *this;
  }
  json& json_() { return j_; }
  PodView view() const {
    auto v = parse_pod(j_);
    EXPECT_TRUE(v.has_value()) << (v ? "" : v.error().message);
    return v ? *v : PodView{};
  }

 private:
  json j_;
};

inline void add_bound(ClusterSnapshot& snap, PodBuilder p, const std::string& node) {
  auto r = snap.upsert_pod(p.node(node).view());
  ASSERT_TRUE(r.has_value());
}

}  // namespace skiff::scheduler::testing
