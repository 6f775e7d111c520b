#include "lb_controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace skiff::agent {

LbController::LbController(kube::ObjectCache& cache, lb::LbMapWriter& writer, lb::NodeInfo node)
    : writer_(writer), node_(std::move(node)) {
  cache.subscribe([this](const kube::ObjectCache& c, const std::vector<kube::ObjectEvent>& events) {
    on_events(c, events);
  });
}

void LbController::sync_service(const kube::ObjectCache& cache, const std::string& key) {
  std::vector<lb::FrontendState> frontends;
  if (const kube::Service* svc = cache.service(key)) {
    auto slices = cache.slices_of(key);
    auto computed = lb::compute_frontends(*svc, slices, node_);
    for (const auto& p : computed.problems) spdlog::warn("{}", p.str());
    frontends = std::move(computed.frontends);
    std::erase_if(frontends, [&](const lb::FrontendState& f) {
      return std::find(local_.begin(), local_.end(), f.key) != local_.end();
    });
  }
  auto report = writer_.apply(key, frontends);
  for (const auto& e : report.errors) spdlog::error("service {}: {}", key, e);
  stats_.errors += report.errors.size();
  ++stats_.services_applied;
}

void LbController::on_events(const kube::ObjectCache& cache,
                             const std::vector<kube::ObjectEvent>& events) {
  if (!cache.synced()) return;  // never act on a partial view: it would delete live services
  auto start = std::chrono::steady_clock::now();
  if (!initial_sync_done_) {
    std::set<std::string> live;
    for (const auto& [key, svc] : cache.services()) {
      sync_service(cache, key);
      live.insert(key);
    }
    writer_.remove_services_except(live);
    initial_sync_done_ = true;
    spdlog::info("load balancer synced: {} services, {} frontends, {} backends", live.size(),
                 writer_.frontend_count(), writer_.backend_count());
  } else {
    std::set<std::string> dirty;
    for (const auto& e : events) {
      if (e.kind == kube::Kind::Service) dirty.insert(e.key);
      if (e.kind == kube::Kind::EndpointSlice && !e.service_key.empty()) dirty.insert(e.service_key);
    }
    for (const auto& key : dirty) sync_service(cache, key);
  }
  ++stats_.syncs;
  stats_.last_sync_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace skiff::agent
