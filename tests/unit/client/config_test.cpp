#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "skiff/client/bearer_token.h"
#include "skiff/client/config.h"

namespace skiff::client {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "skiff-client-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    auto p = fs::path(path_) / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// "-----BEGIN CERTIFICATE-----\nCA\n" etc. need not be valid PEM for parsing.
constexpr const char* kFull = R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: Q0EgUEVN
    tls-server-name: kubernetes.default
- name: dev-cluster
  cluster:
    server: https://dev.example:443
    certificate-authority: certs/ca.pem
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
- name: dev
  user:
    client-certificate: certs/dev.crt
    client-key: certs/dev.key
    token: static-token
    tokenFile: tokens/dev
contexts:
- name: prod
  context:
    cluster: prod-cluster
    user: admin
- name: dev
  context:
    cluster: dev-cluster
    user: dev
    namespace: team-a
)";

TEST(KubeconfigTest, CurrentContextWithInlineData) {
  auto cfg = parse_kubeconfig(kFull, "/nowhere");
  ASSERT_TRUE(cfg) << cfg.error().str();
  EXPECT_EQ(cfg->server, "https://10.0.0.1:6443");
  EXPECT_EQ(cfg->ca_pem, "CA PEM");
  EXPECT_EQ(cfg->tls_server_name, "kubernetes.default");
  EXPECT_FALSE(cfg->insecure_skip_tls_verify);
  EXPECT_EQ(cfg->client_cert_pem, "CERT");
  EXPECT_EQ(cfg->client_key_pem, "KEY");
  EXPECT_EQ(cfg->token, "");
  EXPECT_EQ(cfg->namespace_, "default");
}

TEST(KubeconfigTest, ExplicitContextWithFilesRelativeToTheKubeconfig) {
  TempDir dir;
  dir.write("certs/ca.pem", "dev CA");
  dir.write("certs/dev.crt", "dev cert");
  dir.write("certs/dev.key", "dev key");
  std::string path = dir.write("config", kFull);
  auto cfg = load_kubeconfig(path, "dev");
  ASSERT_TRUE(cfg) << cfg.error().str();
  EXPECT_EQ(cfg->server, "https://dev.example:443");
  EXPECT_EQ(cfg->ca_pem, "dev CA");
  EXPECT_TRUE(cfg->insecure_skip_tls_verify);
  EXPECT_EQ(cfg->client_cert_pem, "dev cert");
  EXPECT_EQ(cfg->client_key_pem, "dev key");
  EXPECT_EQ(cfg->token, "static-token");
  EXPECT_EQ(cfg->token_file, (fs::path(dir.path()) / "tokens/dev").string());
  EXPECT_EQ(cfg->namespace_, "team-a");
}

TEST(KubeconfigTest, ClearErrors) {
  auto missing_ctx = parse_kubeconfig(kFull, "", "staging");
  ASSERT_FALSE(missing_ctx);
  EXPECT_NE(missing_ctx.error().message.find("context \"staging\" does not exist"), std::string::npos);

  auto no_current = parse_kubeconfig("apiVersion: v1\nkind: Config\nclusters: []\n", "");
  ASSERT_FALSE(no_current);
  EXPECT_NE(no_current.error().message.find("no current-context"), std::string::npos);

  auto bad_cluster = parse_kubeconfig(R"(current-context: c
contexts: [{name: c, context: {cluster: nope, user: u}}]
users: [{name: u, user: {token: t}}]
)", "");
  ASSERT_FALSE(bad_cluster);
  EXPECT_NE(bad_cluster.error().message.find("cluster \"nope\", which does not exist"), std::string::npos);

  auto bad_user = parse_kubeconfig(R"(current-context: c
contexts: [{name: c, context: {cluster: k, user: ghost}}]
clusters: [{name: k, cluster: {server: "https://x"}}]
)", "");
  ASSERT_FALSE(bad_user);
  EXPECT_NE(bad_user.error().message.find("user \"ghost\", which does not exist"), std::string::npos);

  auto no_server = parse_kubeconfig(R"(current-context: c
contexts: [{name: c, context: {cluster: k}}]
clusters: [{name: k, cluster: {}}]
)", "");
  ASSERT_FALSE(no_server);
  EXPECT_NE(no_server.error().message.find("has no server"), std::string::npos);

  auto bad_b64 = parse_kubeconfig(R"(current-context: c
contexts: [{name: c, context: {cluster: k}}]
clusters: [{name: k, cluster: {server: "https://x", certificate-authority-data: "@@@"}}]
)", "");
  ASSERT_FALSE(bad_b64);
  EXPECT_NE(bad_b64.error().message.find("certificate-authority-data is not valid base64"), std::string::npos);

  auto half_pair = parse_kubeconfig(R"(current-context: c
contexts: [{name: c, context: {cluster: k, user: u}}]
clusters: [{name: k, cluster: {server: "https://x"}}]
users: [{name: u, user: {client-certificate-data: Q0VSVA==}}]
)", "");
  ASSERT_FALSE(half_pair);
  EXPECT_NE(half_pair.error().message.find("without a key"), std::string::npos);

  auto bad_yaml = parse_kubeconfig("current-context: c\nclusters: [\n  - {name: x\n", "");
  ASSERT_FALSE(bad_yaml);
  EXPECT_NE(bad_yaml.error().message.find("not valid YAML at line"), std::string::npos);

  auto wrong_shape = parse_kubeconfig("clusters: {a: b}\n", "");
  ASSERT_FALSE(wrong_shape);
  EXPECT_NE(wrong_shape.error().message.find("clusters must be a list"), std::string::npos);

  auto unreadable = load_kubeconfig("/nonexistent/skiff/kubeconfig");
  ASSERT_FALSE(unreadable);
  EXPECT_NE(unreadable.error().message.find("cannot read kubeconfig /nonexistent/skiff/kubeconfig"), std::string::npos);

  auto missing_file = parse_kubeconfig(R"(current-context: c
contexts: [{name: c, context: {cluster: k}}]
clusters: [{name: k, cluster: {server: "https://x", certificate-authority: /nonexistent/ca.pem}}]
)", "");
  ASSERT_FALSE(missing_file);
  EXPECT_NE(missing_file.error().message.find("/nonexistent/ca.pem"), std::string::npos);
}

// Restores an environment variable on scope exit.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(KubeconfigTest, KubeconfigEnvMergesFilesFirstDefinitionWins) {
  TempDir dir;
  std::string a = dir.write("a", R"(current-context: one
contexts: [{name: one, context: {cluster: k}}]
clusters: [{name: k, cluster: {server: "https://first"}}]
)");
  std::string b = dir.write("b", R"(current-context: two
contexts: [{name: two, context: {cluster: k, namespace: ns2}}]
clusters: [{name: k, cluster: {server: "https://second"}}, {name: only-b, cluster: {server: "https://b"}}]
)");
  ScopedEnv env("KUBECONFIG", (a + ":/nonexistent/skipped:" + b).c_str());
  auto cfg = load_default_config();
  ASSERT_TRUE(cfg) << cfg.error().str();
  EXPECT_EQ(cfg->server, "https://first");  // current-context "one" from the first file
  auto two = load_default_config("", "two");
  ASSERT_TRUE(two) << two.error().str();
  EXPECT_EQ(two->server, "https://first");  // cluster "k" defined first in a
  EXPECT_EQ(two->namespace_, "ns2");
}

TEST(InClusterConfigTest, ServiceAccountFiles) {
  TempDir dir;
  dir.write("token", "jwt-token\n");
  dir.write("ca.crt", "cluster CA");
  dir.write("namespace", "kube-system\n");
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.96.0.1");
  ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
  auto cfg = in_cluster_config({dir.path()});
  ASSERT_TRUE(cfg) << cfg.error().str();
  EXPECT_EQ(cfg->server, "https://10.96.0.1:443");
  EXPECT_EQ(cfg->ca_pem, "cluster CA");
  EXPECT_EQ(cfg->namespace_, "kube-system");
  EXPECT_EQ(cfg->token_file, dir.path() + "/token");

  ScopedEnv v6("KUBERNETES_SERVICE_HOST", "fd00::1");
  auto cfg6 = in_cluster_config({dir.path()});
  ASSERT_TRUE(cfg6);
  EXPECT_EQ(cfg6->server, "https://[fd00::1]:443");
}

TEST(InClusterConfigTest, OutsideAClusterSaysSo) {
  ScopedEnv host("KUBERNETES_SERVICE_HOST", nullptr);
  auto cfg = in_cluster_config();
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("KUBERNETES_SERVICE_HOST"), std::string::npos);
}

TEST(BearerTokenTest, RereadsTheFileAfterTheInterval) {
  TempDir dir;
  std::string file = dir.write("token", "first\n");
  FakeClock clock;
  BearerTokenSource source("", file, std::chrono::seconds(60), clock);
  EXPECT_EQ(source.current(), "first");
  dir.write("token", "second");
  clock.advance(std::chrono::seconds(59));
  EXPECT_EQ(source.current(), "first");
  clock.advance(std::chrono::seconds(2));
  EXPECT_EQ(source.current(), "second");
  fs::remove(file);  // a failed read keeps the last good token
  clock.advance(std::chrono::seconds(61));
  EXPECT_EQ(source.current(), "second");
}

TEST(BearerTokenTest, StaticToken) {
  BearerTokenSource source("abc", "", std::chrono::seconds(60));
  EXPECT_EQ(source.current(), "abc");
}

}  // namespace
}  // namespace skiff::client
