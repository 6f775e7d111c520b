// Base64 decoding of kubeconfig's *-data fields. Internal to skiff_client.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace skiff::client::detail {

// Standard alphabet; whitespace ignored; padding optional. nullopt on bad input.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace skiff::client::detail
