#include "cni/lib/version.h"

#include <algorithm>
#include <charconv>

namespace skiff::cni {

std::optional<SpecVersion> SpecVersion::parse(std::string_view text) {
  SpecVersion v;
  int* parts[] = {&v.major, &v.minor, &v.patch};
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 3; ++i) {
    if (p == end || *p < '0' || *p > '9') return std::nullopt;
    auto [next, ec] = std::from_chars(p, end, *parts[i]);
    if (ec != std::errc{}) return std::nullopt;
    p = next;
    if (i < 2) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return v;
}

bool is_supported_version(std::string_view version) {
  return std::ranges::find(kSupportedVersions, version) != kSupportedVersions.end();
}

}  // namespace skiff::cni
