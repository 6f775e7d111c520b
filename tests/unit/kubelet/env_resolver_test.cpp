#include "kubelet/env_resolver.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace skiff::kubelet {
namespace {

struct FakeSource : ConfigSource {
  std::map<std::string, std::map<std::string, std::string>> cms, secrets;
  std::optional<std::map<std::string, std::string>> config_map(const std::string& ns,
                                                               const std::string& name) const override {
    auto it = cms.find(ns + "/" + name);
    if (it == cms.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::map<std::string, std::string>> secret(const std::string& ns,
                                                           const std::string& name) const override {
    auto it = secrets.find(ns + "/" + name);
    if (it == secrets.end()) return std::nullopt;
    return it->second;
  }
};

PodSpec pod_with(const nlohmann::json& container) {
  nlohmann::json pod = {{"metadata", {{"name", "web"}, {"namespace", "shop"}, {"uid", "u-1"},
                                      {"labels", {{"app", "web"}}}}},
                        {"spec", {{"nodeName", "node-a"}, {"containers", {container}}}}};
  auto p = parse_pod(pod);
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
  return *p;
}

std::string get(const EnvList& env, const std::string& k) {
  for (const auto& [n, v] : env)
    if (n == k) return v;
  return "<unset>";
}

TEST(EnvResolver, LiteralsAndReferencesToEarlierVariables) {
  auto p = pod_with({{"name", "c"}, {"image", "i:1"},
                     {"env", {{{"name", "A"}, {"value", "x"}},
                              {{"name", "B"}, {"value", "$(A)-y-$(NOPE)-$$(A)"}}}}});
  FakeSource src;
  auto env = resolve_env(p.containers[0], p, src, {});
  ASSERT_TRUE(env);
  EXPECT_EQ(get(*env, "A"), "x");
  EXPECT_EQ(get(*env, "B"), "x-y-$(NOPE)-$(A)");
}

TEST(EnvResolver, EnvFromWithPrefixThenEnvOverrides) {
  auto p = pod_with({{"name", "c"}, {"image", "i:1"},
                     {"envFrom", {{{"configMapRef", {{"name", "cfg"}}}},
                                  {{"secretRef", {{"name", "sec"}}}, {"prefix", "S_"}}}},
                     {"env", {{{"name", "MODE"}, {"value", "override"}}}}});
  FakeSource src;
  src.cms["shop/cfg"] = {{"MODE", "fromcm"}, {"PORT", "8080"}};
  src.secrets["shop/sec"] = {{"TOKEN", "s3cret"}};
  auto env = resolve_env(p.containers[0], p, src, {});
  ASSERT_TRUE(env);
  EXPECT_EQ(get(*env, "PORT"), "8080");
  EXPECT_EQ(get(*env, "S_TOKEN"), "s3cret");
  EXPECT_EQ(get(*env, "MODE"), "override");
}

TEST(EnvResolver, KeyRefsAndMissingSources) {
  auto p = pod_with({{"name", "c"}, {"image", "i:1"},
                     {"env", {{{"name", "K"}, {"valueFrom", {{"configMapKeyRef", {{"name", "cfg"}, {"key", "k"}}}}}},
                              {{"name", "OPT"},
                               {"valueFrom", {{"secretKeyRef", {{"name", "none"}, {"key", "x"}, {"optional", true}}}}}}}}});
  FakeSource src;
  src.cms["shop/cfg"] = {{"k", "v"}};
  auto env = resolve_env(p.containers[0], p, src, {});
  ASSERT_TRUE(env);
  EXPECT_EQ(get(*env, "K"), "v");
  EXPECT_EQ(get(*env, "OPT"), "<unset>");

  src.cms.clear();
  auto missing = resolve_env(p.containers[0], p, src, {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("configmap \"cfg\" not found"), std::string::npos);

  src.cms["shop/cfg"] = {{"other", "v"}};
  auto nokey = resolve_env(p.containers[0], p, src, {});
  ASSERT_FALSE(nokey);
  EXPECT_NE(nokey.error().message.find("couldn't find key k"), std::string::npos);
}

TEST(EnvResolver, FieldAndResourceRefs) {
  auto p = pod_with({{"name", "c"}, {"image", "i:1"},
                     {"resources", {{"limits", {{"cpu", "1500m"}, {"memory", "64Mi"}}}}},
                     {"env", {{{"name", "NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}},
                              {{"name", "IP"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "status.podIP"}}}}}},
                              {{"name", "APP"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.labels['app']"}}}}}},
                              {{"name", "NODE"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "spec.nodeName"}}}}}},
                              {{"name", "CPU"}, {"valueFrom", {{"resourceFieldRef", {{"resource", "limits.cpu"}}}}}},
                              {{"name", "MEM"},
                               {"valueFrom", {{"resourceFieldRef", {{"resource", "limits.memory"}, {"divisor", "1Mi"}}}}}}}}});
  FakeSource src;
  auto env = resolve_env(p.containers[0], p, src, PodRuntimeFacts{"10.244.0.7", "192.0.2.1", "node-a"});
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(get(*env, "NAME"), "web");
  EXPECT_EQ(get(*env, "IP"), "10.244.0.7");
  EXPECT_EQ(get(*env, "APP"), "web");
  EXPECT_EQ(get(*env, "NODE"), "node-a");
  EXPECT_EQ(get(*env, "CPU"), "2");  // 1.5 cores rounded up
  EXPECT_EQ(get(*env, "MEM"), "64");
}

}  // namespace
}  // namespace skiff::kubelet
