#include "kubelet/containerd_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace skiff::kubelet {
namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

TEST(ContainerdConfig, EverythingUnderTheStateDir) {
  ContainerdConfig c;
  c.state_dir = "/tmp/node1";
  c.cni_bin_dir = "/tmp/node1/cni-bin";
  c.cni_conf_dir = "/tmp/node1/cni-conf";
  c.sandbox_image = "docker.io/skiff/pause:3.9";
  std::string toml = render_containerd_config(c);
  EXPECT_EQ(containerd_socket(c), "/tmp/node1/containerd.sock");
  for (const char* want : {"root = \"/tmp/node1/root\"", "state = \"/tmp/node1/state\"",
                           "address = \"/tmp/node1/containerd.sock\"", "Root = \"/tmp/node1/runc\"",
                           "sandbox_image = \"docker.io/skiff/pause:3.9\"", "bin_dir = \"/tmp/node1/cni-bin\"",
                           "netns_mounts_under_state_dir = true", "restrict_oom_score_adj = true"})
    EXPECT_NE(toml.find(want), std::string::npos) << want;
}

TEST(ContainerdConfig, MatchesTheDeployTemplate) {
  std::ifstream f(SKIFF_CONTAINERD_TEMPLATE);
  ASSERT_TRUE(f) << SKIFF_CONTAINERD_TEMPLATE;
  std::stringstream ss;
  ss << f.rdbuf();
  std::string tmpl = ss.str();
  tmpl = replace_all(tmpl, "@STATE_DIR@", "/var/lib/skiff/containerd");
  tmpl = replace_all(tmpl, "@SOCKET@", "/var/lib/skiff/containerd/containerd.sock");
  tmpl = replace_all(tmpl, "@SANDBOX_IMAGE@", "docker.io/skiff/pause:3.9");
  tmpl = replace_all(tmpl, "@SNAPSHOTTER@", "overlayfs");
  tmpl = replace_all(tmpl, "@CNI_BIN_DIR@", "/opt/cni/bin");
  tmpl = replace_all(tmpl, "@CNI_CONF_DIR@", "/etc/cni/net.d");
  ContainerdConfig c;
  c.state_dir = "/var/lib/skiff/containerd";
  c.sandbox_image = "docker.io/skiff/pause:3.9";
  EXPECT_EQ(render_containerd_config(c), tmpl);
}

}  // namespace
}  // namespace skiff::kubelet
