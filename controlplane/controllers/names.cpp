#include "controllers/names.h"

namespace skiff::controllers {

uint32_t fnv32a(std::string_view data, uint32_t hash) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

std::string safe_encode(std::string_view s) {
  std::string out(s.size(), ' ');
  for (std::size_t i = 0; i < s.size(); ++i)
    out[i] = kSafeAlphabet[static_cast<unsigned char>(s[i]) % kSafeAlphabet.size()];
  return out;
}

std::string compute_template_hash(const Json& template_spec, std::optional<int64_t> collision_count) {
  uint32_t h = fnv32a(template_spec.dump());
  if (collision_count) {
    uint32_t c = static_cast<uint32_t>(*collision_count);
    char bytes[8] = {static_cast<char>(c & 0xff), static_cast<char>((c >> 8) & 0xff),
                     static_cast<char>((c >> 16) & 0xff), static_cast<char>((c >> 24) & 0xff), 0, 0, 0, 0};
    h = fnv32a(std::string_view(bytes, 8), h);
  }
  return safe_encode(std::to_string(h));
}

std::string RandomNameSource::suffix() {
  std::uniform_int_distribution<std::size_t> pick(0, kSafeAlphabet.size() - 1);
  std::string s(5, ' ');
  for (auto& c : s) c = kSafeAlphabet[pick(rng_)];
  return s;
}

}  // namespace skiff::controllers
