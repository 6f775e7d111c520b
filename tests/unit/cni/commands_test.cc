// The dispatcher as a runtime sees it: exit status and stdout for each kind of
// invocation that needs no network namespace.
#include "cni/lib/commands.h"
#include "cni/lib/ipam.h"

#include <gtest/gtest.h>

#include <map>

#include "temp_dir.h"

namespace skiff::cni {
namespace {

using nlohmann::json;

GetEnv env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

json config(const std::string& data_dir, const std::string& version = "1.1.0") {
  return {{"cniVersion", version}, {"name", "skiff"}, {"type", "skiff-cni"}, {"podCIDR", "10.244.0.0/30"},
          {"dataDir", data_dir}};
}

json error_of(const Outcome& o) { return json::parse(o.stdout_text); }

TEST(Commands, VersionListsSupportedVersions) {
  Outcome o = run_plugin(env_of({{"CNI_COMMAND", "VERSION"}}), R"({"cniVersion":"1.0.0"})");
  EXPECT_EQ(o.exit_code, 0);
  json j = json::parse(o.stdout_text);
  EXPECT_EQ(j["cniVersion"], "1.1.0");
  for (const char* v : {"0.4.0", "1.0.0", "1.1.0"})
    EXPECT_NE(std::find(j["supportedVersions"].begin(), j["supportedVersions"].end(), v), j["supportedVersions"].end());
  EXPECT_EQ(run_plugin(env_of({{"CNI_COMMAND", "VERSION"}}), "").exit_code, 0);
  EXPECT_EQ(error_of(run_plugin(env_of({{"CNI_COMMAND", "VERSION"}}), "{oops"))["code"], 6);
}

TEST(Commands, ErrorsAreSpecJsonWithNonZeroExit) {
  Outcome o = run_plugin(env_of({}), "{}");
  EXPECT_NE(o.exit_code, 0);
  json e = error_of(o);
  EXPECT_EQ(e["code"], 4);
  EXPECT_EQ(e["cniVersion"], "1.1.0");
  EXPECT_TRUE(e["msg"].is_string());
}

TEST(Commands, ErrorCarriesTheConfigVersion) {
  testing::TempDir dir;
  json c = config(dir.path(), "1.0.0");
  c["mtu"] = 1;
  Outcome o = run_plugin(env_of({{"CNI_COMMAND", "DEL"}, {"CNI_CONTAINERID", "c"}, {"CNI_IFNAME", "eth0"}}), c.dump());
  json e = error_of(o);
  EXPECT_EQ(e["code"], 7);
  EXPECT_EQ(e["cniVersion"], "1.0.0");
}

TEST(Commands, StatusNeedsCniVersion110) {
  testing::TempDir dir;
  Outcome o = run_plugin(env_of({{"CNI_COMMAND", "STATUS"}}), config(dir.path(), "1.0.0").dump());
  EXPECT_EQ(error_of(o)["code"], 1);
}

TEST(Commands, StatusReadyThenNotReadyWhenPodCidrIsFull) {
  testing::TempDir dir;
  json c = config(dir.path());
  Outcome ready = run_plugin(env_of({{"CNI_COMMAND", "STATUS"}}), c.dump());
  EXPECT_EQ(ready.exit_code, 0) << ready.stdout_text;
  EXPECT_TRUE(ready.stdout_text.empty());
  // /30 has one pod address; lease it behind the plugin's back.
  auto ipam = Ipam::open(parse_netconf(c.dump())->ranges, parse_netconf(c.dump())->lease_dir());
  ASSERT_TRUE(ipam->allocate("c1", "eth0"));
  Outcome full = run_plugin(env_of({{"CNI_COMMAND", "STATUS"}}), c.dump());
  EXPECT_EQ(error_of(full)["code"], 50);
}

TEST(Commands, StatusWithUnreachableAgentIs50) {
  testing::TempDir dir;
  json c = config(dir.path());
  c["agentSocket"] = dir.path() + "/no-agent.sock";
  c["agentTimeoutMs"] = 500;
  Outcome o = run_plugin(env_of({{"CNI_COMMAND", "STATUS"}}), c.dump());
  json e = error_of(o);
  EXPECT_EQ(e["code"], 50);
  EXPECT_NE(e["msg"].get<std::string>().find("not reachable"), std::string::npos) << e.dump();
}

TEST(Commands, AddWithMissingNetnsIsUnknownContainer) {
  testing::TempDir dir;
  Outcome o = run_plugin(env_of({{"CNI_COMMAND", "ADD"}, {"CNI_CONTAINERID", "c1"}, {"CNI_IFNAME", "eth0"},
                                 {"CNI_NETNS", dir.path() + "/gone"}}),
                         config(dir.path()).dump());
  EXPECT_EQ(error_of(o)["code"], 3);
}

TEST(Commands, AddWithANonNetnsPathIsBadEnvironment) {
  testing::TempDir dir;
  Outcome o = run_plugin(env_of({{"CNI_COMMAND", "ADD"}, {"CNI_CONTAINERID", "c1"}, {"CNI_IFNAME", "eth0"},
                                 {"CNI_NETNS", dir.path()}}),
                         config(dir.path()).dump());
  EXPECT_EQ(error_of(o)["code"], 4);
  // Nothing was leased.
  auto ipam = Ipam::open(parse_netconf(config(dir.path()).dump())->ranges,
                         parse_netconf(config(dir.path()).dump())->lease_dir());
  EXPECT_EQ(*ipam->free_count(), 1u);
}

TEST(Commands, CheckWithoutPrevResultIsInvalidConfig) {
  testing::TempDir dir;
  Outcome o = run_plugin(env_of({{"CNI_COMMAND", "CHECK"}, {"CNI_CONTAINERID", "c1"}, {"CNI_IFNAME", "eth0"},
                                 {"CNI_NETNS", "/proc/self/ns/net"}}),
                         config(dir.path()).dump());
  EXPECT_EQ(error_of(o)["code"], 7);
}

TEST(Commands, GcWithoutAttachmentListReleasesNothing) {
  testing::TempDir dir;
  json c = config(dir.path());
  auto conf = parse_netconf(c.dump());
  auto ipam = Ipam::open(conf->ranges, conf->lease_dir());
  ASSERT_TRUE(ipam->allocate("c1", "eth0"));
  EXPECT_EQ(run_plugin(env_of({{"CNI_COMMAND", "GC"}}), c.dump()).exit_code, 0);
  EXPECT_TRUE(*ipam->find("c1", "eth0"));
}

}  // namespace
}  // namespace skiff::cni
