// The Lease as the leader election record's home, and MicroTime formatting.
#include <cctype>
#include <ctime>
#include <cstdio>

#include "skiff/client/leader_election.h"

namespace skiff::client {

std::string format_micro_time(std::chrono::system_clock::time_point t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  long frac = static_cast<long>(us % 1'000'000);
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_micro_time(const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  size_t i = static_cast<size_t>(consumed);
  int64_t micros = 0;
  if (i < text.size() && text[i] == '.') {
    int digits = 0;
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
      if (digits < 6) micros = micros * 10 + (text[i] - '0');
    }
    for (; digits < 6; ++digits) micros *= 10;
  }
  int64_t offset = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int hh = 0, mm = 0;
    if (std::sscanf(text.c_str() + i + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
    offset = (hh * 3600 + mm * 60) * (text[i] == '+' ? 1 : -1);
  } else if (i >= text.size() || (text[i] != 'Z' && text[i] != 'z')) {
    return std::nullopt;
  }
  std::time_t secs = timegm(&tm) - offset;
  return std::chrono::system_clock::time_point(std::chrono::seconds(secs)) + std::chrono::microseconds(micros);
}

nlohmann::json lease_spec(const LeaderElectionRecord& r) {
  nlohmann::json spec = {{"holderIdentity", r.holder_identity},
                         {"leaseDurationSeconds", r.lease_duration_seconds},
                         {"leaseTransitions", r.lease_transitions}};
  if (r.acquire_time) spec["acquireTime"] = format_micro_time(*r.acquire_time);
  if (r.renew_time) spec["renewTime"] = format_micro_time(*r.renew_time);
  return spec;
}

LeaderElectionRecord record_from_lease(const nlohmann::json& lease) {
  LeaderElectionRecord r;
  auto spec = lease.find("spec");
  if (spec == lease.end() || !spec->is_object()) return r;
  auto str = [&](const char* k) {
    auto it = spec->find(k);
    return it != spec->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto num = [&](const char* k) {
    auto it = spec->find(k);
    return it != spec->end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  r.holder_identity = str("holderIdentity");
  r.lease_duration_seconds = num("leaseDurationSeconds");
  r.lease_transitions = num("leaseTransitions");
  if (auto t = str("acquireTime"); !t.empty()) r.acquire_time = parse_micro_time(t);
  if (auto t = str("renewTime"); !t.empty()) r.renew_time = parse_micro_time(t);
  return r;
}

ApiLeaseLock::ApiLeaseLock(Client& client, std::string namespace_, std::string name)
    : client_(client), namespace_(std::move(namespace_)), name_(std::move(name)) {}

ApiResult<LeaderElectionRecord> ApiLeaseLock::get() {
  auto lease = client_.get({resources::leases(), namespace_, name_, ""});
  if (!lease) return std::unexpected(lease.error());
  std::lock_guard lock(mu_);
  last_ = std::move(*lease);
  return record_from_lease(last_);
}

ApiResult<void> ApiLeaseLock::create(const LeaderElectionRecord& record) {
  nlohmann::json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                          {"kind", "Lease"},
                          {"metadata", {{"name", name_}, {"namespace", namespace_}}},
                          {"spec", lease_spec(record)}};
  auto created = client_.create({resources::leases(), namespace_, "", ""}, lease);
  if (!created) return std::unexpected(created.error());
  std::lock_guard lock(mu_);
  last_ = std::move(*created);
  return {};
}

ApiResult<void> ApiLeaseLock::update(const LeaderElectionRecord& record) {
  nlohmann::json lease;
  {
    std::lock_guard lock(mu_);
    if (last_.is_null()) return api_fail(0, "NotInitialized", "lease " + describe() + " must be read before it is updated");
    lease = last_;  // carries metadata.resourceVersion: the update is conditional on it
  }
  lease["spec"] = lease_spec(record);
  auto updated = client_.update({resources::leases(), namespace_, name_, ""}, lease);
  if (!updated) return std::unexpected(updated.error());
  std::lock_guard lock(mu_);
  last_ = std::move(*updated);
  return {};
}

}  // namespace skiff::client
