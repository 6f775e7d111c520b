// `skiff images import FILE.tar`: OCI or docker-archive tarballs into the
// node's containerd (k8s.io namespace), for nodes without a registry.
#pragma once

namespace CLI {
class App;
}

namespace skiff::cli {

void add_images_command(CLI::App& app);

}  // namespace skiff::cli
