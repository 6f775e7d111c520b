#include "node_commands.h"

#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "agent.h"
#include "images_command.h"
#include "lb_list.h"
#include "version.h"

namespace skiff::cli {
namespace {

void exit_with(int code) {
  if (code != 0) throw CLI::RuntimeError(code);
}

void add_agent_command(CLI::App& app) {
  struct Options {
    skiff::agent::AgentOptions agent;
    bool uninstall = false;
  };
  auto options = std::make_shared<Options>();
  auto& agent = options->agent;
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
  agent_cmd->add_option("--dns-listen", agent.dns_listen,
                        "where the cluster DNS server answers (made local to the node); off disables")
      ->capture_default_str();
  agent_cmd->add_option("--dns-config", agent.dns_config, "cluster DNS configuration (YAML)")
      ->check(CLI::ExistingFile);
  agent_cmd->add_option("--conntrack-gc-interval", agent.conntrack_gc_seconds, "seconds")
      ->capture_default_str();
  agent_cmd->add_flag("--uninstall", options->uninstall,
                      "detach every program, remove pinned maps, exit");
  agent_cmd->callback([options] {
    exit_with(options->uninstall ? skiff::agent::uninstall_agent(options->agent.pin_root)
                                 : skiff::agent::run_agent(options->agent));
  });
}

void add_lb_command(CLI::App& app) {
  struct Options {
    std::string root;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  auto* lb_cmd = app.add_subcommand("lb", "inspect the service load balancer");
  lb_cmd->require_subcommand(1);
  auto* list = lb_cmd->add_subcommand("list", "frontends, backends and counters from the pinned maps");
  list->add_option("--bpf-root", options->root, "pin root")->default_str("/sys/fs/bpf/skiff");
  list->add_flag("--json", options->json, "machine-readable output");
  list->callback([options] { exit_with(lb_list(options->root, options->json)); });
}

}  // namespace

void add_node_commands(CLI::App& app) {
  add_agent_command(app);
  add_lb_command(app);
  add_images_command(app);
  app.add_subcommand("version", "version and build facts")->callback([] {
    std::printf("%s", skiff::version_text().c_str());
  });
}

}  // namespace skiff::cli
