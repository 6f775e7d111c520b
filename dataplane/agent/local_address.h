// Making an address local to the node: the cluster DNS address is answered on
// every node by its own agent (like NodeLocal DNSCache), so it must be an
// address of this network namespace. It goes on the loopback device as a /32
// (no dummy device needed: not every kernel has the module).
#pragma once
#include "skiff/net/ip.h"
#include "skiff/util/result.h"

namespace skiff::agent {

// Adds addr/32 to lo unless some interface already has it. Returns whether it added.
Result<bool> ensure_local_address(const net::IpAddr& addr);

}  // namespace skiff::agent
