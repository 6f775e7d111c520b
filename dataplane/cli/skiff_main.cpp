// The `skiff` command: one binary, subcommands per role (DESIGN.md lists them).
#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "agent.h"
#include "lb_list.h"
#include "version.h"

int main(int argc, char** argv) {
  spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=debug
  CLI::App app{"Skiff: a Kubernetes data plane (eBPF service LB, DNS, CNI) and a compact cluster"};
  app.require_subcommand(1);

  skiff::agent::AgentOptions agent;
  bool uninstall = false;
  auto* agent_cmd = app.add_subcommand("agent", "run the node agent");
  agent_cmd->add_option("--manifests", agent.manifests_dir,
                        "static mode: Service/EndpointSlice/Pod manifests in this directory");
  agent_cmd->add_option("--devices", agent.devices, "external interfaces (XDP, NodePort addresses)")
      ->delimiter(',');
  agent_cmd->add_option("--node-name", agent.node_name, "this node's name (default: host name)");
  agent_cmd->add_option("--bpf-root", agent.pin_root, "where maps and links are pinned")
      ->default_str("/sys/fs/bpf/skiff");
  agent_cmd->add_option("--cgroup", agent.cgroup,
                        "cgroup v2 directory for the socket-level LB ('none' disables it)");
  agent_cmd->add_option("--pod-interface-prefix", agent.pod_interface_prefix,
                        "host-side pod veths whose names start with this get tc programs")
      ->capture_default_str();
  agent_cmd->add_option("--maglev-table-size", agent.maglev_max, "largest Maglev table (a prime)")
      ->capture_default_str()
      ->check(CLI::IsMember({251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071}));
  agent_cmd->add_option("--maglev-slots", agent.maglev_slots, "size of the shared Maglev slot array");
  agent_cmd->add_option("--hairpin-address", agent.hairpin_addr,
                        "source address for a pod reaching itself through a service")
      ->capture_default_str();
  agent_cmd->add_option("--conntrack-gc-interval", agent.conntrack_gc_seconds, "seconds")
      ->capture_default_str();
  agent_cmd->add_flag("--uninstall", uninstall, "detach every program, remove pinned maps, exit");

  std::string lb_root;
  bool lb_json = false;
  auto* lb_cmd = app.add_subcommand("lb", "inspect the service load balancer");
  lb_cmd->require_subcommand(1);
  auto* lb_list = lb_cmd->add_subcommand("list", "frontends, backends and counters from the pinned maps");
  lb_list->add_option("--bpf-root", lb_root, "pin root")->default_str("/sys/fs/bpf/skiff");
  lb_list->add_flag("--json", lb_json, "machine-readable output");

  app.add_subcommand("version", "version and build facts");

  CLI11_PARSE(app, argc, argv);

  if (app.got_subcommand("version")) {
    std::printf("%s", skiff::version_text().c_str());
    return 0;
  }
  if (agent_cmd->parsed())
    return uninstall ? skiff::agent::uninstall_agent(agent.pin_root) : skiff::agent::run_agent(agent);
  if (lb_list->parsed()) return skiff::cli::lb_list(lb_root, lb_json);
  return 2;
}
