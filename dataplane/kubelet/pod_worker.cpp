#include "kubelet/pod_worker.h"

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "kubelet/container_config.h"
#include "kubelet/cri_log.h"
#include "kubelet/dns_config.h"
#include "kubelet/env_resolver.h"
#include "kubelet/volumes.h"

namespace skiff::kubelet {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
namespace fs = std::filesystem;

struct PodWorker::Runtime {
  std::string id;                 // current instance ("" = none yet)
  uint32_t attempt = 0;           // of the current instance = its restart count
  bool created = false;
  std::string previous_id;        // the last dead instance, kept for `logs --previous`
  uint32_t previous_attempt = 0;
  bool has_previous = false;
  std::string image_ref;          // resolved image
  std::string spec_image;         // the spec's image when started (a change restarts)
  ContainerObservation obs;
  bool exit_handled = false;      // this instance's exit was already acted on
  Clock::time_point started_steady{};
  std::optional<ProbeTracker> liveness, readiness, startup;
  bool startup_passed = false;
  std::string backoff_message;   // while waiting out a crash-loop backoff
  bool backoff_reported = false; // the BackOff event for this instance was sent
};

namespace {

std::string cri_state_reason(const cri::ContainerStatus& s) {
  if (!s.reason().empty()) return s.reason();
  return s.exit_code() == 0 ? "Completed" : "Error";
}

}  // namespace

PodWorker::PodWorker(std::shared_ptr<CriClient> cri, const KubeletConfig& config, const KubeletHooks& hooks,
                     PodSpec spec)
    : cri_(std::move(cri)), config_(config), hooks_(hooks), spec_(std::move(spec)),
      restart_backoff_(config.restart_backoff), image_backoff_(config.image_backoff),
      sandbox_backoff_(config.restart_backoff) {
  thread_ = std::thread([this] { run(); });
}

PodWorker::~PodWorker() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PodWorker::update(PodSpec spec) {
  {
    std::lock_guard lk(mu_);
    spec_ = std::move(spec);
    spec_changed_ = true;
  }
  cv_.notify_all();
}

void PodWorker::terminate(std::optional<int64_t> grace_seconds) {
  {
    std::lock_guard lk(mu_);
    terminate_requested_ = true;
    if (grace_seconds) grace_override_ = grace_seconds;
  }
  cv_.notify_all();
}

json PodWorker::status() const {
  std::lock_guard lk(mu_);
  return status_;
}

PodSpec PodWorker::spec() const {
  std::lock_guard lk(mu_);
  return spec_;
}

std::optional<PodWorker::ContainerRef> PodWorker::container(const std::string& name) const {
  std::lock_guard lk(mu_);
  auto it = refs_.find(name);
  if (it == refs_.end()) return std::nullopt;
  return it->second;
}

std::string PodWorker::sandbox_id() const {
  std::lock_guard lk(mu_);
  return sandbox_id_shared_;
}

fs::path PodWorker::log_directory() const {
  std::lock_guard lk(mu_);
  return pod_log_directory(config_.log_dir, spec_.ns, spec_.name, spec_.uid);
}

void PodWorker::event(const PodSpec& spec, const std::string& type, const std::string& reason,
                      const std::string& message) {
  if (type == "Warning") spdlog::warn("pod {}: {}: {}", spec.key(), reason, message);
  else spdlog::debug("pod {}: {}: {}", spec.key(), reason, message);
  if (hooks_.on_event) hooks_.on_event(spec, KubeletEvent{type, reason, message});
}

void PodWorker::note_wake(Clock::time_point t) {
  if (t > Clock::now() && t < next_wake_) next_wake_ = t;
}

void PodWorker::run() {
  adopt();
  for (;;) {
    PodSpec spec;
    bool terminating;
    std::optional<int64_t> grace;
    {
      std::lock_guard lk(mu_);
      if (stop_) return;
      spec = spec_;
      spec_changed_ = false;
      terminating = terminate_requested_ || spec_.deleting;
      grace = grace_override_;
    }
    if (terminating) {
      int64_t g = grace ? *grace : spec.deletion_grace_period_seconds.value_or(spec.termination_grace_period_seconds);
      do_terminate(spec, std::max<int64_t>(0, g));
      finished_ = true;
      if (hooks_.on_removed) hooks_.on_removed(spec);
      return;
    }
    next_wake_ = Clock::now() + config_.sync_interval;
    try {
      sync(spec);
    } catch (const std::exception& e) {
      // The worker never dies on one pod's trouble; the next pass retries.
      spdlog::error("pod {}: sync failed: {}", spec.key(), e.what());
    }
    publish(spec);
    std::unique_lock lk(mu_);
    cv_.wait_until(lk, next_wake_, [&] { return stop_ || spec_changed_ || terminate_requested_; });
  }
}

void PodWorker::adopt() {
  // After an agent restart the pod's sandbox and containers are still there:
  // find them by the pod uid label and carry on from their attempts.
  PodSpec spec = this->spec();
  cri::PodSandboxFilter filter;
  (*filter.mutable_label_selector())[kPodUidLabel] = spec.uid;
  auto sandboxes = cri_->list_pod_sandbox(filter);
  if (!sandboxes) return;
  const cri::PodSandbox* best = nullptr;
  for (const auto& sb : sandboxes->items())
    if (sb.state() == cri::SANDBOX_READY && (!best || sb.created_at() > best->created_at())) best = &sb;
  if (!best) return;
  sandbox_id_ = best->id();
  sandbox_attempt_ = best->metadata().attempt();
  DnsSettings dns = dns_for_pod(spec, config_.dns);
  sandbox_config_ =
      make_sandbox_config(spec, dns, pod_log_directory(config_.log_dir, spec.ns, spec.name, spec.uid), sandbox_attempt_);
  if (auto st = cri_->pod_sandbox_status(sandbox_id_)) {
    pod_ip_ = st->status().network().ip();
    start_time_ = rfc3339_from_nanos(st->status().created_at());
  }
  cri::ContainerFilter cf;
  cf.set_pod_sandbox_id(sandbox_id_);
  if (auto list = cri_->list_containers(cf)) {
    for (const auto& c : list->containers()) {
      auto& rt = runtimes_[c.metadata().name()];
      if (!rt) rt = std::make_unique<Runtime>();
      if (!rt->id.empty() && rt->attempt >= c.metadata().attempt()) continue;
      rt->id = c.id();
      rt->attempt = c.metadata().attempt();
      rt->created = true;
      rt->image_ref = c.image_ref();
      rt->spec_image = c.image().user_specified_image().empty() ? c.image().image() : c.image().user_specified_image();
      rt->started_steady = Clock::now();
    }
  }
  {
    std::lock_guard lk(mu_);
    sandbox_id_shared_ = sandbox_id_;
  }
  spdlog::info("pod {}: adopted sandbox {} with {} containers", spec.key(), sandbox_id_, runtimes_.size());
}

bool PodWorker::ensure_sandbox(const PodSpec& spec) {
  if (!sandbox_id_.empty()) {
    auto st = cri_->pod_sandbox_status(sandbox_id_);
    if (st && st->status().state() == cri::SANDBOX_READY) return true;
    if (!st && CriClient::last_grpc_code() != CriClient::kNotFound) return false;  // runtime trouble: retry later
    // The sandbox died or vanished: everything in it goes, and a new one comes.
    event(spec, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
    for (auto& [name, rt] : runtimes_) {
      if (!rt->id.empty()) (void)cri_->remove_container(rt->id);
      rt = std::make_unique<Runtime>();
    }
    (void)cri_->stop_pod_sandbox(sandbox_id_);
    (void)cri_->remove_pod_sandbox(sandbox_id_);
    sandbox_id_.clear();
    ++sandbox_attempt_;
  }
  auto now = Clock::now();
  if (sandbox_backoff_.in_backoff("sandbox", now)) {
    note_wake(sandbox_backoff_.next_attempt("sandbox"));
    return false;
  }
  DnsSettings dns = dns_for_pod(spec, config_.dns);
  fs::path log_dir = pod_log_directory(config_.log_dir, spec.ns, spec.name, spec.uid);
  std::error_code ec;
  fs::create_directories(log_dir, ec);
  sandbox_config_ = make_sandbox_config(spec, dns, log_dir, sandbox_attempt_);
  auto id = cri_->run_pod_sandbox(sandbox_config_, config_.runtime_handler);
  if (!id) {
    event(spec, "Warning", "FailedCreatePodSandBox", "Failed to create pod sandbox: " + id.error().message);
    note_wake(sandbox_backoff_.fail("sandbox", now));
    return false;
  }
  sandbox_backoff_.reset("sandbox");
  sandbox_id_ = *id;
  sandbox_stopped_ = false;
  volumes_ready_ = false;
  if (auto st = cri_->pod_sandbox_status(sandbox_id_)) {
    pod_ip_ = st->status().network().ip();
    if (start_time_.empty()) start_time_ = rfc3339_from_nanos(st->status().created_at());
  }
  if (pod_ip_.empty() && spec.host_network) pod_ip_ = config_.node_ip;
  {
    std::lock_guard lk(mu_);
    sandbox_id_shared_ = sandbox_id_;
  }
  return true;
}

bool PodWorker::ensure_volumes(const PodSpec& spec) {
  if (volumes_ready_) return true;
  auto now = Clock::now();
  if (restart_backoff_.in_backoff("volumes", now)) {
    note_wake(restart_backoff_.next_attempt("volumes"));
    return false;
  }
  VolumeContext ctx;
  ctx.root = config_.root_dir;
  ctx.config = hooks_.config;
  ctx.token = hooks_.token;
  ctx.facts = PodRuntimeFacts{pod_ip_, config_.node_ip, config_.node_name};
  auto v = prepare_volumes(spec, ctx);
  if (!v) {
    event(spec, "Warning", "FailedMount", "MountVolume.SetUp failed: " + v.error().message);
    note_wake(restart_backoff_.fail("volumes", now));
    return false;
  }
  restart_backoff_.reset("volumes");
  volumes_ = std::move(*v);
  volumes_ready_ = true;
  return true;
}

void PodWorker::refresh(Runtime& rt) {
  if (rt.id.empty()) return;
  auto st = cri_->container_status(rt.id);
  if (!st) {
    if (CriClient::last_grpc_code() == CriClient::kNotFound) {
      // Removed behind our back: treat as exited so it is restarted per policy.
      rt.obs.state = ContainerObservation::State::Terminated;
      rt.obs.exit_code = 137;
      rt.obs.reason = "ContainerStatusUnknown";
      rt.obs.message = "The container could not be located when the pod was terminated";
      if (rt.obs.finished_at.empty()) rt.obs.finished_at = rfc3339_now();
    }
    return;
  }
  const auto& s = st->status();
  rt.obs.container_id = "containerd://" + rt.id;
  rt.obs.image_id = s.image_ref();
  rt.obs.restart_count = static_cast<int>(rt.attempt);
  if (s.started_at() > 0) rt.obs.started_at = rfc3339_from_nanos(s.started_at());
  switch (s.state()) {
    case cri::CONTAINER_RUNNING:
      rt.obs.state = ContainerObservation::State::Running;
      rt.obs.reason.clear();
      rt.obs.message.clear();
      break;
    case cri::CONTAINER_EXITED:
      rt.obs.state = ContainerObservation::State::Terminated;
      rt.obs.exit_code = s.exit_code();
      rt.obs.reason = cri_state_reason(s);
      rt.obs.message = s.message();
      rt.obs.finished_at = rfc3339_from_nanos(s.finished_at());
      rt.obs.ready = false;
      break;
    case cri::CONTAINER_CREATED:
      rt.obs.state = ContainerObservation::State::Waiting;
      rt.obs.reason = "ContainerCreating";
      break;
    default:
      rt.obs.state = ContainerObservation::State::Waiting;
      rt.obs.reason = "ContainerStatusUnknown";
      break;
  }
}

bool PodWorker::ensure_image(const PodSpec& spec, const ContainerSpec& c, Runtime& rt) {
  auto now = Clock::now();
  std::string key = "pull/" + c.name;
  auto status = cri_->image_status(c.image);
  bool present = status && status->has_image();
  if (present && c.image_pull_policy != "Always") {
    rt.image_ref = status->image().id();
    return true;
  }
  if (c.image_pull_policy == "Never") {
    rt.obs.state = ContainerObservation::State::Waiting;
    rt.obs.reason = "ErrImageNeverPull";
    rt.obs.message = "Container image \"" + c.image + "\" is not present with pull policy of Never";
    event(spec, "Warning", "ErrImageNeverPull", rt.obs.message);
    note_wake(image_backoff_.fail(key, now));
    return false;
  }
  if (image_backoff_.in_backoff(key, now)) {
    rt.obs.state = ContainerObservation::State::Waiting;
    rt.obs.reason = "ImagePullBackOff";
    rt.obs.message = "Back-off pulling image \"" + c.image + "\"";
    note_wake(image_backoff_.next_attempt(key));
    return false;
  }
  event(spec, "Normal", "Pulling", "Pulling image \"" + c.image + "\"");
  auto t0 = Clock::now();
  auto ref = cri_->pull_image(c.image, &sandbox_config_);
  if (!ref) {
    rt.obs.state = ContainerObservation::State::Waiting;
    rt.obs.reason = "ErrImagePull";
    rt.obs.message = ref.error().message;
    event(spec, "Warning", "Failed", "Failed to pull image \"" + c.image + "\": " + ref.error().message);
    note_wake(image_backoff_.fail(key, now));
    return false;
  }
  image_backoff_.reset(key);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  event(spec, "Normal", "Pulled",
        "Successfully pulled image \"" + c.image + "\" in " + std::to_string(ms) + "ms");
  auto after = cri_->image_status(c.image);
  rt.image_ref = after && after->has_image() ? after->image().id() : *ref;
  return true;
}

bool PodWorker::start_container(const PodSpec& spec, const ContainerSpec& c, Runtime& rt) {
  rt.obs.name = c.name;
  rt.obs.image = c.image;
  if (!ensure_image(spec, c, rt)) return false;
  static const struct NoConfig : ConfigSource {
    std::optional<std::map<std::string, std::string>> config_map(const std::string&, const std::string&) const override {
      return std::nullopt;
    }
    std::optional<std::map<std::string, std::string>> secret(const std::string&, const std::string&) const override {
      return std::nullopt;
    }
  } no_config;
  PodRuntimeFacts facts{pod_ip_, config_.node_ip, config_.node_name};
  auto env = resolve_env(c, spec, hooks_.config ? *hooks_.config : no_config, facts);
  if (!env) {
    rt.obs.state = ContainerObservation::State::Waiting;
    rt.obs.reason = "CreateContainerConfigError";
    rt.obs.message = env.error().message;
    event(spec, "Warning", "Failed", "Error: " + env.error().message);
    note_wake(Clock::now() + std::chrono::seconds(2));
    return false;
  }
  auto mounts = container_mounts(c, spec, volumes_);
  if (!mounts) {
    rt.obs.state = ContainerObservation::State::Waiting;
    rt.obs.reason = "CreateContainerConfigError";
    rt.obs.message = mounts.error().message;
    event(spec, "Warning", "Failed", "Error: " + mounts.error().message);
    return false;
  }
  uint32_t attempt = rt.created ? rt.attempt + 1 : 0;
  auto config = make_container_config(spec, c, *env, *mounts, attempt, rt.image_ref.empty() ? c.image : rt.image_ref);
  auto id = cri_->create_container(sandbox_id_, config, sandbox_config_);
  if (!id) {
    rt.obs.state = ContainerObservation::State::Waiting;
    rt.obs.reason = "CreateContainerError";
    rt.obs.message = id.error().message;
    event(spec, "Warning", "Failed", "Error: " + id.error().message);
    note_wake(restart_backoff_.fail(c.name, Clock::now()));
    return false;
  }
  // Keep one dead instance for `logs --previous`; the one before goes.
  if (rt.created && !rt.id.empty()) {
    if (rt.has_previous) (void)cri_->remove_container(rt.previous_id);
    rt.previous_id = rt.id;
    rt.previous_attempt = rt.attempt;
    rt.has_previous = true;
    if (rt.obs.state == ContainerObservation::State::Terminated) {
      json t = {{"exitCode", rt.obs.exit_code},
                {"reason", rt.obs.reason},
                {"startedAt", rt.obs.started_at},
                {"finishedAt", rt.obs.finished_at},
                {"containerID", rt.obs.container_id}};
      if (!rt.obs.message.empty()) t["message"] = rt.obs.message;
      rt.obs.last_state = {{"terminated", t}};
    }
  }
  rt.id = *id;
  rt.attempt = attempt;
  rt.created = true;
  rt.spec_image = c.image;
  rt.exit_handled = false;
  rt.backoff_reported = false;
  rt.obs.restart_count = static_cast<int>(attempt);
  rt.obs.container_id = "containerd://" + rt.id;
  rt.obs.ready = false;
  rt.obs.started = false;
  rt.liveness.reset();
  rt.readiness.reset();
  rt.startup.reset();
  rt.startup_passed = !c.startup.set();
  {
    std::lock_guard lk(mu_);
    refs_[c.name] = ContainerRef{rt.id, rt.attempt, rt.previous_id, rt.previous_attempt, rt.has_previous};
  }
  event(spec, "Normal", "Created", "Created container " + c.name);
  if (auto r = cri_->start_container(rt.id); !r) {
    rt.obs.state = ContainerObservation::State::Waiting;
    rt.obs.reason = "RunContainerError";
    rt.obs.message = r.error().message;
    event(spec, "Warning", "Failed", "Error: " + r.error().message);
    note_wake(restart_backoff_.fail(c.name, Clock::now()));
    refresh(rt);
    return false;
  }
  rt.started_steady = Clock::now();
  event(spec, "Normal", "Started", "Started container " + c.name);
  refresh(rt);
  return true;
}

void PodWorker::kill_container(const PodSpec& spec, const ContainerSpec* c, Runtime& rt, int64_t grace_seconds,
                               const std::string& reason) {
  if (rt.id.empty()) return;
  auto deadline = Clock::now() + std::chrono::seconds(grace_seconds);
  if (c && !c->pre_stop_exec.empty() && rt.obs.state == ContainerObservation::State::Running) {
    // preStop runs inside the grace period; what it leaves is the signal's.
    auto r = cri_->exec_sync(rt.id, c->pre_stop_exec, std::max<int64_t>(1, grace_seconds));
    if (!r || r->exit_code() != 0)
      event(spec, "Warning", "FailedPreStopHook",
            "PreStopHook failed: " + (r ? "exit code " + std::to_string(r->exit_code()) : r.error().message));
  }
  auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now()).count();
  // As the kubelet: at least 2 s for the stop signal after a preStop hook.
  if (c && !c->pre_stop_exec.empty()) left = std::max<int64_t>(left, 2);
  event(spec, "Normal", "Killing", "Stopping container " + rt.obs.name + (reason.empty() ? "" : ": " + reason));
  if (auto r = cri_->stop_container(rt.id, std::max<int64_t>(0, left)); !r)
    spdlog::warn("pod {}: stop container {}: {}", spec.key(), rt.obs.name, r.error().message);
}

void PodWorker::run_probes(const PodSpec& spec, const ContainerSpec& c, Runtime& rt) {
  auto now = Clock::now();
  bool running = rt.obs.state == ContainerObservation::State::Running;
  if (!running) {
    rt.obs.ready = false;
    return;
  }
  if (c.startup.set() && !rt.startup_passed) {
    if (!rt.startup) rt.startup.emplace(c.startup, rt.started_steady, false);
    if (rt.startup->due(now)) {
      auto out = run_probe(*cri_, c.startup, rt.id, pod_ip_);
      rt.startup->record(out.success, Clock::now());
      if (out.success && rt.startup->result()) {
        rt.startup_passed = true;
      } else if (!out.success) {
        event(spec, "Warning", "Unhealthy", "Startup probe failed: " + out.message);
        // failure threshold reached: the tracker turned false after enough failures
      }
    }
    note_wake(rt.startup->next());
    if (!rt.startup_passed) {
      rt.obs.ready = false;
      rt.obs.started = false;
      return;
    }
  }
  rt.obs.started = true;
  if (c.liveness.set()) {
    if (!rt.liveness) rt.liveness.emplace(c.liveness, rt.started_steady, true);
    if (rt.liveness->due(now)) {
      auto out = run_probe(*cri_, c.liveness, rt.id, pod_ip_);
      bool changed = rt.liveness->record(out.success, Clock::now());
      if (!out.success) event(spec, "Warning", "Unhealthy", "Liveness probe failed: " + out.message);
      if (changed && !rt.liveness->result()) {
        kill_container(spec, &c, rt, spec.termination_grace_period_seconds,
                       "Container " + c.name + " failed liveness probe, will be restarted");
        refresh(rt);
        return;
      }
    }
    note_wake(rt.liveness->next());
  }
  if (c.readiness.set()) {
    if (!rt.readiness) rt.readiness.emplace(c.readiness, rt.started_steady, false);
    if (rt.readiness->due(now)) {
      auto out = run_probe(*cri_, c.readiness, rt.id, pod_ip_);
      rt.readiness->record(out.success, Clock::now());
      if (!out.success) event(spec, "Warning", "Unhealthy", "Readiness probe failed: " + out.message);
    }
    note_wake(rt.readiness->next());
    rt.obs.ready = rt.readiness->result();
  } else {
    rt.obs.ready = true;
  }
}

void PodWorker::sync_container(const PodSpec& spec, const ContainerSpec& c, bool is_init) {
  auto& slot = runtimes_[c.name];
  if (!slot) slot = std::make_unique<Runtime>();
  Runtime& rt = *slot;
  rt.obs.name = c.name;
  rt.obs.image = c.image;
  refresh(rt);
  auto now = Clock::now();
  if (!rt.created) {
    start_container(spec, c, rt);
    return;
  }
  if (rt.obs.state == ContainerObservation::State::Running) {
    if (!is_init && rt.spec_image != c.image) {
      kill_container(spec, &c, rt, spec.termination_grace_period_seconds, "Container spec hash changed");
      refresh(rt);
      return;
    }
    restart_backoff_.ran(c.name, rt.started_steady, now);
    if (!is_init) run_probes(spec, c, rt);
    return;
  }
  if (rt.obs.state != ContainerObservation::State::Terminated) return;
  rt.obs.ready = false;
  bool failed = rt.obs.exit_code != 0;
  bool restart = is_init ? (failed && spec.restart_policy != "Never")
                         : (spec.restart_policy == "Always" || (spec.restart_policy == "OnFailure" && failed));
  if (!restart) return;
  if (!rt.exit_handled) {
    // The first restart is immediate; each later one waits out the backoff
    // (10 s, 20 s, ... 300 s) counted from this exit, as the kubelet does.
    rt.exit_handled = true;
    if (!restart_backoff_.in_backoff(c.name, now)) {
      restart_backoff_.fail(c.name, now);
      start_container(spec, c, rt);
      return;
    }
  }
  if (restart_backoff_.in_backoff(c.name, now)) {
    auto delay = std::chrono::duration_cast<std::chrono::seconds>(restart_backoff_.next_attempt(c.name) - now);
    note_wake(restart_backoff_.next_attempt(c.name));
    rt.backoff_message = "back-off " + std::to_string(std::max<int64_t>(1, delay.count())) +
                         "s restarting failed container=" + c.name + " pod=" + spec.name + "_" + spec.ns + "(" +
                         spec.uid + ")";
    if (!rt.backoff_reported) {
      rt.backoff_reported = true;
      event(spec, "Warning", "BackOff", "Back-off restarting failed container " + c.name + " in pod " + spec.name);
    }
    crash_looping_.insert(c.name);
    return;
  }
  restart_backoff_.fail(c.name, now);
  start_container(spec, c, rt);
}

bool PodWorker::sync_init_containers(const PodSpec& spec) {
  for (const auto& ic : spec.init_containers) {
    sync_container(spec, ic, true);
    const Runtime& rt = *runtimes_[ic.name];
    if (rt.obs.state == ContainerObservation::State::Terminated && rt.obs.exit_code == 0) continue;
    if (rt.obs.state == ContainerObservation::State::Terminated && spec.restart_policy == "Never") {
      force_failed_ = true;
    }
    return false;
  }
  return true;
}

void PodWorker::sync(const PodSpec& spec) {
  if (force_failed_) {
    stop_sandbox_when_terminal(spec);
    return;
  }
  if (sandbox_stopped_) return;  // terminal pod: nothing runs any more
  if (!ensure_sandbox(spec)) return;
  if (!ensure_volumes(spec)) return;
  if (!sync_init_containers(spec)) {
    if (force_failed_) stop_sandbox_when_terminal(spec);
    return;
  }
  for (const auto& c : spec.containers) sync_container(spec, c, false);
  PodObservation obs;
  for (const auto& c : spec.containers)
    if (auto it = runtimes_.find(c.name); it != runtimes_.end()) obs.containers.push_back(it->second->obs);
  std::string phase = pod_phase(spec, obs);
  if (phase == "Succeeded" || phase == "Failed") stop_sandbox_when_terminal(spec);
}

void PodWorker::stop_sandbox_when_terminal(const PodSpec& spec) {
  // A finished pod keeps nothing running: its sandbox (and pod IP) go,
  // its containers stay for logs until the pod is deleted.
  if (sandbox_stopped_ || sandbox_id_.empty()) return;
  if (auto r = cri_->stop_pod_sandbox(sandbox_id_); !r)
    spdlog::warn("pod {}: stop sandbox: {}", spec.key(), r.error().message);
  sandbox_stopped_ = true;
}

void PodWorker::publish(const PodSpec& spec) {
  PodObservation obs;
  obs.pod_ip = sandbox_stopped_ ? std::string() : pod_ip_;
  obs.host_ip = config_.node_ip;
  obs.start_time = start_time_;
  obs.force_failed = force_failed_;
  for (const auto& ic : spec.init_containers)
    if (auto it = runtimes_.find(ic.name); it != runtimes_.end() && it->second->created)
      obs.init_containers.push_back(it->second->obs);
  for (const auto& c : spec.containers) {
    auto it = runtimes_.find(c.name);
    if (it == runtimes_.end()) continue;
    ContainerObservation o = it->second->obs;
    if (crash_looping_.count(c.name) && o.state == ContainerObservation::State::Terminated) {
      // Waiting out the backoff: the exit just seen becomes lastState.
      json t = {{"exitCode", o.exit_code},
                {"reason", o.reason},
                {"startedAt", o.started_at},
                {"finishedAt", o.finished_at},
                {"containerID", o.container_id}};
      o.last_state = {{"terminated", t}};
      o.state = ContainerObservation::State::Waiting;
      o.reason = "CrashLoopBackOff";
      o.message = it->second->backoff_message;
    }
    obs.containers.push_back(o);
  }
  crash_looping_.clear();
  json status = compute_pod_status(spec, obs, last_published_, rfc3339_now());
  if (status == last_published_) return;
  last_published_ = status;
  {
    std::lock_guard lk(mu_);
    status_ = status;
  }
  if (hooks_.on_status) hooks_.on_status(spec, status);
}

void PodWorker::do_terminate(const PodSpec& spec, int64_t grace_seconds) {
  event(spec, "Normal", "Killing", "Stopping pod (grace period " + std::to_string(grace_seconds) + "s)");
  // Containers stop in parallel, each with the whole grace period.
  std::vector<std::thread> stoppers;
  for (auto& [name, rt] : runtimes_) {
    if (!rt || rt->id.empty()) continue;
    refresh(*rt);
    if (rt->obs.state != ContainerObservation::State::Running) continue;
    const ContainerSpec* c = spec.find_container(name);
    Runtime* r = rt.get();
    stoppers.emplace_back([this, &spec, c, r, grace_seconds] { kill_container(spec, c, *r, grace_seconds, ""); });
  }
  for (auto& t : stoppers) t.join();
  // The sandbox goes with everything in it (CNI DEL releases the address).
  cri::PodSandboxFilter filter;
  (*filter.mutable_label_selector())[kPodUidLabel] = spec.uid;
  std::vector<std::string> ids;
  if (!sandbox_id_.empty()) ids.push_back(sandbox_id_);
  if (auto list = cri_->list_pod_sandbox(filter))
    for (const auto& sb : list->items())
      if (std::find(ids.begin(), ids.end(), sb.id()) == ids.end()) ids.push_back(sb.id());
  // Retried: a busy runtime may miss a deadline, and a pod reported gone
  // must not leave its sandbox (and its address) behind.
  for (const auto& id : ids) {
    for (int attempt = 0;; ++attempt) {
      auto stopped = cri_->stop_pod_sandbox(id);
      auto removed = stopped ? cri_->remove_pod_sandbox(id) : Result<>{};
      if (stopped && removed) break;
      std::string why = !stopped ? stopped.error().message : removed.error().message;
      if (attempt >= 9) {
        spdlog::error("pod {}: giving up removing sandbox {}: {}", spec.key(), id, why);
        break;
      }
      spdlog::warn("pod {}: removing sandbox {} (will retry): {}", spec.key(), id, why);
      std::this_thread::sleep_for(std::chrono::seconds(1 + attempt));
    }
  }
  remove_pod_directory(config_.root_dir, spec.uid);
  std::error_code ec;
  fs::remove_all(pod_log_directory(config_.log_dir, spec.ns, spec.name, spec.uid), ec);
  // Final status: every container terminated.
  for (auto& [name, rt] : runtimes_) {
    if (!rt || rt->obs.state != ContainerObservation::State::Running) continue;
    rt->obs.state = ContainerObservation::State::Terminated;
    rt->obs.exit_code = 0;
    rt->obs.reason = "Completed";
    rt->obs.finished_at = rfc3339_now();
    rt->obs.ready = false;
  }
  sandbox_stopped_ = true;
  publish(spec);
  {
    std::lock_guard lk(mu_);
    sandbox_id_shared_.clear();
    refs_.clear();
  }
}

}  // namespace skiff::kubelet
