#include "kubelet/dns_config.h"

#include <algorithm>
#include <sstream>

namespace skiff::kubelet {

namespace {

void append_unique(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const auto& v : from)
    if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
}

std::string option_name(const std::string& opt) { return opt.substr(0, opt.find(':')); }

void merge_option(std::vector<std::string>& options, const std::string& opt) {
  std::string name = option_name(opt);
  for (auto& o : options)
    if (option_name(o) == name) {
      o = opt;
      return;
    }
  options.push_back(opt);
}

}  // namespace

void read_resolv_conf(const std::string& text, ClusterDns& into) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key.empty() || key[0] == '#' || key[0] == ';') continue;
    std::string v;
    if (key == "nameserver") {
      if (ls >> v) into.host_servers.push_back(v);
    } else if (key == "search" || key == "domain") {
      // The last search/domain line wins, as in the resolver.
      into.host_searches.clear();
      while (ls >> v) into.host_searches.push_back(v);
    } else if (key == "options") {
      while (ls >> v) into.host_options.push_back(v);
    }
  }
}

DnsSettings dns_for_pod(const PodSpec& pod, const ClusterDns& cluster) {
  DnsSettings out;
  std::string policy = pod.dns_policy.empty() ? "ClusterFirst" : pod.dns_policy;
  if (policy == "ClusterFirst" && pod.host_network) policy = "Default";
  if ((policy == "ClusterFirst" || policy == "ClusterFirstWithHostNet") && cluster.servers.empty())
    policy = "Default";
  if (policy == "ClusterFirst" || policy == "ClusterFirstWithHostNet") {
    out.servers = cluster.servers;
    const std::string& zone = cluster.zone;
    out.searches = {pod.ns + ".svc." + zone, "svc." + zone, zone};
    append_unique(out.searches, cluster.host_searches);
    out.options = {"ndots:5"};
  } else if (policy == "Default") {
    out.servers = cluster.host_servers;
    out.searches = cluster.host_searches;
    out.options = cluster.host_options;
  }
  // "None" starts empty.
  if (pod.dns_config) {
    append_unique(out.servers, pod.dns_config->nameservers);
    append_unique(out.searches, pod.dns_config->searches);
    for (const auto& [name, value] : pod.dns_config->options)
      merge_option(out.options, value ? name + ":" + *value : name);
  }
  if (out.servers.size() > 3) out.servers.resize(3);
  if (out.searches.size() > 32) out.searches.resize(32);
  return out;
}

}  // namespace skiff::kubelet
