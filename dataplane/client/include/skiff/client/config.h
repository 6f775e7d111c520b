// Where the API server is and how to authenticate to it: from a kubeconfig
// file (KUBECONFIG or --kubeconfig, --context) or from a pod's service account
// (in-cluster). Certificates and keys are held as PEM text, files already read.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "skiff/util/result.h"

namespace skiff::client {

struct ClientConfig {
  std::string server;            // "https://host:port" (path prefix allowed)
  std::string ca_pem;            // empty: the system trust store
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;   // overrides the name checked in the server certificate (and SNI)
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string token;             // static bearer token
  std::string token_file;        // bearer token re-read from this file as it rotates
  std::string namespace_ = "default";
  std::string user_agent = "skiff/0.1";
  // Client-side rate limit of requests (watches are long-lived and not limited).
  double qps = 50;
  int burst = 100;
  // Re-read interval for token_file (service account tokens rotate).
  std::chrono::seconds token_reload_interval{60};
};

// Parses kubeconfig text. Relative file paths resolve against base_dir.
// An empty context selects current-context.
Result<ClientConfig> parse_kubeconfig(const std::string& yaml_text, const std::string& base_dir,
                                      const std::string& context = "");
Result<ClientConfig> load_kubeconfig(const std::string& path, const std::string& context = "");

struct InClusterPaths {
  std::string root = "/var/run/secrets/kubernetes.io/serviceaccount";
};
// KUBERNETES_SERVICE_HOST/PORT and the service account's token, ca.crt and
// namespace. The token is read from its file (and re-read as it rotates).
Result<ClientConfig> in_cluster_config(const InClusterPaths& paths = {});

// The config a node agent uses: an explicit kubeconfig path when given, else
// the files in KUBECONFIG (':'-separated; the first file naming a
// current-context decides it, the first definition of each name wins), else
// in-cluster config when KUBERNETES_SERVICE_HOST is set, else ~/.kube/config.
Result<ClientConfig> load_default_config(const std::string& kubeconfig_path = "",
                                         const std::string& context = "");

}  // namespace skiff::client
