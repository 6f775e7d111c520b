// A ustar archive writer into memory: enough for image layers and
// docker-archive tarballs. Entries carry fixed owner (0:0) and mtime so the
// same input gives the same bytes (reproducible image digests).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "skiff/util/result.h"

namespace skiff::kubelet {

class TarWriter {
 public:
  explicit TarWriter(int64_t mtime = 0) : mtime_(mtime) {}
  // Paths are relative ("bin/sh"); directories are given without a trailing slash.
  Result<> add_file(std::string_view path, std::string_view content, uint32_t mode = 0644);
  Result<> add_directory(std::string_view path, uint32_t mode = 0755);
  Result<> add_symlink(std::string_view path, std::string_view target);
  // Closes the archive (two zero blocks) and returns its bytes.
  std::string finish();

 private:
  Result<> header(std::string_view path, char type, uint64_t size, uint32_t mode, std::string_view link);
  std::string out_;
  int64_t mtime_;
};

}  // namespace skiff::kubelet
