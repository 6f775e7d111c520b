// An in-memory LbMaps: what the kernel maps would hold, for writer tests.
#pragma once
#include <map>
#include <vector>

#include "lb_maps.h"

namespace skiff::lb::testing {

struct KeyLess {
  bool operator()(const skiff_service_key& a, const skiff_service_key& b) const {
    return std::tie(a.addr, a.port, a.proto) < std::tie(b.addr, b.port, b.proto);
  }
};

class FakeLbMaps : public LbMaps {
 public:
  explicit FakeLbMaps(size_t slots, size_t max_services = SIZE_MAX)
      : slot_array(slots), max_services(max_services) {}

  Result<> put_service(const skiff_service_key& k, const skiff_service& v) override {
    ++writes;
    if (!services.contains(k) && services.size() >= max_services) return fail("map full", E2BIG);
    services[k] = v;
    return {};
  }
  Result<> delete_service(const skiff_service_key& k) override {
    ++writes;
    services.erase(k);
    return {};
  }
  Result<> put_backend(uint32_t id, const skiff_backend& v) override {
    ++writes;
    backends[id] = v;
    return {};
  }
  Result<> delete_backend(uint32_t id) override {
    ++writes;
    backends.erase(id);
    return {};
  }
  Result<> put_service_name(uint32_t id, std::string_view n) override {
    names[id] = std::string(n);
    return {};
  }
  Result<> delete_service_name(uint32_t id) override {
    names.erase(id);
    return {};
  }
  void reset_stats(uint32_t id) override { stats_resets.push_back(id); }
  void purge_affinity(const std::unordered_set<uint32_t>& ids) override {
    purged.insert(purged.end(), ids.begin(), ids.end());
  }
  std::span<uint32_t> slots() override { return slot_array; }
  void for_each_service(
      const std::function<void(const skiff_service_key&, const skiff_service&)>& fn) override {
    for (auto& [k, v] : services) fn(k, v);
  }
  void for_each_backend(const std::function<void(uint32_t, const skiff_backend&)>& fn) override {
    for (auto& [k, v] : backends) fn(k, v);
  }
  void for_each_service_name(const std::function<void(uint32_t, std::string_view)>& fn) override {
    for (auto& [k, v] : names) fn(k, v);
  }

  std::map<skiff_service_key, skiff_service, KeyLess> services;
  std::map<uint32_t, skiff_backend> backends;
  std::map<uint32_t, std::string> names;
  std::vector<uint32_t> slot_array;
  std::vector<uint32_t> stats_resets;
  std::vector<uint32_t> purged;
  size_t max_services;
  size_t writes = 0;
};

}  // namespace skiff::lb::testing
