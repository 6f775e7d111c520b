#include "kubelet/image_import.h"

#include "kubelet/process.h"

namespace skiff::kubelet {

Result<std::string> import_image_tarball(const std::filesystem::path& tarball, const ImageImportOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(tarball, ec)) return fail("image import: no such file: " + tarball.string());
  std::vector<std::string> argv = {options.ctr, "--address", options.address, "--namespace", "k8s.io",
                                   "images", "import"};
  if (!options.snapshotter.empty()) argv.insert(argv.end(), {"--snapshotter", options.snapshotter});
  if (!options.base_name.empty()) argv.insert(argv.end(), {"--base-name", options.base_name});
  argv.push_back(tarball.string());
  auto r = run_process(argv, std::chrono::minutes(10));
  if (!r) return std::unexpected(r.error());
  if (r->exit_code != 0)
    return fail("image import of " + tarball.string() + " failed (ctr exit " + std::to_string(r->exit_code) +
                "): " + r->output);
  return r->output;
}

}  // namespace skiff::kubelet
