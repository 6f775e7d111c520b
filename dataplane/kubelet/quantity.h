// Kubernetes resource quantities ("250m", "1.5", "128Mi", "1G", "1e3").
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace skiff::kubelet {

// CPU in millicores ("250m" -> 250, "2" -> 2000); nullopt when malformed.
std::optional<int64_t> parse_cpu_millis(std::string_view q);
// A byte count ("128Mi", "1G", "1024"); nullopt when malformed.
std::optional<int64_t> parse_bytes(std::string_view q);

}  // namespace skiff::kubelet
