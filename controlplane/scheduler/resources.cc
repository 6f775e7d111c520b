#include "scheduler/resources.h"

#include <algorithm>

namespace skiff::scheduler {

int64_t Resources::scalar_value(const std::string& name) const {
  for (const auto& [n, v] : scalar)
    if (n == name) return v;
  return 0;
}

void Resources::add_scalar(const std::string& name, int64_t v) {
  auto it = std::lower_bound(scalar.begin(), scalar.end(), name,
                             [](const auto& e, const std::string& n) { return e.first < n; });
  if (it != scalar.end() && it->first == name)
    it->second += v;
  else
    scalar.insert(it, {name, v});
}

void Resources::add(const Resources& o) {
  milli_cpu += o.milli_cpu;
  memory += o.memory;
  ephemeral_storage += o.ephemeral_storage;
  pods += o.pods;
  for (const auto& [n, v] : o.scalar) add_scalar(n, v);
}

void Resources::subtract(const Resources& o) {
  milli_cpu -= o.milli_cpu;
  memory -= o.memory;
  ephemeral_storage -= o.ephemeral_storage;
  pods -= o.pods;
  for (const auto& [n, v] : o.scalar) add_scalar(n, -v);
}

void Resources::max_with(const Resources& o) {
  milli_cpu = std::max(milli_cpu, o.milli_cpu);
  memory = std::max(memory, o.memory);
  ephemeral_storage = std::max(ephemeral_storage, o.ephemeral_storage);
  pods = std::max(pods, o.pods);
  for (const auto& [n, v] : o.scalar) {
    int64_t cur = scalar_value(n);
    if (v > cur) add_scalar(n, v - cur);
  }
}

}  // namespace skiff::scheduler
