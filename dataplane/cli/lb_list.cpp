#include "lb_list.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "kernel_lb_maps.h"
#include "skiff/bpf/abi.h"
#include "skiff/lb/frontends.h"

namespace skiff::cli {
namespace {

std::string flags_text(uint16_t f) {
  std::string kind = (f & SKIFF_SVC_F_NODEPORT) ? "NodePort" : (f & SKIFF_SVC_F_EXTERNAL) ? "External" : "ClusterIP";
  if (f & SKIFF_SVC_F_LOCAL) kind += ",Local";
  return kind;
}

const char* event_name(uint32_t ev) {
  static const char* names[] = {"no_backend_reject", "no_backend_drop", "malformed", "fragment",
                                "ct_create_failed",  "backend_missing", "reverse_nat"};
  return ev < sizeof(names) / sizeof(names[0]) ? names[ev] : "unknown";
}

struct Row {
  lb::L4Addr frontend;
  skiff_service svc;
  std::string name;
  std::vector<std::pair<lb::L4Addr, uint8_t>> backends;
  skiff_service_stats stats;
};

}  // namespace

int lb_list(const std::string& pin_root, bool json) {
  auto maps = lb::KernelLbMaps::open(pin_root.empty() ? SKIFF_PIN_ROOT : pin_root);
  if (!maps) {
    fmt::print(stderr, "skiff lb list: {}\n", maps.error().str());
    return 1;
  }
  auto& m = **maps;
  std::unordered_map<uint32_t, skiff_backend> backends;
  m.for_each_backend([&](uint32_t id, const skiff_backend& b) { backends.emplace(id, b); });
  std::unordered_map<uint32_t, std::string> names;
  m.for_each_service_name([&](uint32_t id, std::string_view n) { names.emplace(id, n); });

  std::vector<Row> rows;
  auto slots = m.slots();
  m.for_each_service([&](const skiff_service_key& k, const skiff_service& s) {
    Row r{.frontend = {k.addr, k.port, k.proto}, .svc = s, .name = names[s.id], .stats = m.service_stats(s.id)};
    std::set<uint32_t> ids;
    if (uint64_t(s.slot_offset) + s.slot_count <= slots.size())
      ids.insert(slots.begin() + s.slot_offset, slots.begin() + s.slot_offset + s.slot_count);
    for (uint32_t id : ids)
      if (auto b = backends.find(id); b != backends.end())
        r.backends.push_back({{b->second.addr, b->second.port, b->second.proto}, b->second.flags});
    rows.push_back(std::move(r));
  });
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.svc.id < b.svc.id; });
  auto events = m.events();

  if (json) {
    nlohmann::json out = {{"frontends", nlohmann::json::array()}, {"events", nlohmann::json::object()}};
    for (const auto& r : rows) {
      nlohmann::json bs = nlohmann::json::array();
      for (const auto& [b, flags] : r.backends)
        bs.push_back({{"address", b.str()},
                      {"local", (flags & SKIFF_BACKEND_F_LOCAL) != 0},
                      {"terminating", (flags & SKIFF_BACKEND_F_TERMINATING) != 0}});
      out["frontends"].push_back({{"id", r.svc.id},
                                  {"frontend", r.frontend.str()},
                                  {"service", r.name},
                                  {"type", flags_text(r.svc.flags)},
                                  {"flags", r.svc.flags},
                                  {"affinityTimeout", r.svc.affinity_timeout},
                                  {"maglevSize", r.svc.slot_count},
                                  {"backends", bs},
                                  {"packets", r.stats.packets},
                                  {"bytes", r.stats.bytes}});
    }
    for (uint32_t ev = 0; ev < events.size(); ++ev) out["events"][event_name(ev)] = events[ev];
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("{:<6} {:<24} {:<30} {:<16} {:>8} {:>12}  {}\n", "ID", "FRONTEND", "SERVICE", "TYPE",
             "PACKETS", "BYTES", "BACKENDS");
  for (const auto& r : rows) {
    std::string list;
    for (const auto& [b, flags] : r.backends) {
      if (!list.empty()) list += ", ";
      list += b.str();
      if (flags & SKIFF_BACKEND_F_TERMINATING) list += " (terminating)";
    }
    if (r.backends.empty()) list = (r.svc.flags & SKIFF_SVC_F_DROP_NO_BACKEND) ? "(none: drop)" : "(none: reject)";
    fmt::print("{:<6} {:<24} {:<30} {:<16} {:>8} {:>12}  {}\n", r.svc.id, r.frontend.str(), r.name,
               flags_text(r.svc.flags), r.stats.packets, r.stats.bytes, list);
  }
  std::string ev_line;
  for (uint32_t ev = 0; ev < events.size(); ++ev)
    if (events[ev]) ev_line += fmt::format("  {}={}", event_name(ev), events[ev]);
  if (!ev_line.empty()) fmt::print("events:{}\n", ev_line);
  return 0;
}

}  // namespace skiff::cli
