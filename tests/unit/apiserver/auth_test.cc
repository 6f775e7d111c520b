#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "auth/authenticator.h"
#include "tls/certificates.h"

namespace skiff::apiserver {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/skiff-apiserver-test-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

HttpRequest with_bearer(const std::string& token) {
  HttpRequest request;
  request.headers.emplace_back("authorization", "Bearer " + token);
  return request;
}

TEST(TokenFile, ParsesKubeCsvWithQuotedGroups) {
  TempDir dir;
  std::string path = dir.path() + "/tokens.csv";
  std::ofstream(path) << "# comment\nsecret1,alice,uid-1,\"dev,ops\"\nsecret2,bob,uid-2\n";
  auto tokens = Authenticator::load_token_file(path);
  ASSERT_TRUE(tokens) << tokens.error().str();
  ASSERT_EQ(tokens->size(), 2u);
  const auto& alice = tokens->at("secret1");
  EXPECT_EQ(alice.name, "alice");
  EXPECT_EQ(alice.uid, "uid-1");
  EXPECT_TRUE(alice.in_group("dev"));
  EXPECT_TRUE(alice.in_group("ops"));
  EXPECT_TRUE(alice.in_group("system:authenticated"));

  Authenticator authenticator(std::move(*tokens), nullptr);
  EXPECT_EQ(authenticator.authenticate(with_bearer("secret2")).user.name, "bob");
  EXPECT_EQ(authenticator.authenticate(with_bearer("nope")).outcome, Authentication::Outcome::Rejected);
  EXPECT_EQ(authenticator.authenticate(HttpRequest{}).outcome, Authentication::Outcome::Anonymous);
}

TEST(TokenFile, ShortLineIsAnError) {
  TempDir dir;
  std::string path = dir.path() + "/tokens.csv";
  std::ofstream(path) << "onlytoken\n";
  EXPECT_FALSE(Authenticator::load_token_file(path));
}

TEST(ServiceAccountTokens, IssuedTokenVerifiesAndTamperingFails) {
  TempDir dir;
  auto pki = ensure_cluster_pki({dir.path(), {}, {}});
  ASSERT_TRUE(pki) << pki.error().str();
  EXPECT_TRUE(fs::exists(pki->ca_cert));
  EXPECT_TRUE(fs::exists(pki->serving_cert));
  EXPECT_EQ(fs::status(pki->ca_key).permissions() & fs::perms::others_read, fs::perms::none);
  auto tokens = ServiceAccountTokens::from_key_file(pki->service_account_key);
  ASSERT_TRUE(tokens) << tokens.error().str();
  std::string token = (*tokens)->issue("kube-system", "builder", "uid-9", std::chrono::hours(1));
  auto user = (*tokens)->verify(token);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "system:serviceaccount:kube-system:builder");
  EXPECT_TRUE(user->in_group("system:serviceaccounts:kube-system"));

  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'a' ? 'b' : 'a';
  EXPECT_FALSE((*tokens)->verify(tampered));
  EXPECT_FALSE((*tokens)->verify((*tokens)->issue("a", "b", "c", std::chrono::seconds(-10))));  // expired
  EXPECT_FALSE((*tokens)->verify("not.a.jwt"));
}

TEST(Kubeconfig, WrittenPrivateWithEmbeddedCredentials) {
  TempDir dir;
  auto pki = ensure_cluster_pki({dir.path(), {}, {}});
  ASSERT_TRUE(pki);
  ASSERT_TRUE(write_kubeconfig(pki->admin_kubeconfig, "https://127.0.0.1:6443", *pki));
  auto perms = fs::status(pki->admin_kubeconfig).permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  auto text = read_file(pki->admin_kubeconfig);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("server: https://127.0.0.1:6443"), std::string::npos);
  EXPECT_NE(text->find("client-certificate-data: "), std::string::npos);
  // A second start reuses the CA.
  auto ca_before = read_file(pki->ca_cert);
  auto again = ensure_cluster_pki({dir.path(), {}, {}});
  ASSERT_TRUE(again);
  EXPECT_EQ(*read_file(again->ca_cert), *ca_before);
}

}  // namespace
}  // namespace skiff::apiserver
