// The rules kube-proxy writes for a set of services, as input for
// `iptables-restore --noflush` (iptables mode) and `nft -f` (nftables mode).
// Modelled on kube-proxy's proxier.go and the expected outputs in its
// proxier_test.go (Kubernetes 1.31): chain layout, matches, probabilities and
// the partial syncs it does when one service changes. Chain-name hashes are
// ours (FNV, base32), not kube-proxy's SHA-256; only their length matters.
#pragma once
#include <string>
#include <vector>

#include "synthetic_services.h"

namespace skiff::perf {

struct KubeProxyOptions {
  std::string cluster_cidr = "10.244.0.0/16";  // --cluster-cidr: traffic from elsewhere is masqueraded
  // kube-proxy's largeClusterMode (more than 1,000 endpoints): endpoint rules
  // carry no comments and stale chains are not deleted on every sync.
  bool large_cluster_mode = true;
};

// The jumps from the built-in chains to kube-proxy's own, which kube-proxy
// installs once with `iptables -I` (not part of a sync): input for
// `iptables-restore --noflush`.
std::string iptables_bootstrap();
// A full sync: filter and nat tables, every service.
std::string iptables_full(const std::vector<SynthService>& services, const KubeProxyOptions& options);
// The partial sync after `services[changed]` changed (its endpoints):
// KUBE-SERVICES and the other top-level chains rewritten whole, only the
// changed service's own chains declared (which flushes them) and rewritten.
std::string iptables_partial(const std::vector<SynthService>& services, size_t changed,
                             const KubeProxyOptions& options);

// nftables mode: one transaction creating table `ip kube-proxy` with every
// service (full), or only the changed service's chains and their
// endpoint chains (partial; the old endpoint chains are deleted later by
// kube-proxy, not in this transaction).
std::string nft_full(const std::vector<SynthService>& services, const KubeProxyOptions& options);
std::string nft_partial(const std::vector<SynthService>& services, size_t changed,
                        const KubeProxyOptions& options);
// Removes kube-proxy's nftables table.
std::string nft_cleanup();

}  // namespace skiff::perf
