// The node-side subcommands of the `skiff` binary (agent, lb, version). The
// executable itself is defined in controlplane/cli so that it can add
// `server` without the data plane depending on control-plane code.
#pragma once

namespace CLI {
class App;
}

namespace skiff::cli {

// Registers `agent`, `lb list` and `version` on `app`. Each runs from its
// subcommand callback; a non-zero exit code is thrown as CLI::RuntimeError,
// which CLI11_PARSE turns into the process exit status.
void add_node_commands(CLI::App& app);

}  // namespace skiff::cli
