#include "kubelet/pod_status.h"

#include <ctime>

#include "kubelet/container_config.h"

namespace skiff::kubelet {

using nlohmann::json;

std::string rfc3339_from_nanos(int64_t nanos) {
  std::time_t t = static_cast<std::time_t>(nanos / 1000000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string rfc3339_now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return rfc3339_from_nanos(static_cast<int64_t>(ts.tv_sec) * 1000000000);
}

json container_status_json(const ContainerObservation& c) {
  json s;
  s["name"] = c.name;
  json state;
  switch (c.state) {
    case ContainerObservation::State::Waiting: {
      json w = json::object();
      if (!c.reason.empty()) w["reason"] = c.reason;
      if (!c.message.empty()) w["message"] = c.message;
      state["waiting"] = w;
      break;
    }
    case ContainerObservation::State::Running:
      state["running"] = {{"startedAt", c.started_at}};
      break;
    case ContainerObservation::State::Terminated: {
      json t = {{"exitCode", c.exit_code},
                {"reason", c.reason.empty() ? (c.exit_code == 0 ? "Completed" : "Error") : c.reason},
                {"startedAt", c.started_at},
                {"finishedAt", c.finished_at}};
      if (!c.message.empty()) t["message"] = c.message;
      if (!c.container_id.empty()) t["containerID"] = c.container_id;
      state["terminated"] = t;
      break;
    }
  }
  s["state"] = state;
  s["lastState"] = c.last_state.is_object() ? c.last_state : json::object();
  s["ready"] = c.ready;
  s["restartCount"] = c.restart_count;
  s["image"] = c.image;
  s["imageID"] = c.image_id;
  if (!c.container_id.empty()) s["containerID"] = c.container_id;
  s["started"] = c.state == ContainerObservation::State::Running && c.started;
  return s;
}

namespace {

const ContainerObservation* find(const std::vector<ContainerObservation>& v, const std::string& name) {
  for (const auto& c : v)
    if (c.name == name) return &c;
  return nullptr;
}

bool init_done(const PodSpec& pod, const PodObservation& obs, bool* failed) {
  *failed = false;
  for (const auto& ic : pod.init_containers) {
    const auto* o = find(obs.init_containers, ic.name);
    if (!o || o->state != ContainerObservation::State::Terminated) {
      // A waiting init container that already failed (backing off) counts as failed for Never.
      if (o && o->state == ContainerObservation::State::Waiting && o->last_state.contains("terminated") &&
          pod.restart_policy == "Never")
        *failed = true;
      return false;
    }
    if (o->exit_code != 0) {
      if (pod.restart_policy == "Never") *failed = true;
      return false;
    }
  }
  return true;
}

}  // namespace

std::string pod_phase(const PodSpec& pod, const PodObservation& obs) {
  if (obs.force_failed) return "Failed";
  bool init_failed = false;
  bool initialized = init_done(pod, obs, &init_failed);
  if (init_failed) return "Failed";
  if (!initialized) return "Pending";
  int running = 0, waiting = 0, stopped = 0, succeeded = 0, unknown = 0;
  for (const auto& c : pod.containers) {
    const auto* o = find(obs.containers, c.name);
    if (!o) {
      ++unknown;
      continue;
    }
    switch (o->state) {
      case ContainerObservation::State::Running: ++running; break;
      case ContainerObservation::State::Terminated:
        ++stopped;
        if (o->exit_code == 0) ++succeeded;
        break;
      case ContainerObservation::State::Waiting:
        if (o->last_state.contains("terminated")) ++stopped;
        else ++waiting;
        break;
    }
  }
  int n = static_cast<int>(pod.containers.size());
  if (waiting > 0) return "Pending";
  if (running > 0 && unknown == 0) return "Running";
  if (stopped == n && unknown == 0) {
    if (pod.restart_policy == "Always") return "Running";
    if (stopped == succeeded) return "Succeeded";
    return pod.restart_policy == "Never" ? "Failed" : "Running";
  }
  if (unknown > 0) return "Pending";
  return "Pending";
}

json compute_pod_status(const PodSpec& pod, const PodObservation& obs, const json& previous, const std::string& now) {
  json status;
  std::string phase = pod_phase(pod, obs);
  status["phase"] = phase;
  if (!obs.reason.empty()) status["reason"] = obs.reason;
  if (!obs.message.empty()) status["message"] = obs.message;

  bool init_failed = false;
  bool initialized = init_done(pod, obs, &init_failed);
  std::vector<std::string> unready;
  for (const auto& c : pod.containers) {
    const auto* o = find(obs.containers, c.name);
    if (!o || !o->ready) unready.push_back(c.name);
  }
  bool terminal = phase == "Succeeded" || phase == "Failed";
  bool containers_ready = unready.empty() && !terminal;

  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
    return out;
  };
  auto condition = [&](const std::string& type, bool ok, const std::string& reason, const std::string& message) {
    json c = {{"type", type}, {"status", ok ? "True" : "False"}, {"lastProbeTime", nullptr}};
    std::string when = now;
    if (previous.is_object() && previous.contains("conditions"))
      for (const auto& p : previous["conditions"])
        if (p.value("type", "") == type && p.value("status", "") == c["status"] && p.contains("lastTransitionTime"))
          when = p["lastTransitionTime"];
    c["lastTransitionTime"] = when;
    if (!ok && !reason.empty()) c["reason"] = reason;
    if (!ok && !message.empty()) c["message"] = message;
    return c;
  };
  std::vector<std::string> uninit;
  for (const auto& ic : pod.init_containers) {
    const auto* o = find(obs.init_containers, ic.name);
    if (!o || o->state != ContainerObservation::State::Terminated || o->exit_code != 0) uninit.push_back(ic.name);
  }
  json conds = json::array();
  conds.push_back(condition("PodScheduled", true, "", ""));
  conds.push_back(condition("Initialized", initialized, "ContainersNotInitialized",
                            "containers with incomplete status: [" + join(uninit) + "]"));
  std::string not_ready_reason = terminal ? "PodCompleted" : "ContainersNotReady";
  std::string not_ready_msg = terminal ? "" : "containers with unready status: [" + join(unready) + "]";
  conds.push_back(condition("ContainersReady", containers_ready, not_ready_reason, not_ready_msg));
  conds.push_back(condition("Ready", containers_ready, not_ready_reason, not_ready_msg));
  status["conditions"] = conds;

  if (!obs.host_ip.empty()) {
    status["hostIP"] = obs.host_ip;
    status["hostIPs"] = json::array({{{"ip", obs.host_ip}}});
  }
  if (!obs.pod_ip.empty()) {
    status["podIP"] = obs.pod_ip;
    status["podIPs"] = json::array({{{"ip", obs.pod_ip}}});
  }
  if (!obs.start_time.empty()) status["startTime"] = obs.start_time;
  status["qosClass"] = qos_class(pod);

  auto statuses = [&](const std::vector<ContainerSpec>& specs, const std::vector<ContainerObservation>& seen,
                      const char* waiting_reason) {
    json arr = json::array();
    for (const auto& c : specs) {
      if (const auto* o = find(seen, c.name)) {
        arr.push_back(container_status_json(*o));
      } else {
        ContainerObservation w;
        w.name = c.name;
        w.image = c.image;
        w.reason = waiting_reason;
        arr.push_back(container_status_json(w));
      }
    }
    return arr;
  };
  if (!pod.init_containers.empty())
    status["initContainerStatuses"] = statuses(pod.init_containers, obs.init_containers, "PodInitializing");
  status["containerStatuses"] =
      statuses(pod.containers, obs.containers, initialized ? "ContainerCreating" : "PodInitializing");
  return status;
}

}  // namespace skiff::kubelet
