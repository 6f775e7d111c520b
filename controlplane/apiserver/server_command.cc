#include "server_command.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "api_server.h"

namespace skiff::apiserver {

namespace {

int run_server(const ApiServerOptions& options) {
  // Signals are taken synchronously by this thread; block them before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = ApiServer::start(options);
  if (!server) {
    spdlog::error("skiff server: {}", server.error().str());
    return 1;
  }
  spdlog::info("skiff server: serving on https://{}:{}", options.bind_address, (*server)->port());
  std::printf("kubeconfig: %s\n", (*server)->kubeconfig_path().c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("skiff server: signal {}, stopping", received);
  (*server)->stop();
  return 0;
}

}  // namespace

void add_server_command(CLI::App& app) {
  struct Options {
    ApiServerOptions server;
    bool disable_agent = false;
  };
  auto options = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("server", "run the control plane (API server) on this node");
  cmd->add_option("--data-dir", options->server.data_dir, "state, PKI and admin.kubeconfig")->capture_default_str();
  cmd->add_option("--https-port", options->server.https_port, "HTTPS port of the API (0: any free port)")
      ->capture_default_str();
  cmd->add_option("--bind-address", options->server.bind_address, "address to listen on")->capture_default_str();
  cmd->add_option("--datastore-endpoint", options->server.datastore_endpoint,
                  "etcd://HOST:PORT to store in etcd instead of the SQLite file in the data dir");
  cmd->add_option("--token-auth-file", options->server.token_auth_file,
                  "static bearer tokens (CSV: token,user,uid,\"group1,group2\")");
  cmd->add_flag("--disable-agent", options->disable_agent, "do not run the node agent in this process");
  cmd->callback([options] {
    int code = run_server(options->server);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace skiff::apiserver
