#include "node_env.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "kubelet/image_archive.h"
#include "kubelet/image_import.h"

namespace skiff::kubelet::testing {

namespace fs = std::filesystem;

std::optional<std::map<std::string, std::string>> ConfigData::config_map(const std::string& ns,
                                                                         const std::string& name) const {
  auto it = config_maps.find(ns + "/" + name);
  if (it == config_maps.end()) return std::nullopt;
  return it->second;
}

std::optional<std::map<std::string, std::string>> ConfigData::secret(const std::string& ns,
                                                                     const std::string& name) const {
  auto it = secrets.find(ns + "/" + name);
  if (it == secrets.end()) return std::nullopt;
  return it->second;
}

Result<std::unique_ptr<NodeEnv>> NodeEnv::create(const NodeEnvOptions& options) {
  std::unique_ptr<NodeEnv> env(new NodeEnv());
  char tmpl[] = "/tmp/skiff-kubelet-XXXXXX";
  if (!mkdtemp(tmpl)) return fail_errno("mkdtemp");
  env->dir_ = tmpl;
  fs::path bin = env->dir_ / "cni-bin", conf = env->dir_ / "cni-conf";
  fs::create_directories(bin);
  fs::create_directories(conf);
  std::error_code ec;
  fs::copy_file(options.skiff_cni, bin / "skiff-cni", ec);
  if (ec) return fail("copy " + options.skiff_cni.string() + ": " + ec.message());
  fs::copy_file(options.loopback, bin / "loopback", ec);
  if (ec) return fail("copy " + options.loopback.string() + ": " + ec.message());
  // One /24 per test process, so parallel runs do not share addresses.
  env->cidr_prefix_ = "10.250." + std::to_string(getpid() % 250) + ".";
  nlohmann::json conflist = {
      {"cniVersion", "1.0.0"},
      {"name", "skiff-test"},
      {"plugins",
       {{{"type", "skiff-cni"},
         {"podCIDR", env->cidr_prefix_ + "0/24"},
         {"dataDir", (env->dir_ / "cni-data").string()},
         {"logFile", (env->dir_ / "skiff-cni.log").string()}}}}};
  std::ofstream(conf / "10-skiff.conflist") << conflist.dump(2);

  ContainerdSupervisorOptions copts;
  copts.config.state_dir = env->dir_ / "containerd";
  copts.config.cni_bin_dir = bin;
  copts.config.cni_conf_dir = conf;
  copts.pause_binary = options.pause;
  copts.use_running = false;
  copts.remove_pods_on_stop = true;
  auto containerd = ContainerdSupervisor::start(copts);
  if (!containerd) return std::unexpected(containerd.error());
  env->containerd_ = std::move(*containerd);

  fs::path tar = env->dir_ / "busybox.tar";
  auto built = write_docker_archive(busybox_image(options.test_image, "/bin/busybox", "skiff test server\n"), tar);
  if (!built) return std::unexpected(built.error());
  ImageImportOptions iopts;
  iopts.address = env->containerd_->socket();
  iopts.snapshotter = env->containerd_->snapshotter();
  if (auto r = import_image_tarball(tar, iopts); !r) return std::unexpected(r.error());
  env->image_ = normalize_image_name(options.test_image);

  env->cri_ = std::make_shared<CriClient>(env->containerd_->socket());
  KubeletConfig kc;
  kc.node_name = "test-node";
  kc.node_ip = "127.0.0.1";
  kc.root_dir = env->dir_ / "kubelet";
  kc.log_dir = env->dir_ / "pod-logs";
  kc.dns.servers = {"10.96.0.10"};
  kc.restart_backoff = options.restart_backoff;
  kc.image_backoff = options.restart_backoff;
  kc.sync_interval = options.sync_interval;
  KubeletHooks hooks;
  NodeEnv* self = env.get();
  hooks.on_event = [self](const PodSpec& pod, const KubeletEvent& e) {
    std::lock_guard lk(self->mu_);
    self->events_[pod.uid].push_back(e);
  };
  hooks.on_status = [self, extra = options.on_status](const PodSpec& pod, const nlohmann::json& status) {
    {
      std::lock_guard lk(self->mu_);
      ++self->status_updates_[pod.uid];
    }
    if (extra) extra(pod, status);
  };
  hooks.config = &env->config_;
  hooks.token = [](const PodSpec& pod, const std::string&, int64_t) -> Result<std::string> {
    return "test-token-" + pod.name;
  };
  env->kubelet_ = std::make_unique<Kubelet>(env->cri_, kc, hooks);
  return env;
}

NodeEnv::~NodeEnv() {
  kubelet_.reset();
  if (containerd_) containerd_->stop();
  containerd_.reset();
  std::error_code ec;
  if (!dir_.empty()) {
    unmount_under(dir_);
    fs::remove_all(dir_, ec);
  }
}

std::vector<KubeletEvent> NodeEnv::events(const std::string& uid) {
  std::lock_guard lk(mu_);
  return events_[uid];
}

int NodeEnv::status_updates(const std::string& uid) {
  std::lock_guard lk(mu_);
  return status_updates_[uid];
}

nlohmann::json make_pod(const std::string& name, const std::string& uid, const nlohmann::json& containers,
                        const nlohmann::json& spec_extra) {
  nlohmann::json spec = {{"containers", containers}, {"terminationGracePeriodSeconds", 5}};
  spec.update(spec_extra);
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"uid", uid}}},
          {"spec", spec}};
}

std::vector<std::string> host_links(const std::string& prefix) {
  std::vector<std::string> out;
  FILE* p = popen("ip -o link show", "r");
  if (!p) return out;
  std::array<char, 4096> line{};
  while (fgets(line.data(), line.size(), p)) {
    // "12: skabc@if3: <...>"
    std::string l(line.data());
    auto colon = l.find(": ");
    if (colon == std::string::npos) continue;
    std::string name = l.substr(colon + 2);
    name = name.substr(0, name.find_first_of("@:"));
    if (name.starts_with(prefix)) out.push_back(name);
  }
  pclose(p);
  return out;
}

}  // namespace skiff::kubelet::testing
