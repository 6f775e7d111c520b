// LbMaps over the pinned BPF maps under a pin root (default SKIFF_PIN_ROOT).
// The BPF objects create and pin the maps when they load; this class opens
// them by path, so it serves the agent and `skiff lb list` alike.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "lb_maps.h"
#include "skiff/bpf/stats_map.h"
#include "unique_fd.h"

namespace skiff::lb {

class KernelLbMaps final : public LbMaps {
 public:
  // Opens every map; fails naming the first one that is missing.
  static Result<std::unique_ptr<KernelLbMaps>> open(const std::string& pin_root);
  ~KernelLbMaps() override;

  Result<> put_service(const skiff_service_key&, const skiff_service&) override;
  Result<> delete_service(const skiff_service_key&) override;
  Result<> put_backend(uint32_t id, const skiff_backend&) override;
  Result<> delete_backend(uint32_t id) override;
  Result<> put_service_name(uint32_t id, std::string_view name) override;
  Result<> delete_service_name(uint32_t id) override;
  void reset_stats(uint32_t id) override;
  void purge_affinity(const std::unordered_set<uint32_t>& backend_ids) override;
  std::span<uint32_t> slots() override { return slots_; }
  void for_each_service(
      const std::function<void(const skiff_service_key&, const skiff_service&)>&) override;
  void for_each_backend(const std::function<void(uint32_t, const skiff_backend&)>&) override;
  void for_each_service_name(const std::function<void(uint32_t, std::string_view)>&) override;

  // Reads for `skiff lb list` and metrics: counters summed over CPUs.
  skiff_service_stats service_stats(uint32_t id);
  std::vector<uint64_t> events();
  int conntrack_fd() const { return conntrack_.get(); }

 private:
  KernelLbMaps() = default;
  UniqueFd services_, backends_, slots_fd_, conntrack_, affinity_, stats_, events_, names_;
  std::span<uint32_t> slots_;
  int ncpus_ = 1;
};

}  // namespace skiff::lb
