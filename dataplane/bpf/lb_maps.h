// The load balancer's kernel maps as the writer sees them. KernelLbMaps backs
// it with the pinned BPF maps; unit tests back it with plain containers.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>

#include "skiff/bpf/backend_map.h"
#include "skiff/bpf/service_map.h"
#include "skiff/util/result.h"

namespace skiff::lb {

class LbMaps {
 public:
  virtual ~LbMaps() = default;

  virtual Result<> put_service(const skiff_service_key&, const skiff_service&) = 0;
  virtual Result<> delete_service(const skiff_service_key&) = 0;
  virtual Result<> put_backend(uint32_t id, const skiff_backend&) = 0;
  virtual Result<> delete_backend(uint32_t id) = 0;
  // "ns/name:port" of a service id, for `skiff lb list`.
  virtual Result<> put_service_name(uint32_t id, std::string_view name) = 0;
  virtual Result<> delete_service_name(uint32_t id) = 0;
  // Zeroes a service id's counters before the id is given to a new frontend.
  virtual void reset_stats(uint32_t id) = 0;
  // Drops ClientIP affinity entries that point at these backends.
  virtual void purge_affinity(const std::unordered_set<uint32_t>& backend_ids) = 0;

  // The Maglev slot array, written in place (a shared memory mapping).
  virtual std::span<uint32_t> slots() = 0;

  // What the maps hold now (an agent restart adopts it).
  virtual void for_each_service(
      const std::function<void(const skiff_service_key&, const skiff_service&)>&) = 0;
  virtual void for_each_backend(const std::function<void(uint32_t, const skiff_backend&)>&) = 0;
  virtual void for_each_service_name(
      const std::function<void(uint32_t, std::string_view)>&) = 0;
};

}  // namespace skiff::lb
