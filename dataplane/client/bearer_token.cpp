#include "skiff/client/bearer_token.h"

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

namespace skiff::client {

BearerTokenSource::BearerTokenSource(std::string static_token, std::string token_file,
                                     std::chrono::seconds reload_interval, const Clock& clock)
    : token_(std::move(static_token)), file_(std::move(token_file)), interval_(reload_interval), clock_(clock) {}

namespace {
std::string trim(std::string s) {
  auto ws = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && ws(s.back())) s.pop_back();
  size_t i = 0;
  while (i < s.size() && ws(s[i])) ++i;
  return s.substr(i);
}
}  // namespace

std::string BearerTokenSource::current() {
  std::lock_guard lock(mu_);
  if (file_.empty()) return token_;
  auto now = clock_.now();
  if (read_once_ && now < next_read_) return token_;
  std::ifstream in(file_);
  std::stringstream ss;
  if (in && (ss << in.rdbuf())) {
    std::string fresh = trim(ss.str());
    if (!fresh.empty()) token_ = std::move(fresh);
  } else {
    spdlog::warn("client: cannot read token file {}; keeping the previous token", file_);
  }
  read_once_ = true;
  next_read_ = now + interval_;
  return token_;
}

}  // namespace skiff::client
