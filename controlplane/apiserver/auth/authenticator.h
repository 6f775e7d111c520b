// Request authentication, in kube's order: a verified client certificate
// (done by the TLS layer), a bearer token from the static token file
// (--token-auth-file, CSV: token,user,uid,"group1,group2"), or a
// ServiceAccount token signed by this server. Anything else is anonymous.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "auth/service_account_tokens.h"
#include "auth/user_info.h"
#include "http/http_types.h"
#include "skiff/util/result.h"

namespace skiff::apiserver {

struct Authentication {
  enum class Outcome { Authenticated, Anonymous, Rejected } outcome = Outcome::Anonymous;
  UserInfo user;
};

class Authenticator {
 public:
  Authenticator(std::unordered_map<std::string, UserInfo> static_tokens,
                std::shared_ptr<const ServiceAccountTokens> service_account_tokens);

  // Parses a kube static token file.
  static Result<std::unordered_map<std::string, UserInfo>> load_token_file(const std::string& path);

  // `request.user` already set by the TLS layer wins; a bearer token that no
  // authenticator accepts is Rejected (401), no credentials is Anonymous.
  Authentication authenticate(const HttpRequest& request) const;

 private:
  std::unordered_map<std::string, UserInfo> static_tokens_;
  std::shared_ptr<const ServiceAccountTokens> service_account_tokens_;
};

}  // namespace skiff::apiserver
