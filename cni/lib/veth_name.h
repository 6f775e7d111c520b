// The host-side veth name of an attachment: "sk" + 11 hex digits of
// SHA-256(container id, ifname). Deterministic, so DEL finds it without
// prevResult; 13 bytes, under the kernel's 15.
#pragma once
#include <string>

namespace skiff::cni {

std::string host_veth_name(const std::string& container_id, const std::string& ifname);

}  // namespace skiff::cni
