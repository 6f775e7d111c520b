#include "kubelet/containerd_supervisor.h"

#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "kubelet/cri_client.h"
#include "kubelet/image_archive.h"
#include "kubelet/image_import.h"
#include "kubelet/process.h"

namespace skiff::kubelet {

namespace fs = std::filesystem;

bool overlay_supported(const fs::path& dir) {
  std::error_code ec;
  fs::path probe = dir / "overlay-probe";
  fs::remove_all(probe, ec);
  for (const char* d : {"lower", "upper", "work", "merged"}) fs::create_directories(probe / d, ec);
  if (ec) return false;
  std::string opts = "lowerdir=" + (probe / "lower").string() + ",upperdir=" + (probe / "upper").string() +
                     ",workdir=" + (probe / "work").string();
  bool ok = mount("overlay", (probe / "merged").c_str(), "overlay", 0, opts.c_str()) == 0;
  if (ok) umount2((probe / "merged").c_str(), MNT_DETACH);
  fs::remove_all(probe, ec);
  return ok;
}

void unmount_under(const fs::path& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  std::vector<std::string> targets;
  std::string prefix = dir.string();
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string id, parent, devno, root, mount_point;
    ls >> id >> parent >> devno >> root >> mount_point;
    // mountinfo escapes spaces as \040; our paths have none.
    if (mount_point == prefix || mount_point.starts_with(prefix + "/")) targets.push_back(mount_point);
  }
  std::sort(targets.begin(), targets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& t : targets) umount2(t.c_str(), MNT_DETACH);
}

fs::path beside_executable(const std::string& name) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  fs::path candidate = self.parent_path() / name;
  return fs::exists(candidate, ec) ? candidate : fs::path{};
}

Result<std::unique_ptr<ContainerdSupervisor>> ContainerdSupervisor::start(ContainerdSupervisorOptions options) {
  if (options.config.state_dir.empty()) return fail("containerd supervisor: state dir not set");
  std::unique_ptr<ContainerdSupervisor> s(new ContainerdSupervisor(std::move(options)));
  s->socket_ = containerd_socket(s->options_.config).string();
  s->sandbox_image_ = normalize_image_name(s->options_.pause_image);
  std::error_code ec;
  if (s->options_.use_running && fs::exists(s->socket_, ec)) {
    CriClient probe(s->socket_);
    if (auto v = probe.version(std::chrono::seconds(3))) {
      spdlog::info("containerd already answers on {} ({} {}); using it", s->socket_, v->runtime_name(),
                   v->runtime_version());
      s->snapshotter_ = s->options_.config.snapshotter;
      return s;
    }
  }
  if (auto r = s->launch(); !r) return std::unexpected(r.error());
  if (auto r = s->ensure_sandbox_image(); !r) return std::unexpected(r.error());
  return s;
}

Result<> ContainerdSupervisor::launch() {
  auto& cfg = options_.config;
  std::error_code ec;
  fs::create_directories(cfg.state_dir, ec);
  if (ec) return fail("cannot create " + cfg.state_dir.string() + ": " + ec.message());
  snapshotter_ = cfg.snapshotter;
  if (snapshotter_.empty() || snapshotter_ == "overlayfs") {
    snapshotter_ = overlay_supported(cfg.state_dir) ? "overlayfs" : "native";
    if (snapshotter_ == "native") spdlog::warn("overlay mounts fail in {}; containerd uses the native snapshotter",
                                               cfg.state_dir.string());
  }
  ContainerdConfig effective = cfg;
  effective.snapshotter = snapshotter_;
  effective.sandbox_image = sandbox_image_;
  fs::path config_file = cfg.state_dir / "containerd.toml";
  {
    std::ofstream f(config_file, std::ios::trunc);
    f << render_containerd_config(effective);
    if (!f) return fail("cannot write " + config_file.string(), errno);
  }
  // A socket file left by a dead containerd would make it fail to listen.
  fs::remove(socket_, ec);
  log_file_ = cfg.state_dir / "containerd.log";
  auto pid = spawn_background({options_.containerd_binary.string(), "--config", config_file.string()}, log_file_);
  if (!pid) return std::unexpected(pid.error());
  pid_ = *pid;
  spdlog::info("started containerd (pid {}) on {}, snapshotter {}", pid_, socket_, snapshotter_);
  CriClient client(socket_);
  auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  for (;;) {
    if (fs::exists(socket_, ec) && client.version(std::chrono::seconds(2))) return {};
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream log(log_file_);
      std::stringstream tail;
      tail << log.rdbuf();
      std::string text = tail.str();
      if (text.size() > 2000) text = text.substr(text.size() - 2000);
      return fail("containerd exited during start; its log ends with:\n" + text);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      return fail("containerd did not answer CRI Version on " + socket_ + " in time; log: " + log_file_.string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Result<> ContainerdSupervisor::ensure_sandbox_image() {
  CriClient client(socket_);
  auto st = client.image_status(sandbox_image_);
  if (!st) return std::unexpected(st.error());
  if (st->has_image()) return {};
  fs::path pause = options_.pause_binary.empty() ? beside_executable("skiff-pause") : options_.pause_binary;
  if (pause.empty()) return fail("sandbox image " + sandbox_image_ + " is missing and no skiff-pause binary found");
  fs::path tarball = options_.config.state_dir / "pause-image.tar";
  auto built = write_docker_archive(pause_image(options_.pause_image, pause), tarball);
  if (!built) return std::unexpected(built.error());
  ImageImportOptions import;
  import.address = socket_;
  import.snapshotter = snapshotter_;
  import.ctr = options_.ctr_binary;
  auto imported = import_image_tarball(tarball, import);
  if (!imported) return std::unexpected(imported.error());
  st = client.image_status(sandbox_image_);
  if (!st || !st->has_image())
    return fail("sandbox image " + sandbox_image_ + " still missing after import: " + *imported);
  spdlog::info("imported sandbox image {} ({})", sandbox_image_, built->image_id);
  return {};
}

void ContainerdSupervisor::stop() {
  if (pid_ <= 0) return;
  if (options_.remove_pods_on_stop) {
    CriClient client(socket_);
    if (auto list = client.list_pod_sandbox()) {
      for (const auto& sb : list->items()) {
        (void)client.stop_pod_sandbox(sb.id());
        (void)client.remove_pod_sandbox(sb.id());
      }
    }
  }
  terminate_process(pid_, std::chrono::seconds(10));
  pid_ = -1;
  if (options_.remove_pods_on_stop) unmount_under(options_.config.state_dir);
}

ContainerdSupervisor::~ContainerdSupervisor() { stop(); }

}  // namespace skiff::kubelet
