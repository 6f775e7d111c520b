// `skiff lb list`: frontends, their backends and counters, read from the
// pinned maps alone (like `cilium service list`), so it works whether or not
// an agent is running.
#pragma once
#include <string>

namespace skiff::cli {

int lb_list(const std::string& pin_root, bool json);

}  // namespace skiff::cli
