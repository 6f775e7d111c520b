// The `skiff` command: one binary, subcommands per role (DESIGN.md lists
// them). Node commands come from dataplane/cli; `server` from the control plane.
#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "node_commands.h"
#include "server_command.h"

int main(int argc, char** argv) {
  spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=debug
  CLI::App app{"Skiff: a Kubernetes data plane (eBPF service LB, DNS, CNI) and a compact cluster"};
  app.require_subcommand(1);
  skiff::cli::add_node_commands(app);
  skiff::apiserver::add_server_command(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
