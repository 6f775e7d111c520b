// ServiceAccount tokens: JWTs (RS256) signed with the server's key, in the
// claim layout of kube's bound tokens (iss, sub, aud, exp, kubernetes.io).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "auth/user_info.h"
#include "skiff/util/result.h"

namespace skiff::apiserver {

inline constexpr const char* kServiceAccountIssuer = "https://kubernetes.default.svc.cluster.local";

class ServiceAccountTokens {
 public:
  // From the PEM private key (DATA_DIR/pki/sa.key).
  static Result<std::shared_ptr<ServiceAccountTokens>> from_key_file(const std::string& path);
  ~ServiceAccountTokens();

  std::string issue(const std::string& namespace_name, const std::string& service_account,
                    const std::string& service_account_uid, std::chrono::seconds lifetime) const;
  // The user a valid, unexpired token of ours names; nullopt otherwise.
  std::optional<UserInfo> verify(const std::string& token) const;

 private:
  struct Key;
  explicit ServiceAccountTokens(std::unique_ptr<Key> key);
  std::unique_ptr<Key> key_;
};

std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view data);

}  // namespace skiff::apiserver
