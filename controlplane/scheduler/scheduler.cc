#include "scheduler/scheduler.h"

#include <spdlog/spdlog.h>

#include "scheduler/failure_message.h"
#include "scheduler/preemption.h"

namespace skiff::scheduler {

Scheduler::Scheduler(Binder& binder, SchedulerOptions options, NowFn now, QueueOptions queue_options)
    : binder_(binder), queue_(std::move(now), queue_options), algorithm_(options) {}

void Scheduler::on_node(NodeView node) {
  snapshot_.upsert_node(std::move(node));
  queue_.move_all_to_active_or_backoff();
}

void Scheduler::on_node_deleted(const std::string& name) { snapshot_.remove_node(name); }

void Scheduler::on_pod(PodView pod) {
  bool finished = pod.phase == "Succeeded" || pod.phase == "Failed";
  if (!pod.node_name.empty() || finished) {
    queue_.remove(pod.key());
    bool freed = finished && snapshot_.find_pod(pod.key()) != kNone;
    auto r = snapshot_.upsert_pod(std::move(pod));
    if (!r) spdlog::warn("scheduler: {}", r.error().str());
    if (freed) queue_.move_all_to_active_or_backoff();
    return;
  }
  if (pod.scheduler_name != name_ || pod.terminating) {
    queue_.remove(pod.key());  // being deleted, or handed to another scheduler
    return;
  }
  queue_.update(std::move(pod));
}

void Scheduler::on_pod_deleted(const std::string& key) {
  queue_.remove(key);
  if (snapshot_.remove_pod(key)) queue_.move_all_to_active_or_backoff();
}

void Scheduler::on_namespace(const std::string& ns, Labels labels) {
  snapshot_.set_namespace_labels(ns, std::move(labels));
  queue_.move_all_to_active_or_backoff();
}

std::vector<PodId> Scheduler::hide_reservations_for(const PodView& pod) {
  std::vector<PodId> hidden;
  for (auto it = nominated_.begin(); it != nominated_.end();) {
    PodId id = snapshot_.find_pod(*it);
    if (id == kNone || !snapshot_.pod(id).nominated) {
      it = nominated_.erase(it);  // bound or deleted since
      continue;
    }
    const PodRecord& r = snapshot_.pod(id);
    if (r.counted && (*it == pod.key() || r.view.priority < pod.priority)) {
      snapshot_.set_counted(id, false);
      hidden.push_back(id);
    }
    ++it;
  }
  return hidden;
}

void Scheduler::restore_reservations(const std::vector<PodId>& hidden) {
  for (PodId id : hidden) snapshot_.set_counted(id, true);
}

bool Scheduler::schedule_one() {
  auto qp = queue_.pop();
  if (!qp) return false;
  const PodView& pod = qp->pod;
  std::vector<PodId> hidden = hide_reservations_for(pod);
  ScheduleResult result = algorithm_.schedule(pod, snapshot_);
  if (result.fits()) {
    restore_reservations(hidden);
    const std::string node = snapshot_.node(result.node).view.name;
    auto assumed = snapshot_.assume_pod(pod, node);
    if (!assumed) {
      spdlog::error("scheduler: {}", assumed.error().str());
      queue_.add_backoff(std::move(*qp));
      return true;
    }
    auto bound = binder_.bind(Binding{pod.ns, pod.name, pod.uid, node});
    if (!bound) {
      // Forget the assumption; retry after backoff.
      spdlog::warn("scheduler: binding {} to {} failed: {}", pod.key(), node, bound.error().str());
      snapshot_.remove_pod(pod.key());
      queue_.add_backoff(std::move(*qp));
      return true;
    }
    queue_.remove(pod.key());
    return true;
  }
  std::string message;
  if (result.num_all_nodes == 0) {
    restore_reservations(hidden);
    message = std::string(kNoNodesAvailable);
  } else {
    PreemptionResult pre = preempt(pod, snapshot_, result.failures);
    message = fit_error_message(result.num_all_nodes, result.failures, pre.found ? "" : pre.message);
    restore_reservations(hidden);
    if (pre.found) {
      binder_.preempt(pod, pre.nominated_node, pre.victims);
      qp->pod.nominated_node_name = pre.nominated_node;
      for (const auto& v : pre.victims) snapshot_.remove_pod(v);
      if (snapshot_.reserve_nominated(pod, pre.nominated_node)) nominated_.insert(pod.key());
    }
  }
  binder_.unschedulable(qp->pod, truncate_event_message(std::move(message)));
  bool preempted = !qp->pod.nominated_node_name.empty() && qp->pod.nominated_node_name != pod.node_name;
  queue_.add_unschedulable(std::move(*qp));
  // The victims' deletion is a cluster event: the preemptor retries after backoff.
  if (preempted) queue_.move_all_to_active_or_backoff();
  return true;
}

size_t Scheduler::run_until_idle() {
  size_t n = 0;
  while (schedule_one()) n++;
  return n;
}

}  // namespace skiff::scheduler
