#include "cni/lib/config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace skiff::cni {
namespace {

using nlohmann::json;

json base() {
  return {{"cniVersion", "1.1.0"}, {"name", "skiff"}, {"type", "skiff-cni"}, {"podCIDR", "10.244.1.0/24"}};
}

TEST(Config, DefaultsFromPodCidr) {
  auto conf = parse_netconf(base().dump());
  ASSERT_TRUE(conf) << conf.error().msg;
  ASSERT_EQ(conf->ranges.size(), 1u);
  const Range& r = conf->ranges[0];
  EXPECT_EQ(r.subnet.str(), "10.244.1.0/24");
  EXPECT_EQ(r.gateway.str(), "10.244.1.1");
  EXPECT_EQ(r.start.str(), "10.244.1.1");  // the allocator skips the gateway
  EXPECT_EQ(r.end.str(), "10.244.1.254");
  ASSERT_EQ(conf->routes.size(), 1u);
  EXPECT_EQ(conf->routes[0].dst.str(), "0.0.0.0/0");
  EXPECT_FALSE(conf->routes[0].gw);
  EXPECT_EQ(conf->mtu, 1500);
  EXPECT_EQ(conf->lease_dir(), "/var/lib/skiff/cni/networks/skiff");
  EXPECT_TRUE(conf->agent_socket.empty());
}

TEST(Config, FullConfig) {
  json j = base();
  j.erase("podCIDR");
  j["ranges"] = {{{"subnet", "10.1.0.0/24"}, {"gateway", "10.1.0.254"}, {"rangeStart", "10.1.0.10"}},
                 {{"subnet", "10.2.0.0/28"}}};
  j["routes"] = {{{"dst", "0.0.0.0/0"}}, {{"dst", "192.168.0.0/16"}, {"gw", "10.1.0.254"}}};
  j["mtu"] = 9000;
  j["dataDir"] = "/run/skiff/";
  j["agentSocket"] = "/run/skiff/cni.sock";
  j["agentTimeoutMs"] = 500;
  j["dns"] = {{"nameservers", {"10.96.0.10"}}, {"search", {"svc.cluster.local"}}, {"options", {"ndots:5"}}};
  j["runtimeConfig"] = {{"dns", {{"servers", {"10.96.0.53"}}, {"searches", {"ns.svc.cluster.local"}}}}};
  j["prevResult"] = {{"cniVersion", "1.1.0"}};
  j["someUnknownField"] = true;  // passed through, not an error
  auto conf = parse_netconf(j.dump());
  ASSERT_TRUE(conf) << conf.error().msg;
  ASSERT_EQ(conf->ranges.size(), 2u);
  EXPECT_EQ(conf->ranges[0].gateway.str(), "10.1.0.254");
  EXPECT_EQ(conf->ranges[0].start.str(), "10.1.0.10");
  EXPECT_EQ(conf->ranges[1].end.str(), "10.2.0.14");
  EXPECT_EQ(conf->routes[1].gw->str(), "10.1.0.254");
  EXPECT_EQ(conf->mtu, 9000);
  EXPECT_EQ(conf->data_dir, "/run/skiff");
  EXPECT_EQ(conf->agent_timeout_ms, 500);
  EXPECT_EQ(conf->dns.nameservers, std::vector<std::string>{"10.96.0.53"});  // runtimeConfig wins
  EXPECT_EQ(conf->dns.search, std::vector<std::string>{"ns.svc.cluster.local"});
  EXPECT_TRUE(conf->prev_result);
}

TEST(Config, ValidAttachments) {
  json j = base();
  j["cni.dev/valid-attachments"] = {{{"containerID", "a"}, {"ifname", "eth0"}}};
  auto conf = parse_netconf(j.dump());
  ASSERT_TRUE(conf) << conf.error().msg;
  ASSERT_TRUE(conf->valid_attachments);
  EXPECT_EQ(conf->valid_attachments->at(0), (Attachment{"a", "eth0"}));
}

struct BadCase {
  const char* what;
  std::function<void(json&)> edit;
  ErrorCode code;
  const char* message_part;
};

class BadConfig : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadConfig, RejectedWithCodeAndMessage) {
  json j = base();
  GetParam().edit(j);
  auto conf = parse_netconf(j.dump());
  ASSERT_FALSE(conf) << GetParam().what;
  EXPECT_EQ(conf.error().code, GetParam().code) << conf.error().msg;
  EXPECT_NE(conf.error().msg.find(GetParam().message_part), std::string::npos)
      << "message: " << conf.error().msg << "\nexpected to contain: " << GetParam().message_part;
}

const BadCase kBadCases[] = {
    {"no cniVersion", [](json& j) { j.erase("cniVersion"); }, ErrorCode::kInvalidConfig, "\"cniVersion\" is required"},
    {"cniVersion number", [](json& j) { j["cniVersion"] = 1; }, ErrorCode::kInvalidConfig, "\"cniVersion\" must be a string"},
    {"cniVersion garbage", [](json& j) { j["cniVersion"] = "one"; }, ErrorCode::kInvalidConfig, "not a version"},
    {"cniVersion unknown", [](json& j) { j["cniVersion"] = "2.0.0"; }, ErrorCode::kIncompatibleVersion, "2.0.0"},
    {"cniVersion too old", [](json& j) { j["cniVersion"] = "0.2.0"; }, ErrorCode::kIncompatibleVersion, "0.2.0"},
    {"no name", [](json& j) { j.erase("name"); }, ErrorCode::kInvalidConfig, "\"name\" is required"},
    {"name with slash", [](json& j) { j["name"] = "../etc"; }, ErrorCode::kInvalidConfig, "\"name\""},
    {"no type", [](json& j) { j.erase("type"); }, ErrorCode::kInvalidConfig, "\"type\" is required"},
    {"ipam delegation", [](json& j) { j["ipam"] = {{"type", "host-local"}}; }, ErrorCode::kUnsupportedField, "\"ipam\""},
    {"no podCIDR", [](json& j) { j.erase("podCIDR"); }, ErrorCode::kInvalidConfig, "\"podCIDR\" is required"},
    {"podCIDR and ranges", [](json& j) { j["ranges"] = json::array(); }, ErrorCode::kInvalidConfig, "cannot be combined"},
    {"podCIDR not a CIDR", [](json& j) { j["podCIDR"] = "10.244.1.0"; }, ErrorCode::kInvalidConfig, "\"podCIDR\" must be an IPv4 CIDR"},
    {"podCIDR number", [](json& j) { j["podCIDR"] = 24; }, ErrorCode::kInvalidConfig, "\"podCIDR\" is required and must be a string"},
    {"podCIDR bad prefix", [](json& j) { j["podCIDR"] = "10.244.1.0/33"; }, ErrorCode::kInvalidConfig, "\"podCIDR\""},
    {"podCIDR host bits", [](json& j) { j["podCIDR"] = "10.244.1.7/24"; }, ErrorCode::kInvalidConfig, "did you mean 10.244.1.0/24"},
    {"podCIDR too small", [](json& j) { j["podCIDR"] = "10.244.1.0/31"; }, ErrorCode::kInvalidConfig, "too small"},
    {"podCIDR IPv6", [](json& j) { j["podCIDR"] = "fd00::/64"; }, ErrorCode::kUnsupportedField, "IPv6"},
    {"gateway outside", [](json& j) { j["gateway"] = "10.9.9.9"; }, ErrorCode::kInvalidConfig, "\"gateway\" \"10.9.9.9\" must be a host address inside"},
    {"gateway is broadcast", [](json& j) { j["gateway"] = "10.244.1.255"; }, ErrorCode::kInvalidConfig, "\"gateway\""},
    {"gateway garbage", [](json& j) { j["gateway"] = "ten"; }, ErrorCode::kInvalidConfig, "\"gateway\" must be an IPv4 address"},
    {"rangeStart after rangeEnd", [](json& j) { j["rangeStart"] = "10.244.1.200"; j["rangeEnd"] = "10.244.1.100"; }, ErrorCode::kInvalidConfig, "is after rangeEnd"},
    {"ranges empty", [](json& j) { j.erase("podCIDR"); j["ranges"] = json::array(); }, ErrorCode::kInvalidConfig, "\"ranges\" must be a non-empty array"},
    {"ranges overlap", [](json& j) { j.erase("podCIDR"); j["ranges"] = {{{"subnet", "10.0.0.0/16"}}, {{"subnet", "10.0.1.0/24"}}}; }, ErrorCode::kInvalidConfig, "overlaps"},
    {"ranges unknown key", [](json& j) { j.erase("podCIDR"); j["ranges"] = {{{"subnet", "10.0.0.0/16"}, {"gatway", "10.0.0.1"}}}; }, ErrorCode::kInvalidConfig, "\"ranges[0].gatway\""},
    {"ranges entry not object", [](json& j) { j.erase("podCIDR"); j["ranges"] = {"10.0.0.0/16"}; }, ErrorCode::kInvalidConfig, "\"ranges[0]\" must be an object"},
    {"routes not array", [](json& j) { j["routes"] = "default"; }, ErrorCode::kInvalidConfig, "\"routes\" must be an array"},
    {"route without dst", [](json& j) { j["routes"] = {{{"gw", "10.244.1.1"}}}; }, ErrorCode::kInvalidConfig, "\"routes[0].dst\" is required"},
    {"route bad dst", [](json& j) { j["routes"] = {{{"dst", "default"}}}; }, ErrorCode::kInvalidConfig, "\"routes[0].dst\" must be an IPv4 CIDR"},
    {"route bad gw", [](json& j) { j["routes"] = {{{"dst", "0.0.0.0/0"}, {"gw", "x"}}}; }, ErrorCode::kInvalidConfig, "\"routes[0].gw\""},
    {"mtu too small", [](json& j) { j["mtu"] = 67; }, ErrorCode::kInvalidConfig, "\"mtu\" must be an integer between 68 and 65535, got 67"},
    {"mtu too large", [](json& j) { j["mtu"] = 70000; }, ErrorCode::kInvalidConfig, "\"mtu\""},
    {"mtu string", [](json& j) { j["mtu"] = "1500"; }, ErrorCode::kInvalidConfig, "\"mtu\""},
    {"mtu float", [](json& j) { j["mtu"] = 1500.5; }, ErrorCode::kInvalidConfig, "\"mtu\""},
    {"dataDir relative", [](json& j) { j["dataDir"] = "var/lib"; }, ErrorCode::kInvalidConfig, "\"dataDir\" must be an absolute path"},
    {"agentSocket relative", [](json& j) { j["agentSocket"] = "agent.sock"; }, ErrorCode::kInvalidConfig, "\"agentSocket\""},
    {"agentTimeoutMs zero", [](json& j) { j["agentTimeoutMs"] = 0; }, ErrorCode::kInvalidConfig, "\"agentTimeoutMs\""},
    {"dns not object", [](json& j) { j["dns"] = "8.8.8.8"; }, ErrorCode::kInvalidConfig, "\"dns\" must be an object"},
    {"dns bad nameserver", [](json& j) { j["dns"] = {{"nameservers", {"dns.google"}}}; }, ErrorCode::kInvalidConfig, "is not an IP address"},
    {"dns search not strings", [](json& j) { j["dns"] = {{"search", {1}}}; }, ErrorCode::kInvalidConfig, "\"dns.search\""},
    {"logLevel unknown", [](json& j) { j["logLevel"] = "loud"; }, ErrorCode::kInvalidConfig, "\"logLevel\""},
    {"prevResult not object", [](json& j) { j["prevResult"] = "x"; }, ErrorCode::kInvalidConfig, "\"prevResult\""},
    {"runtimeConfig not object", [](json& j) { j["runtimeConfig"] = 1; }, ErrorCode::kInvalidConfig, "\"runtimeConfig\""},
    {"valid-attachments bad", [](json& j) { j["cni.dev/valid-attachments"] = {{{"containerID", 1}}}; }, ErrorCode::kInvalidConfig, "cni.dev/valid-attachments"},
};

INSTANTIATE_TEST_SUITE_P(Each, BadConfig, ::testing::ValuesIn(kBadCases), [](const auto& info) {
  std::string name = info.param.what;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
});

TEST(Config, DecodeFailuresAreCode6) {
  for (const char* text : {"", "   ", "{", "not json", "[1,2]", "\"string\""}) {
    auto conf = parse_netconf(text);
    ASSERT_FALSE(conf) << text;
    EXPECT_EQ(conf.error().code, ErrorCode::kDecodeFailure) << text;
    EXPECT_NE(conf.error().msg.find("failed to decode network config"), std::string::npos);
  }
}

TEST(Config, CommandsAllowedByVersion) {
  json j = base();
  j["cniVersion"] = "0.3.1";
  auto old = parse_netconf(j.dump());
  ASSERT_TRUE(old);
  EXPECT_TRUE(check_command_allowed(*old, Command::kAdd));
  EXPECT_EQ(check_command_allowed(*old, Command::kCheck).error().code, ErrorCode::kIncompatibleVersion);
  j["cniVersion"] = "1.0.0";
  auto v1 = parse_netconf(j.dump());
  EXPECT_TRUE(check_command_allowed(*v1, Command::kCheck));
  EXPECT_EQ(check_command_allowed(*v1, Command::kStatus).error().code, ErrorCode::kIncompatibleVersion);
  EXPECT_EQ(check_command_allowed(*v1, Command::kGc).error().code, ErrorCode::kIncompatibleVersion);
  j["cniVersion"] = "1.1.0";
  auto v11 = parse_netconf(j.dump());
  EXPECT_TRUE(check_command_allowed(*v11, Command::kStatus));
  EXPECT_TRUE(check_command_allowed(*v11, Command::kGc));
}

}  // namespace
}  // namespace skiff::cni
