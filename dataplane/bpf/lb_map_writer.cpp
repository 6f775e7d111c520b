#include "lb_map_writer.h"

#include <algorithm>
#include <unordered_map>

#include "skiff/bpf/service_map.h"
#include "skiff/lb/maglev.h"

namespace skiff::lb {
namespace {

std::string frontend_name(const FrontendState& f) { return f.service + ":" + f.port_name; }

uint8_t backend_flags(const BackendState& b) {
  return (b.local ? SKIFF_BACKEND_F_LOCAL : 0) | (b.terminating ? SKIFF_BACKEND_F_TERMINATING : 0);
}

skiff_service_key to_key(const L4Addr& a) {
  return skiff_service_key{.addr = a.addr_be, .port = a.port_be, .proto = a.proto, .pad = 0};
}

bool same_addrs(const std::vector<BackendState>& a, const std::vector<BackendState>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const BackendState& x, const BackendState& y) { return x.addr == y.addr; });
}

}  // namespace

LbMapWriter::LbMapWriter(LbMaps& maps, WriterOptions options)
    : maps_(maps),
      options_(options),
      slots_(static_cast<uint32_t>(maps.slots().size())),
      service_ids_(SKIFF_SERVICES_MAX),
      backend_ids_(SKIFF_BACKENDS_MAX) {}

void LbMapWriter::adopt() {
  std::unordered_map<uint32_t, std::string> names;
  maps_.for_each_service_name([&](uint32_t id, std::string_view name) { names.emplace(id, name); });

  std::unordered_map<uint32_t, BackendState> by_id;
  maps_.for_each_backend([&](uint32_t id, const skiff_backend& b) {
    if (b.addr == 0) return;
    BackendState state{.addr = {b.addr, b.port, b.proto},
                       .local = (b.flags & SKIFF_BACKEND_F_LOCAL) != 0,
                       .terminating = (b.flags & SKIFF_BACKEND_F_TERMINATING) != 0};
    by_id.emplace(id, state);
    backends_[state.addr] = BackendRef{.id = id, .refs = 0, .flags = b.flags};
    backend_ids_.mark_used(id);
  });

  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  auto slots = maps_.slots();
  maps_.for_each_service([&](const skiff_service_key& k, const skiff_service& s) {
    Installed in{.service_id = s.id, .slot_offset = s.slot_offset, .slot_count = s.slot_count};
    in.state.key = {k.addr, k.port, k.proto};
    std::string name = names.contains(s.id) ? names[s.id] : std::string();
    auto colon = name.find(':');
    in.state.service = name.substr(0, colon);
    in.state.port_name = colon == std::string::npos ? "" : name.substr(colon + 1);
    in.state.flags = s.flags;
    in.state.affinity_timeout = s.affinity_timeout;
    if (uint64_t(s.slot_offset) + s.slot_count <= slots.size()) {
      std::set<uint32_t> ids(slots.begin() + s.slot_offset, slots.begin() + s.slot_offset + s.slot_count);
      for (uint32_t id : ids) {
        if (auto b = by_id.find(id); b != by_id.end()) {
          in.state.active.push_back(b->second);
          ++backends_[b->second.addr].refs;
        }
      }
      std::sort(in.state.active.begin(), in.state.active.end());
      if (s.slot_count) ranges.emplace_back(s.slot_offset, s.slot_count);
    }
    service_ids_.mark_used(s.id);
    by_service_[in.state.service].push_back(in.state.key);
    frontends_[in.state.key] = std::move(in);
  });
  slots_.adopt(std::move(ranges));
}

bool LbMapWriter::same_table(const Installed& cur, const FrontendState& d) const {
  uint32_t m = d.active.empty() ? 0 : maglev_table_size(d.active.size(), options_.maglev_max);
  return cur.slot_count == m && cur.state.flags == d.flags &&
         cur.state.affinity_timeout == d.affinity_timeout && same_addrs(cur.state.active, d.active);
}

std::optional<uint32_t> LbMapWriter::acquire_backend(const BackendState& b, ApplyReport& report) {
  auto [it, fresh] = backends_.try_emplace(b.addr);
  BackendRef& ref = it->second;
  const skiff_backend value{.addr = b.addr.addr_be, .port = b.addr.port_be, .proto = b.addr.proto,
                            .flags = backend_flags(b)};
  if (fresh) {
    auto id = backend_ids_.allocate();
    if (!id) {
      backends_.erase(it);
      report.errors.push_back(b.addr.str() + ": backend map full");
      return std::nullopt;
    }
    ref.id = *id;
  }
  // Written when fresh, or when its local/terminating flags changed.
  if (fresh || ref.flags != value.flags) {
    if (auto r = maps_.put_backend(ref.id, value); !r) {
      if (fresh) {
        backend_ids_.release(ref.id);
        backends_.erase(it);
      }
      report.errors.push_back(b.addr.str() + ": " + r.error().str());
      return std::nullopt;
    }
    ref.flags = value.flags;
  }
  ++ref.refs;
  return ref.id;
}

void LbMapWriter::release_backends(const FrontendState& state, std::unordered_set<uint32_t>& gone) {
  auto release = [&](const BackendState& b) {
    auto it = backends_.find(b.addr);
    if (it == backends_.end() || --it->second.refs > 0) return;
    gone.insert(it->second.id);
    maps_.delete_backend(it->second.id);
    backend_ids_.release(it->second.id);
    backends_.erase(it);
  };
  std::for_each(state.active.begin(), state.active.end(), release);
  std::for_each(state.draining.begin(), state.draining.end(), release);
}

Result<> LbMapWriter::install(const FrontendState& d, Installed* cur, ApplyReport& report) {
  const std::string where = d.key.str() + " (" + frontend_name(d) + ")";
  // Take references first: backends shared with the old table keep their ids.
  std::vector<uint32_t> ids;
  ids.reserve(d.active.size());
  FrontendState held = d;  // what we actually hold references for
  held.active.clear();
  held.draining.clear();
  for (const auto& b : d.active) {
    if (auto id = acquire_backend(b, report)) {
      ids.push_back(*id);
      held.active.push_back(b);
    }
  }
  for (const auto& b : d.draining)
    if (acquire_backend(b, report)) held.draining.push_back(b);

  Installed next{.state = held};
  std::unordered_set<uint32_t> gone;
  if (cur && same_table(*cur, held)) {
    next.service_id = cur->service_id;
    next.slot_offset = cur->slot_offset;
    next.slot_count = cur->slot_count;
  } else {
    if (!held.active.empty()) {
      uint32_t m = maglev_table_size(held.active.size(), options_.maglev_max);
      auto off = slots_.allocate(m);
      if (!off) {
        release_backends(held, gone);
        finish_releases(gone, false);
        return fail(where + ": Maglev slot array full (" + std::to_string(slots_.capacity()) +
                    " slots); raise --maglev-slots", E2BIG);
      }
      auto table = maglev_table(held.active, m);
      auto slots = maps_.slots().subspan(*off, m);
      for (uint32_t i = 0; i < m; ++i) slots[i] = ids[table[i]];
      report.slots_written += m;
      next.slot_offset = *off;
      next.slot_count = m;
    }
    if (cur) {
      next.service_id = cur->service_id;
    } else if (auto id = service_ids_.allocate()) {
      next.service_id = *id;
    } else {
      if (next.slot_count) slots_.release(next.slot_offset, next.slot_count);
      release_backends(held, gone);
      finish_releases(gone, false);
      return fail(where + ": service id space exhausted", E2BIG);
    }
    const skiff_service value{.id = next.service_id, .slot_offset = next.slot_offset,
                              .slot_count = next.slot_count,
                              .affinity_timeout = held.affinity_timeout, .flags = held.flags};
    if (!cur) maps_.reset_stats(next.service_id);
    if (auto r = maps_.put_service(to_key(held.key), value); !r) {
      if (next.slot_count) slots_.release(next.slot_offset, next.slot_count);
      if (!cur) service_ids_.release(next.service_id);
      release_backends(held, gone);
      finish_releases(gone, false);
      return fail(where + ": " + r.error().message, r.error().code);
    }
    if (!cur || frontend_name(cur->state) != frontend_name(held))
      maps_.put_service_name(next.service_id, frontend_name(held));
    ++report.frontends_written;
    if (cur && cur->slot_count) slots_.release(cur->slot_offset, cur->slot_count);
  }

  bool purge = false;
  if (cur) {
    // Affinity entries pointing at backends this frontend no longer uses must go.
    if (cur->state.affinity_timeout) {
      for (const auto& b : cur->state.active)
        if (!std::binary_search(held.active.begin(), held.active.end(), b)) {
          gone.insert(backends_.contains(b.addr) ? backends_[b.addr].id : 0);
          purge = true;
        }
    }
    release_backends(cur->state, gone);
  }
  frontends_[held.key] = std::move(next);
  finish_releases(gone, purge);
  return {};
}

void LbMapWriter::finish_releases(std::unordered_set<uint32_t>& gone, bool purge_affinity) {
  gone.erase(0);
  if (purge_affinity && !gone.empty()) maps_.purge_affinity(gone);
}

void LbMapWriter::uninstall(const L4Addr& key, ApplyReport& report) {
  auto it = frontends_.find(key);
  if (it == frontends_.end()) return;
  Installed& cur = it->second;
  maps_.delete_service(to_key(key));
  maps_.delete_service_name(cur.service_id);
  if (cur.slot_count) slots_.release(cur.slot_offset, cur.slot_count);
  service_ids_.release(cur.service_id);
  std::unordered_set<uint32_t> gone;
  release_backends(cur.state, gone);
  finish_releases(gone, cur.state.affinity_timeout != 0);
  frontends_.erase(it);
  ++report.frontends_deleted;
}

ApplyReport LbMapWriter::apply(const std::string& service_key,
                               const std::vector<FrontendState>& desired) {
  ApplyReport report;
  std::vector<L4Addr> kept;
  for (const auto& d : desired) {
    auto it = frontends_.find(d.key);
    Installed* cur = it == frontends_.end() ? nullptr : &it->second;
    if (cur && cur->state.service != service_key) {
      report.errors.push_back(d.key.str() + " (" + frontend_name(d) + "): frontend already used by " +
                              frontend_name(cur->state));
      continue;
    }
    if (cur && cur->state == d) {
      kept.push_back(d.key);
      continue;
    }
    if (auto r = install(d, cur, report); !r)
      report.errors.push_back(r.error().str());
    else
      kept.push_back(d.key);
  }
  auto& keys = by_service_[service_key];
  for (const auto& k : keys)
    if (std::find(kept.begin(), kept.end(), k) == kept.end()) uninstall(k, report);
  if (kept.empty())
    by_service_.erase(service_key);
  else
    keys = std::move(kept);
  return report;
}

ApplyReport LbMapWriter::remove_services_except(const std::set<std::string>& live) {
  ApplyReport report;
  std::vector<std::string> stale;
  for (const auto& [service, keys] : by_service_)
    if (!live.contains(service)) stale.push_back(service);
  for (const auto& service : stale) {
    auto r = apply(service, {});
    report.frontends_deleted += r.frontends_deleted;
  }
  // Backends adopted from the maps that no frontend references any more.
  for (auto it = backends_.begin(); it != backends_.end();) {
    if (it->second.refs == 0) {
      maps_.delete_backend(it->second.id);
      backend_ids_.release(it->second.id);
      it = backends_.erase(it);
    } else {
      ++it;
    }
  }
  return report;
}

}  // namespace skiff::lb
