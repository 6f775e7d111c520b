// `skiff agent`: the node agent. Today it runs the eBPF service load balancer
// fed from a static manifest directory; the API-server source plugs into the
// same ObjectCache.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace skiff::agent {

struct AgentOptions {
  std::string manifests_dir;         // static mode
  std::vector<std::string> devices;  // external interfaces; empty: the default route's
  std::string node_name;             // default: the host name
  std::string pin_root;              // default SKIFF_PIN_ROOT
  std::string cgroup;                // socket LB attach point; "" = cgroup v2 root, "none" = off
  std::string pod_interface_prefix = "sk";  // host-side pod veths get tc programs
  uint32_t maglev_max = 16381;
  uint32_t maglev_slots = 0;
  std::string hairpin_addr = "169.254.42.1";
  uint32_t conntrack_gc_seconds = 30;
  std::string dns_listen = "10.96.0.10:53";  // the cluster DNS service address; "off" disables
  std::string dns_config;                    // YAML, see dns/README.md
};

// Runs until SIGINT/SIGTERM. Returns the process exit code.
int run_agent(const AgentOptions& options);
// Detaches every program and removes the pinned maps.
int uninstall_agent(const std::string& pin_root);

}  // namespace skiff::agent
