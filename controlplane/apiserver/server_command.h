// `skiff server [--data-dir DIR] [--https-port 6443] [--datastore-endpoint
// etcd://HOST:PORT] [--disable-agent]`: runs the API server until SIGINT/SIGTERM.
#pragma once

namespace CLI {
class App;
}

namespace skiff::apiserver {

void add_server_command(CLI::App& app);

}  // namespace skiff::apiserver
