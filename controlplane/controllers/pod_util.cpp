#include "controllers/pod_util.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "controllers/object_util.h"

namespace skiff::controllers {

std::string pod_phase(const Json& pod) { return str(path(pod, {"status", "phase"}), "Pending"); }

bool pod_active(const Json& pod) {
  std::string phase = pod_phase(pod);
  return phase != "Succeeded" && phase != "Failed" && !being_deleted(pod);
}

bool pod_ready(const Json& pod) {
  const Json* c = find_condition(field(pod, "status"), "Ready");
  return c && str(field(*c, "status")) == "True";
}

std::optional<Time> pod_ready_since(const Json& pod) {
  const Json* c = find_condition(field(pod, "status"), "Ready");
  if (!c || str(field(*c, "status")) != "True") return std::nullopt;
  return parse_time(str(field(*c, "lastTransitionTime")));
}

bool pod_available(const Json& pod, int64_t min_ready_seconds, Time now) {
  if (!pod_ready(pod)) return false;
  if (min_ready_seconds <= 0) return true;
  auto since = pod_ready_since(pod);
  return since && *since + std::chrono::seconds(min_ready_seconds) < now;
}

int64_t pod_max_restarts(const Json& pod) {
  int64_t m = 0;
  const Json& statuses = path(pod, {"status", "containerStatuses"});
  if (statuses.is_array())
    for (const auto& s : statuses) m = std::max(m, integer(field(s, "restartCount"), 0));
  return m;
}

namespace {
int phase_ordinal(const Json& pod) {
  std::string p = pod_phase(pod);
  if (p == "Pending") return 0;
  if (p == "Unknown") return 1;
  if (p == "Running") return 2;
  return 3;
}

int64_t deletion_cost(const Json& pod) {
  std::string v = annotation(pod, "controller.kubernetes.io/pod-deletion-cost");
  if (v.empty()) return 0;
  try {
    return std::stoll(v);
  } catch (...) {
    return 0;
  }
}

// int(log2(now - t)) in nanoseconds, -1 when t is not in the past.
int log_rank(Time t, Time now) {
  auto d = now - t;
  if (d.count() <= 0) return -1;
  return static_cast<int>(std::log2(static_cast<double>(d.count()) * 1e9));
}

// afterOrZero: true when t1 is after t2 or t1 is unset.
bool after_or_zero(std::optional<Time> t1, std::optional<Time> t2) {
  if (!t1 || !t2) return !t1;
  return *t1 > *t2;
}
}  // namespace

void sort_pods_for_deletion(std::vector<const Json*>& pods, const std::vector<int>& ranks, Time now) {
  std::vector<std::size_t> order(pods.size());
  std::iota(order.begin(), order.end(), 0);
  auto less = [&](std::size_t i, std::size_t j) {
    const Json& a = *pods[i];
    const Json& b = *pods[j];
    std::string na = str(path(a, {"spec", "nodeName"})), nb = str(path(b, {"spec", "nodeName"}));
    if (na.empty() != nb.empty()) return na.empty();
    int pa = phase_ordinal(a), pb = phase_ordinal(b);
    if (pa != pb) return pa < pb;
    bool ra = pod_ready(a), rb = pod_ready(b);
    if (ra != rb) return !ra;
    int64_t ca = deletion_cost(a), cb = deletion_cost(b);
    if (ca != cb) return ca < cb;
    if (ranks[i] != ranks[j]) return ranks[i] > ranks[j];
    if (ra && rb) {
      auto ta = pod_ready_since(a), tb = pod_ready_since(b);
      if (ta != tb) {
        if (!ta || !tb) return after_or_zero(ta, tb);
        int diff = log_rank(*ta, now) - log_rank(*tb, now);
        if (diff != 0) return diff < 0;
        return uid_of(a) < uid_of(b);
      }
    }
    int64_t xa = pod_max_restarts(a), xb = pod_max_restarts(b);
    if (xa != xb) return xa > xb;
    auto ta = creation_time(a), tb = creation_time(b);
    if (ta != tb) {
      if (!ta || !tb) return after_or_zero(ta, tb);
      int diff = log_rank(*ta, now) - log_rank(*tb, now);
      if (diff != 0) return diff < 0;
      return uid_of(a) < uid_of(b);
    }
    return false;
  };
  std::stable_sort(order.begin(), order.end(), less);
  std::vector<const Json*> sorted;
  sorted.reserve(pods.size());
  for (auto i : order) sorted.push_back(pods[i]);
  pods = std::move(sorted);
}

}  // namespace skiff::controllers
