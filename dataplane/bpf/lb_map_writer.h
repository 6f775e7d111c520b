// Applies the desired frontends of one Service to the maps, touching only what
// changed. Owns the allocation of service ids, backend ids and Maglev slot
// ranges. After an agent restart it adopts what the pinned maps hold, keeping
// backend ids (which conntrack entries name) and unchanged tables as they are.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "id_allocator.h"
#include "lb_maps.h"
#include "skiff/lb/frontends.h"
#include "slot_allocator.h"

namespace skiff::lb {

struct WriterOptions {
  uint32_t maglev_max = 16381;
};

struct ApplyReport {
  uint32_t frontends_written = 0;  // service entries created or repointed
  uint32_t frontends_deleted = 0;
  uint32_t slots_written = 0;
  std::vector<std::string> errors;  // e.g. a full map: "10.96.0.1:80/tcp (default/web): Maglev slot array full"
};

class LbMapWriter {
 public:
  LbMapWriter(LbMaps& maps, WriterOptions options);

  // Reads the maps as a previous agent left them. Call before the first apply().
  void adopt();
  // Replaces the frontends of `service_key` ("ns/name") with `desired`
  // (empty: the service is gone).
  ApplyReport apply(const std::string& service_key, const std::vector<FrontendState>& desired);
  // After the first full sync: removes what an earlier agent installed for
  // services that no longer exist.
  ApplyReport remove_services_except(const std::set<std::string>& live_service_keys);

  size_t frontend_count() const { return frontends_.size(); }
  size_t backend_count() const { return backends_.size(); }
  uint64_t slots_in_use() const { return slots_.in_use(); }

 private:
  struct Installed {
    FrontendState state;  // as applied (active/draining as the maps hold them)
    uint32_t service_id = 0;
    uint32_t slot_offset = 0;
    uint32_t slot_count = 0;
  };
  struct BackendRef {
    uint32_t id = 0;
    uint32_t refs = 0;
    uint8_t flags = 0;  // SKIFF_BACKEND_F_* as written
  };
  struct L4Hash {
    size_t operator()(const L4Addr& a) const {
      return (uint64_t(a.addr_be) << 24) ^ (uint64_t(a.port_be) << 8) ^ a.proto;
    }
  };

  Result<> install(const FrontendState& desired, Installed* current, ApplyReport& report);
  void uninstall(const L4Addr& key, ApplyReport& report);
  std::optional<uint32_t> acquire_backend(const BackendState& backend, ApplyReport& report);
  void release_backends(const FrontendState& state, std::unordered_set<uint32_t>& gone);
  void finish_releases(std::unordered_set<uint32_t>& gone, bool purge_affinity);
  bool same_table(const Installed& current, const FrontendState& desired) const;

  LbMaps& maps_;
  WriterOptions options_;
  SlotAllocator slots_;
  IdAllocator service_ids_;
  IdAllocator backend_ids_;
  std::map<L4Addr, Installed> frontends_;
  std::map<std::string, std::vector<L4Addr>> by_service_;
  std::unordered_map<L4Addr, BackendRef, L4Hash> backends_;
};

}  // namespace skiff::lb
