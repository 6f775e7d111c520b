// Resource amounts as the scheduler counts them: CPU in millicores, memory
// and ephemeral storage in bytes, plus extended ("scalar") resources.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace skiff::scheduler {

struct Resources {
  int64_t milli_cpu = 0;
  int64_t memory = 0;
  int64_t ephemeral_storage = 0;
  int64_t pods = 0;  // allocatable pod count (nodes only)
  // Extended resources (e.g. nvidia.com/gpu, hugepages-2Mi), sorted by name.
  std::vector<std::pair<std::string, int64_t>> scalar;

  int64_t scalar_value(const std::string& name) const;
  void add_scalar(const std::string& name, int64_t v);
  void add(const Resources& o);
  void subtract(const Resources& o);
  void max_with(const Resources& o);
  bool empty() const { return milli_cpu == 0 && memory == 0 && ephemeral_storage == 0 && scalar.empty(); }
};

// kube-scheduler's defaults for containers without requests, used only for
// scoring so that best-effort pods still spread (DefaultMilliCPURequest,
// DefaultMemoryRequest).
inline constexpr int64_t kDefaultMilliCpuRequest = 100;
inline constexpr int64_t kDefaultMemoryRequest = 200LL * 1024 * 1024;

}  // namespace skiff::scheduler
