#include "images_command.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "kubelet/image_import.h"

namespace skiff::cli {

namespace {

// containerd's own socket, then the one of a containerd Skiff started.
std::string default_address() {
  for (const char* p : {"/run/containerd/containerd.sock", "/var/lib/skiff/containerd/containerd.sock"}) {
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) return p;
  }
  return "/run/containerd/containerd.sock";
}

}  // namespace

void add_images_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    std::string address;
    std::string base_name;
    std::string snapshotter;
  };
  auto options = std::make_shared<Options>();
  auto* images = app.add_subcommand("images", "images in the node's containerd");
  images->require_subcommand(1);
  auto* import = images->add_subcommand("import", "import OCI or docker-archive tarballs (namespace k8s.io)");
  import->add_option("FILE", options->files, "image tarballs")->required()->check(CLI::ExistingFile);
  import->add_option("--address", options->address, "containerd socket (default: the running containerd's)");
  import->add_option("--base-name", options->base_name, "name for OCI tarballs that carry only tags");
  import->add_option("--snapshotter", options->snapshotter, "snapshotter to unpack into (default: containerd's)");
  import->callback([options] {
    kubelet::ImageImportOptions o;
    o.address = options->address.empty() ? default_address() : options->address;
    o.base_name = options->base_name;
    o.snapshotter = options->snapshotter;
    for (const auto& f : options->files) {
      auto r = kubelet::import_image_tarball(f, o);
      if (!r) {
        std::fprintf(stderr, "skiff images import: %s\n", r.error().str().c_str());
        throw CLI::RuntimeError(1);
      }
      std::printf("%s", r->c_str());
    }
  });
}

}  // namespace skiff::cli
