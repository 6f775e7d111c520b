// The DNS configuration of a pod's sandbox (its /etc/resolv.conf), from its
// dnsPolicy and dnsConfig, as the kubelet computes it:
//  - ClusterFirst: the cluster DNS servers; searches <ns>.svc.<zone>
//    svc.<zone> <zone> then the node's own; options ndots:5. A hostNetwork
//    pod gets Default instead, unless the policy is ClusterFirstWithHostNet.
//    With no cluster DNS configured it falls back to Default.
//  - Default: the node's resolv.conf (servers, searches, options).
//  - None: only what the pod's dnsConfig gives.
// dnsConfig is then merged: nameservers and searches appended (duplicates
// dropped), options overriding by name. Limits: 3 servers, 32 searches.
#pragma once
#include <string>
#include <vector>

#include "kubelet/pod_spec.h"

namespace skiff::kubelet {

struct ClusterDns {
  std::vector<std::string> servers;  // cluster DNS service IPs (empty: none configured)
  std::string zone = "cluster.local";
  // The node's resolver (from its resolv.conf), used by Default.
  std::vector<std::string> host_servers;
  std::vector<std::string> host_searches;
  std::vector<std::string> host_options;
};

struct DnsSettings {
  std::vector<std::string> servers;
  std::vector<std::string> searches;
  std::vector<std::string> options;  // "ndots:5", "edns0"
};

DnsSettings dns_for_pod(const PodSpec& pod, const ClusterDns& cluster);

// Reads nameserver/search/domain/options lines of a resolv.conf into `into`.
void read_resolv_conf(const std::string& text, ClusterDns& into);

}  // namespace skiff::kubelet
