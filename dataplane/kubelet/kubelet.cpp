#include "kubelet/kubelet.h"

#include <set>

#include <spdlog/spdlog.h>

#include "kubelet/container_config.h"

namespace skiff::kubelet {

Kubelet::Kubelet(std::shared_ptr<CriClient> cri, KubeletConfig config, KubeletHooks hooks)
    : cri_(std::move(cri)), config_(std::move(config)), hooks_(std::move(hooks)) {}

Kubelet::~Kubelet() {
  std::map<std::string, std::unique_ptr<PodWorker>> workers;
  {
    std::lock_guard lk(mu_);
    workers.swap(workers_);
  }
  workers.clear();  // joins each worker thread
}

PodWorker* Kubelet::find(const std::string& uid) const {
  auto it = workers_.find(uid);
  return it == workers_.end() ? nullptr : it->second.get();
}

void Kubelet::reap_finished() {
  std::vector<std::unique_ptr<PodWorker>> done;
  {
    std::lock_guard lk(mu_);
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->second->finished()) {
        done.push_back(std::move(it->second));
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  done.clear();
}

Result<> Kubelet::upsert_pod(const nlohmann::json& pod) {
  reap_finished();
  auto spec = parse_pod(pod);
  if (!spec) return std::unexpected(spec.error());
  std::lock_guard lk(mu_);
  if (PodWorker* w = find(spec->uid)) {
    w->update(std::move(*spec));
    return {};
  }
  if (spec->deleting) return {};  // never started here: nothing to stop
  std::string uid = spec->uid;
  workers_[uid] = std::make_unique<PodWorker>(cri_, config_, hooks_, std::move(*spec));
  return {};
}

void Kubelet::delete_pod(const std::string& uid, std::optional<int64_t> grace_seconds) {
  std::lock_guard lk(mu_);
  if (PodWorker* w = find(uid)) w->terminate(grace_seconds);
}

std::optional<nlohmann::json> Kubelet::pod_status(const std::string& uid) const {
  std::lock_guard lk(mu_);
  PodWorker* w = find(uid);
  if (!w) return std::nullopt;
  return w->status();
}

bool Kubelet::pod_removed(const std::string& uid) const {
  std::lock_guard lk(mu_);
  PodWorker* w = find(uid);
  return !w || w->finished();
}

std::vector<std::string> Kubelet::pod_uids() const {
  std::lock_guard lk(mu_);
  std::vector<std::string> out;
  for (const auto& [uid, w] : workers_)
    if (!w->finished()) out.push_back(uid);
  return out;
}

void Kubelet::remove_orphaned_sandboxes() {
  std::set<std::string> known;
  {
    std::lock_guard lk(mu_);
    for (const auto& [uid, w] : workers_) known.insert(uid);
  }
  cri::PodSandboxFilter filter;
  (*filter.mutable_label_selector())[kManagedByLabel] = "true";
  auto list = cri_->list_pod_sandbox(filter);
  if (!list) {
    spdlog::warn("kubelet: cannot list sandboxes: {}", list.error().message);
    return;
  }
  for (const auto& sb : list->items()) {
    auto it = sb.labels().find(kPodUidLabel);
    if (it == sb.labels().end() || known.count(it->second)) continue;
    spdlog::info("kubelet: removing orphaned sandbox {} of pod {}/{}", sb.id(), sb.metadata().namespace_(),
                 sb.metadata().name());
    (void)cri_->stop_pod_sandbox(sb.id());
    (void)cri_->remove_pod_sandbox(sb.id());
  }
}

Result<> Kubelet::logs(const std::string& uid, const std::string& container, bool previous,
                       const LogOptions& options, const std::function<void(std::string_view)>& out,
                       const std::function<bool()>& stop) const {
  std::filesystem::path dir;
  std::optional<PodWorker::ContainerRef> ref;
  {
    std::lock_guard lk(mu_);
    PodWorker* w = find(uid);
    if (!w) return fail("pod " + uid + " is not on this node");
    ref = w->container(container);
    dir = w->log_directory();
  }
  if (!ref) return fail("container " + container + " has not started yet");
  if (previous && !ref->has_previous)
    return fail("previous terminated container \"" + container + "\" not found");
  uint32_t attempt = previous ? ref->previous_attempt : ref->attempt;
  return read_container_log(dir / container_log_relative_path(container, attempt), options, out, stop);
}

Result<std::string> Kubelet::exec_url(const std::string& uid, const std::string& container,
                                      const std::vector<std::string>& cmd, bool tty, bool stdin, bool stdout,
                                      bool stderr) {
  std::optional<PodWorker::ContainerRef> ref;
  {
    std::lock_guard lk(mu_);
    PodWorker* w = find(uid);
    if (!w) return fail("pod " + uid + " is not on this node");
    ref = w->container(container);
  }
  if (!ref) return fail("container " + container + " is not running");
  cri::ExecRequest req;
  req.set_container_id(ref->id);
  for (const auto& a : cmd) req.add_cmd(a);
  req.set_tty(tty);
  req.set_stdin(stdin);
  req.set_stdout(stdout);
  req.set_stderr(stderr && !tty);
  return cri_->exec(req);
}

Result<std::string> Kubelet::attach_url(const std::string& uid, const std::string& container, bool tty, bool stdin,
                                        bool stdout, bool stderr) {
  std::optional<PodWorker::ContainerRef> ref;
  {
    std::lock_guard lk(mu_);
    PodWorker* w = find(uid);
    if (!w) return fail("pod " + uid + " is not on this node");
    ref = w->container(container);
  }
  if (!ref) return fail("container " + container + " is not running");
  cri::AttachRequest req;
  req.set_container_id(ref->id);
  req.set_tty(tty);
  req.set_stdin(stdin);
  req.set_stdout(stdout);
  req.set_stderr(stderr && !tty);
  return cri_->attach(req);
}

Result<std::string> Kubelet::port_forward_url(const std::string& uid, const std::vector<int32_t>& ports) {
  std::string sandbox;
  {
    std::lock_guard lk(mu_);
    PodWorker* w = find(uid);
    if (!w) return fail("pod " + uid + " is not on this node");
    sandbox = w->sandbox_id();
  }
  if (sandbox.empty()) return fail("pod " + uid + " has no sandbox");
  return cri_->port_forward(sandbox, ports);
}

}  // namespace skiff::kubelet
