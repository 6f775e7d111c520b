#include "auth/service_account_tokens.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <nlohmann/json.hpp>

#include "tls/certificates.h"

namespace skiff::apiserver {

struct ServiceAccountTokens::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

ServiceAccountTokens::ServiceAccountTokens(std::unique_ptr<Key> key) : key_(std::move(key)) {}
ServiceAccountTokens::~ServiceAccountTokens() = default;

Result<std::shared_ptr<ServiceAccountTokens>> ServiceAccountTokens::from_key_file(const std::string& path) {
  auto pem = read_file(path);
  if (!pem) return std::unexpected(pem.error());
  BIO* bio = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
  auto key = std::make_unique<Key>();
  key->pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key->pkey) return fail("service account key " + path + " is not a PEM private key");
  return std::shared_ptr<ServiceAccountTokens>(new ServiceAccountTokens(std::move(key)));
}

std::string base64url_encode(std::string_view data) {
  std::string out = base64_encode(data);
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::optional<std::string> base64url_decode(std::string_view data) {
  std::string in(data);
  for (auto& c : in) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (in.size() % 4) in.push_back('=');
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t pad = 0;
  for (auto it = in.rbegin(); it != in.rend() && *it == '='; ++it) ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string ServiceAccountTokens::issue(const std::string& namespace_name, const std::string& service_account,
                                        const std::string& service_account_uid, std::chrono::seconds lifetime) const {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  nlohmann::json claims = {
      {"iss", kServiceAccountIssuer},
      {"aud", {kServiceAccountIssuer}},
      {"sub", "system:serviceaccount:" + namespace_name + ":" + service_account},
      {"iat", now},
      {"nbf", now},
      {"exp", now + lifetime.count()},
      {"kubernetes.io",
       {{"namespace", namespace_name}, {"serviceaccount", {{"name", service_account}, {"uid", service_account_uid}}}}}};
  std::string signing_input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  std::string signature;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) == 1) {
    signature.resize(len);
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &len,
                   reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
    signature.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  return signing_input + "." + base64url_encode(signature);
}

std::optional<UserInfo> ServiceAccountTokens::verify(const std::string& token) const {
  auto first = token.find('.');
  auto second = token.find('.', first == std::string::npos ? first : first + 1);
  if (first == std::string::npos || second == std::string::npos) return std::nullopt;
  auto header = base64url_decode(std::string_view(token).substr(0, first));
  auto claims_text = base64url_decode(std::string_view(token).substr(first + 1, second - first - 1));
  auto signature = base64url_decode(std::string_view(token).substr(second + 1));
  if (!header || !claims_text || !signature) return std::nullopt;
  auto header_json = nlohmann::json::parse(*header, nullptr, false);
  if (!header_json.is_object() || header_json.value("alg", "") != "RS256") return std::nullopt;

  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool valid = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
               EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                                reinterpret_cast<const unsigned char*>(token.data()), second) == 1;
  EVP_MD_CTX_free(ctx);
  if (!valid) return std::nullopt;

  auto claims = nlohmann::json::parse(*claims_text, nullptr, false);
  if (!claims.is_object() || claims.value("iss", "") != kServiceAccountIssuer) return std::nullopt;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (!claims.contains("exp") || !claims["exp"].is_number() || claims["exp"].get<long long>() < now) return std::nullopt;
  auto info = claims.value("kubernetes.io", nlohmann::json::object());
  std::string ns = info.value("namespace", "");
  std::string name = info.value("serviceaccount", nlohmann::json::object()).value("name", "");
  if (ns.empty() || name.empty()) return std::nullopt;
  UserInfo user;
  user.name = "system:serviceaccount:" + ns + ":" + name;
  user.uid = info["serviceaccount"].value("uid", "");
  user.groups = {"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"};
  return user;
}

}  // namespace skiff::apiserver
