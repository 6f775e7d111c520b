#include "cni/lib/ipam.h"

#include <algorithm>
#include <unordered_set>

#include <spdlog/spdlog.h>

namespace skiff::cni {
namespace {

// The allocatable addresses of all ranges as one sequence, so round-robin can wrap across ranges.
struct Pool {
  const std::vector<Range>& ranges;

  template <class F>
  void for_each(F&& f) const {  // f(ip, range) -> bool continue
    for (const auto& r : ranges)
      for (uint64_t v = r.start.value; v <= r.end.value; ++v) {
        Ipv4 ip{static_cast<uint32_t>(v)};
        if (ip == r.gateway) continue;
        if (!f(ip, r)) return;
      }
  }
};

std::string describe(const std::vector<Range>& ranges) {
  std::string out;
  for (const auto& r : ranges) out += (out.empty() ? "" : ", ") + r.subnet.str();
  return out;
}

}  // namespace

Result<Ipam> Ipam::open(std::vector<Range> ranges, std::string dir) {
  auto store = LeaseStore::open(std::move(dir));
  if (!store) return std::unexpected(store.error());
  return Ipam(std::move(ranges), std::move(*store));
}

size_t Ipam::pool_size() const {
  size_t n = 0;
  Pool{ranges_}.for_each([&](Ipv4, const Range&) { return ++n, true; });
  return n;
}

const Range* Ipam::range_of(Ipv4 ip) const {
  for (const auto& r : ranges_)
    if (r.subnet.contains(ip)) return &r;
  return nullptr;
}

Result<Allocation> Ipam::allocate(const std::string& container_id, const std::string& ifname) {
  auto lock = store_.lock();
  if (!lock) return std::unexpected(lock.error());
  store_.sweep_temporaries();
  auto leases = store_.list();
  if (!leases) return std::unexpected(leases.error());

  std::unordered_set<uint32_t> taken;
  for (const auto& l : *leases) {
    if (!l.corrupt && l.container_id == container_id && l.ifname == ifname) {
      if (const Range* r = range_of(l.ip)) return Allocation{l, *r, false};
      // Leased from a range no longer configured: let it go and allocate anew.
      spdlog::warn("releasing lease {} of {}/{}: outside the configured ranges", l.ip.str(), container_id, ifname);
      if (auto s = store_.remove(l.ip); !s) return std::unexpected(s.error());
      continue;
    }
    if (l.corrupt) spdlog::warn("lease file {}/{} is unreadable; treating the address as taken", store_.dir(), l.ip.str());
    taken.insert(l.ip.value);
  }

  // Start after the last address handed out so a freed address is not reused at once.
  std::optional<Ipv4> last = store_.last_reserved();
  bool passed_last = !last.has_value();
  std::optional<std::pair<Ipv4, const Range*>> first_free, chosen;
  Pool{ranges_}.for_each([&](Ipv4 ip, const Range& r) {
    bool free = !taken.contains(ip.value);
    if (free && !first_free) first_free = {ip, &r};
    if (passed_last && free) {
      chosen = {ip, &r};
      return false;
    }
    if (last && ip == *last) passed_last = true;
    return true;
  });
  if (!chosen) chosen = first_free;  // wrap around
  if (!chosen)
    return fail(ErrorCode::kTryAgainLater,
                "no free address in " + describe(ranges_) + ": all " + std::to_string(pool_size()) +
                    " pod addresses are leased",
                "addresses return when pods are deleted; a larger podCIDR gives more");

  Lease lease{chosen->first, container_id, ifname, false};
  auto created = store_.create(lease);
  if (!created) return std::unexpected(created.error());
  if (!*created)  // only possible if someone wrote the store without the lock
    return fail(ErrorCode::kTryAgainLater, "address " + lease.ip.str() + " was leased concurrently");
  if (auto s = store_.set_last_reserved(lease.ip); !s)
    spdlog::warn("cannot record last reserved address: {}", s.error().msg);  // only affects round-robin
  return Allocation{lease, *chosen->second, true};
}

Result<std::optional<Lease>> Ipam::find(const std::string& container_id, const std::string& ifname) const {
  auto lock = store_.lock();
  if (!lock) return std::unexpected(lock.error());
  auto leases = store_.list();
  if (!leases) return std::unexpected(leases.error());
  for (const auto& l : *leases)
    if (!l.corrupt && l.container_id == container_id && l.ifname == ifname) return std::optional<Lease>{l};
  return std::optional<Lease>{};
}

Result<std::vector<Lease>> Ipam::release(const std::string& container_id, const std::string& ifname) {
  auto lock = store_.lock();
  if (!lock) return std::unexpected(lock.error());
  store_.sweep_temporaries();
  auto leases = store_.list();
  if (!leases) return std::unexpected(leases.error());
  std::vector<Lease> released;
  for (const auto& l : *leases) {
    if (l.corrupt || l.container_id != container_id || l.ifname != ifname) continue;
    if (auto s = store_.remove(l.ip); !s) return std::unexpected(s.error());
    released.push_back(l);
  }
  return released;
}

Result<std::vector<Lease>> Ipam::gc(const std::vector<Attachment>& valid) {
  auto lock = store_.lock();
  if (!lock) return std::unexpected(lock.error());
  store_.sweep_temporaries();
  auto leases = store_.list();
  if (!leases) return std::unexpected(leases.error());
  std::vector<Lease> released;
  for (const auto& l : *leases) {
    bool keep = !l.corrupt && std::ranges::find(valid, Attachment{l.container_id, l.ifname}) != valid.end();
    if (keep) continue;
    if (auto s = store_.remove(l.ip); !s) return std::unexpected(s.error());
    released.push_back(l);
  }
  return released;
}

Result<size_t> Ipam::free_count() const {
  auto lock = store_.lock();
  if (!lock) return std::unexpected(lock.error());
  auto leases = store_.list();
  if (!leases) return std::unexpected(leases.error());
  std::unordered_set<uint32_t> taken;
  for (const auto& l : *leases) taken.insert(l.ip.value);
  size_t free = 0;
  Pool{ranges_}.for_each([&](Ipv4 ip, const Range&) { return free += !taken.contains(ip.value), true; });
  return free;
}

}  // namespace skiff::cni
