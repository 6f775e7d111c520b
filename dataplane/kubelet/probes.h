// Container probes: exec (ExecSync in the container, exit 0 = success),
// httpGet (from the host to the pod IP, status 200-399 = success) and
// tcpSocket (a connection opens = success), each within timeoutSeconds.
// ProbeTracker applies initialDelay, period and the success/failure
// thresholds, as the kubelet's prober workers do.
#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "kubelet/cri_client.h"
#include "kubelet/pod_spec.h"

namespace skiff::kubelet {

struct ProbeOutcome {
  bool success = false;
  std::string message;  // why it failed (for the Unhealthy event)
};

ProbeOutcome http_get_probe(const std::string& host, int port, const std::string& path,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            std::chrono::milliseconds timeout);
ProbeOutcome tcp_socket_probe(const std::string& host, int port, std::chrono::milliseconds timeout);
ProbeOutcome run_probe(CriClient& cri, const Probe& probe, const std::string& container_id,
                       const std::string& pod_ip);

class ProbeTracker {
 public:
  using Clock = std::chrono::steady_clock;
  // result_when_unset: the state before any probe ran (readiness: false,
  // liveness/startup: true-ish "not failed").
  ProbeTracker(const Probe& probe, Clock::time_point container_started, bool initial_result);
  bool due(Clock::time_point now) const { return now >= next_; }
  Clock::time_point next() const { return next_; }
  // Records an outcome; returns true when the tracked result changed.
  bool record(bool success, Clock::time_point now);
  bool result() const { return result_; }

 private:
  Probe probe_;
  Clock::time_point next_;
  int successes_ = 0;
  int failures_ = 0;
  bool result_;
};

}  // namespace skiff::kubelet
