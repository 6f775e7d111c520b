// Building container images without a registry or docker: a single-layer
// image written as a docker-archive tarball (manifest.json, the config JSON,
// the layer tar), the format `ctr images import` and `docker load` read.
// Used for the sandbox (pause) image and for test images made from
// busybox-static. Same input, same bytes: entries are sorted by the caller's
// order, times are fixed, so image ids are stable across builds.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "skiff/util/result.h"

namespace skiff::kubelet {

struct ImageEntry {
  enum class Kind { File, Directory, Symlink };
  Kind kind = Kind::File;
  std::string path;          // inside the image, without leading '/'
  std::string content;       // File: the bytes (see host_file)
  std::filesystem::path host_file;  // File: read from here when set
  std::string link_target;   // Symlink
  uint32_t mode = 0644;
};

struct ImageBuild {
  std::string repo_tag;  // "skiff/pause:3.9"; containerd names it docker.io/skiff/pause:3.9
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  std::string working_dir;
  std::vector<ImageEntry> entries;
};

struct BuiltImage {
  std::string image_id;  // "sha256:<config digest>"
  std::string layer_diff_id;
};

Result<BuiltImage> write_docker_archive(const ImageBuild& image, const std::filesystem::path& out);

// The name containerd's CRI gives an imported "repo:tag" (docker.io/library
// for single-component names, docker.io/ for other unqualified ones).
std::string normalize_image_name(const std::string& repo_tag);

// A pause image: /pause from the given static binary, entrypoint /pause.
ImageBuild pause_image(const std::string& repo_tag, const std::filesystem::path& pause_binary);

// An image of busybox (static) with the applets tests use (sh, sleep, httpd,
// wget, nc, ...) linked under /bin, /etc/passwd and /etc/group, a /www
// directory with index.html holding `index_content`. Entrypoint unset, cmd
// `sh`.
ImageBuild busybox_image(const std::string& repo_tag, const std::filesystem::path& busybox_binary,
                         const std::string& index_content = "skiff test server\n");

}  // namespace skiff::kubelet
