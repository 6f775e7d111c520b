#include "cni/lib/environment.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace skiff::cni {
namespace {

GetEnv env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

std::map<std::string, std::string> full_add() {
  return {{"CNI_COMMAND", "ADD"}, {"CNI_CONTAINERID", "abc123"}, {"CNI_NETNS", "/var/run/netns/x"},
          {"CNI_IFNAME", "eth0"}, {"CNI_PATH", "/opt/cni/bin:/usr/lib/cni"}};
}

TEST(Environment, ReadsAddVariables) {
  auto vars = full_add();
  vars["CNI_ARGS"] = "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0";
  auto env = read_environment(env_of(vars));
  ASSERT_TRUE(env) << env.error().msg;
  EXPECT_EQ(env->command, Command::kAdd);
  EXPECT_EQ(env->container_id, "abc123");
  EXPECT_EQ(env->arg("K8S_POD_NAME"), "web-0");
  EXPECT_EQ(env->arg("K8S_POD_NAMESPACE"), "default");
  EXPECT_EQ(env->path, (std::vector<std::string>{"/opt/cni/bin", "/usr/lib/cni"}));
}

TEST(Environment, MissingCommandIsCode4) {
  auto env = read_environment(env_of({}));
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().code, ErrorCode::kInvalidEnvironment);
  EXPECT_NE(env.error().msg.find("CNI_COMMAND"), std::string::npos);
}

TEST(Environment, UnknownCommandIsCode4) {
  auto env = read_environment(env_of({{"CNI_COMMAND", "FROB"}}));
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().code, ErrorCode::kInvalidEnvironment);
  EXPECT_NE(env.error().msg.find("FROB"), std::string::npos);
}

TEST(Environment, AddNamesEveryMissingVariable) {
  auto env = read_environment(env_of({{"CNI_COMMAND", "ADD"}, {"CNI_CONTAINERID", "abc"}}));
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().code, ErrorCode::kInvalidEnvironment);
  EXPECT_NE(env.error().msg.find("CNI_NETNS"), std::string::npos);
  EXPECT_NE(env.error().msg.find("CNI_IFNAME"), std::string::npos);
  EXPECT_EQ(env.error().msg.find("CNI_CONTAINERID"), std::string::npos);
}

TEST(Environment, DelDoesNotNeedNetns) {
  auto env = read_environment(env_of({{"CNI_COMMAND", "DEL"}, {"CNI_CONTAINERID", "abc"}, {"CNI_IFNAME", "eth0"}}));
  ASSERT_TRUE(env) << env.error().msg;
  EXPECT_TRUE(env->netns.empty());
}

TEST(Environment, CheckNeedsNetns) {
  auto env = read_environment(env_of({{"CNI_COMMAND", "CHECK"}, {"CNI_CONTAINERID", "abc"}, {"CNI_IFNAME", "eth0"}}));
  ASSERT_FALSE(env);
  EXPECT_NE(env.error().msg.find("CNI_NETNS"), std::string::npos);
}

TEST(Environment, StatusGcVersionNeedOnlyTheCommand) {
  for (const char* c : {"STATUS", "GC", "VERSION"}) {
    auto env = read_environment(env_of({{"CNI_COMMAND", c}}));
    EXPECT_TRUE(env) << c;
  }
}

TEST(Environment, RejectsBadValues) {
  struct Case {
    const char* var;
    const char* value;
  } cases[] = {
      {"CNI_IFNAME", "this-name-is-too-long"}, {"CNI_IFNAME", "eth/0"}, {"CNI_IFNAME", "eth 0"},
      {"CNI_IFNAME", ".."},                     {"CNI_CONTAINERID", "-abc"}, {"CNI_CONTAINERID", "a/b"},
      {"CNI_NETNS", "relative/path"},           {"CNI_ARGS", "K8S_POD_NAME"}, {"CNI_ARGS", "=v"},
  };
  for (const auto& c : cases) {
    auto vars = full_add();
    vars[c.var] = c.value;
    auto env = read_environment(env_of(vars));
    ASSERT_FALSE(env) << c.var << "=" << c.value;
    EXPECT_EQ(env.error().code, ErrorCode::kInvalidEnvironment) << c.var;
    EXPECT_NE(env.error().msg.find(c.var), std::string::npos) << env.error().msg;
  }
}

TEST(Environment, IfnameLimits) {
  EXPECT_TRUE(is_valid_ifname("eth0"));
  EXPECT_TRUE(is_valid_ifname("a23456789012345"));
  EXPECT_FALSE(is_valid_ifname("a234567890123456"));
  EXPECT_FALSE(is_valid_ifname(""));
  EXPECT_FALSE(is_valid_ifname("a:b"));
}

}  // namespace
}  // namespace skiff::cni
