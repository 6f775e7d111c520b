// `skiff server`'s API server: PKI and kubeconfig, the store (SQLite or
// etcd) and its watch cache, bootstrap objects (namespaces, RBAC defaults,
// the kubernetes Service), the request pipeline and the HTTPS listener.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "skiff/util/result.h"

namespace skiff::apiserver {

struct ApiServerOptions {
  std::string data_dir = "/var/lib/skiff";
  std::string bind_address = "0.0.0.0";
  std::uint16_t https_port = 6443;  // 0: any free port (the kubeconfig names the one chosen)
  std::string datastore_endpoint;   // "" = SQLite in data_dir; etcd://HOST:PORT
  std::string token_auth_file;      // kube's static token CSV
  int worker_threads = 16;
};

class ApiServer {
 public:
  // Starts serving; returns once the listener is up and the kubeconfig written.
  static Result<std::unique_ptr<ApiServer>> start(const ApiServerOptions& options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  std::uint16_t port() const;
  const std::string& kubeconfig_path() const;
  void stop();

 private:
  struct Impl;
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::apiserver
