#include "auth/authenticator.h"

#include <fstream>

namespace skiff::apiserver {
namespace {

// One CSV record; quoted fields may hold commas ("g1,g2").
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      fields.emplace_back();
    else
      fields.back().push_back(c);
  }
  return fields;
}

std::string trim(std::string s) {
  auto begin = s.find_first_not_of(" \t\r");
  auto end = s.find_last_not_of(" \t\r");
  return begin == std::string::npos ? "" : s.substr(begin, end - begin + 1);
}

}  // namespace

Authenticator::Authenticator(std::unordered_map<std::string, UserInfo> static_tokens,
                             std::shared_ptr<const ServiceAccountTokens> service_account_tokens)
    : static_tokens_(std::move(static_tokens)), service_account_tokens_(std::move(service_account_tokens)) {}

Result<std::unordered_map<std::string, UserInfo>> Authenticator::load_token_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail_errno("open token file " + path);
  std::unordered_map<std::string, UserInfo> tokens;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    auto fields = split_csv(line);
    if (fields.size() < 3)
      return fail(path + ":" + std::to_string(number) + ": want token,user,uid[,\"group1,group2\"]");
    UserInfo user{trim(fields[1]), trim(fields[2]), {}};
    if (fields.size() > 3) {
      std::string groups = fields[3];
      std::size_t start = 0;
      while (start <= groups.size()) {
        auto comma = groups.find(',', start);
        auto group = trim(groups.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!group.empty()) user.groups.push_back(group);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    user.groups.push_back("system:authenticated");
    tokens[trim(fields[0])] = std::move(user);
  }
  return tokens;
}

Authentication Authenticator::authenticate(const HttpRequest& request) const {
  if (request.user.authenticated()) return {Authentication::Outcome::Authenticated, request.user};
  std::string authorization = request.header("authorization");
  if (authorization.empty()) return {Authentication::Outcome::Anonymous, {"system:anonymous", "", {"system:unauthenticated"}}};
  constexpr std::string_view bearer = "Bearer ";
  if (authorization.size() <= bearer.size() || !std::string_view(authorization).substr(0, bearer.size()).starts_with("Bearer"))
    return {Authentication::Outcome::Rejected, {}};
  std::string token = trim(authorization.substr(bearer.size()));
  if (auto it = static_tokens_.find(token); it != static_tokens_.end())
    return {Authentication::Outcome::Authenticated, it->second};
  if (service_account_tokens_)
    if (auto user = service_account_tokens_->verify(token)) return {Authentication::Outcome::Authenticated, *user};
  return {Authentication::Outcome::Rejected, {}};
}

}  // namespace skiff::apiserver
