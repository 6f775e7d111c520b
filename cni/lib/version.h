// CNI spec versions: which ones skiff-cni speaks and which commands each allows.
#pragma once
#include <array>
#include <compare>
#include <optional>
#include <string_view>

namespace skiff::cni {

struct SpecVersion {
  int major = 0, minor = 0, patch = 0;
  static std::optional<SpecVersion> parse(std::string_view text);  // "1.0.0", strict
  auto operator<=>(const SpecVersion&) const = default;
};

inline constexpr std::array<std::string_view, 5> kSupportedVersions = {"0.3.0", "0.3.1", "0.4.0", "1.0.0",
                                                                       "1.1.0"};
inline constexpr std::string_view kLatestVersion = "1.1.0";

bool is_supported_version(std::string_view version);

}  // namespace skiff::cni
