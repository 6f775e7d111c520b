// The cluster's PKI, created on first start in DATA_DIR/pki: a CA, the
// serving certificate (SANs: 127.0.0.1, localhost, the node's host name and
// addresses, the kubernetes service IP), the admin client certificate
// (CN=admin, O=system:masters), the ServiceAccount token signing key, and
// DATA_DIR/admin.kubeconfig (mode 0600). Later starts reuse what exists.
#pragma once

#include <string>
#include <vector>

#include "skiff/util/result.h"

namespace skiff::apiserver {

struct ClusterPki {
  std::string ca_cert;        // paths
  std::string ca_key;
  std::string serving_cert;
  std::string serving_key;
  std::string admin_cert;
  std::string admin_key;
  std::string service_account_key;  // PEM private key signing ServiceAccount tokens
  std::string admin_kubeconfig;
};

struct PkiOptions {
  std::string data_dir;
  std::vector<std::string> extra_dns_names;  // besides localhost and the host name
  std::vector<std::string> extra_ips;        // besides 127.0.0.1, ::1, 10.96.0.1 and local addresses
};

Result<ClusterPki> ensure_cluster_pki(const PkiOptions& options);

// Writes (atomically, mode 0600) a kubeconfig for `server` using the client
// certificate; context and cluster are named "skiff".
Result<void> write_kubeconfig(const std::string& path, const std::string& server, const ClusterPki& pki);

// A client certificate signed by the cluster CA, for tests and tools (PEM strings).
struct IssuedCertificate {
  std::string cert_pem;
  std::string key_pem;
};
Result<IssuedCertificate> issue_client_certificate(const ClusterPki& pki, const std::string& common_name,
                                                   const std::vector<std::string>& organizations);

Result<std::string> read_file(const std::string& path);
std::string base64_encode(std::string_view data);

}  // namespace skiff::apiserver
