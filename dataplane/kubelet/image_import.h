// Importing OCI or docker-archive tarballs into containerd's k8s.io
// namespace (the one CRI uses). containerd's content API is Go-only in
// practice; writing blobs over its gRPC content service would duplicate
// ctr's import logic (index/manifest parsing, unpack), so this runs
// containerd's own `ctr images import` against the socket.
#pragma once
#include <filesystem>
#include <string>

#include "skiff/util/result.h"

namespace skiff::kubelet {

struct ImageImportOptions {
  std::string address = "/run/containerd/containerd.sock";  // containerd's socket
  std::string snapshotter;  // empty: containerd's default
  std::string base_name;    // OCI tarballs that carry only tags (ctr --base-name)
  std::string ctr = "ctr";
};

// Returns ctr's output (names it imported) or an error carrying it.
Result<std::string> import_image_tarball(const std::filesystem::path& tarball, const ImageImportOptions& options);

}  // namespace skiff::kubelet
