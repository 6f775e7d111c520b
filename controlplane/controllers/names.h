// Names and hashes as Kubernetes makes them: the safe-encode alphabet (no
// vowels, no confusable digits), FNV-32a template hashes, random suffixes.
#pragma once
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "controllers/actions.h"

namespace skiff::controllers {

inline constexpr std::string_view kSafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

uint32_t fnv32a(std::string_view data, uint32_t hash = 2166136261u);
// rand.SafeEncodeString: each byte mapped into kSafeAlphabet.
std::string safe_encode(std::string_view s);

// controller.ComputeHash: FNV-32a over the template, then the collision count
// as 8 bytes (uint32 little endian, zero padded), the decimal sum safe-encoded.
// Kubernetes hashes the Go struct's spew dump; Skiff hashes the template's
// canonical JSON (keys sorted, compact), so the values differ from
// kube-controller-manager's for the same template but have the same
// properties: stable for a template, changed by the collision count.
std::string compute_template_hash(const Json& template_spec, std::optional<int64_t> collision_count);

// Random five-character suffixes from a seeded generator.
class RandomNameSource : public NameSource {
 public:
  explicit RandomNameSource(uint64_t seed = std::random_device{}()) : rng_(seed) {}
  std::string suffix() override;

 private:
  std::mt19937_64 rng_;
};

}  // namespace skiff::controllers
