// A pod's status (core/v1 PodStatus JSON) from what the kubelet observed:
// phase by the kubelet's rules, the conditions PodScheduled, Initialized,
// ContainersReady and Ready (lastTransitionTime kept while a condition's
// status holds), container statuses with state, lastState, restartCount,
// ready, started, image, imageID, containerID, and podIP from the sandbox.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kubelet/pod_spec.h"

namespace skiff::kubelet {

struct ContainerObservation {
  std::string name;
  enum class State { Waiting, Running, Terminated };
  State state = State::Waiting;
  std::string reason;   // waiting: ContainerCreating, CrashLoopBackOff, ErrImagePull, ...; terminated: Completed, Error, OOMKilled
  std::string message;
  int exit_code = 0;
  std::string started_at;   // RFC 3339
  std::string finished_at;
  std::string container_id; // "containerd://<id>"
  std::string image;
  std::string image_id;
  int restart_count = 0;
  bool ready = false;
  bool started = false;     // running and the startup probe (if any) passed
  nlohmann::json last_state = nlohmann::json::object();  // {"terminated": {...}} or {}
};

struct PodObservation {
  std::vector<ContainerObservation> init_containers;  // in spec order; missing ones = not reached yet
  std::vector<ContainerObservation> containers;
  std::string pod_ip;
  std::string host_ip;
  std::string start_time;
  std::string reason;   // pod-level (e.g. "DeadlineExceeded")
  std::string message;
  bool force_failed = false;
};

// Phase: Pending, Running, Succeeded, Failed.
std::string pod_phase(const PodSpec& pod, const PodObservation& obs);

// `previous`: the last status delivered (conditions keep their
// lastTransitionTime while unchanged); `now`: RFC 3339.
nlohmann::json compute_pod_status(const PodSpec& pod, const PodObservation& obs, const nlohmann::json& previous,
                                  const std::string& now);

nlohmann::json container_status_json(const ContainerObservation& c);

// RFC 3339 (seconds) of a Unix time in nanoseconds; now when 0 is not wanted.
std::string rfc3339_from_nanos(int64_t nanos);
std::string rfc3339_now();

}  // namespace skiff::kubelet
