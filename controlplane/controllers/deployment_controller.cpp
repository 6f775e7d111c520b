#include "controllers/deployment_controller.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

#include "controllers/label_selector.h"
#include "controllers/names.h"
#include "controllers/object_util.h"
#include "controllers/owner_claims.h"
#include "controllers/pod_util.h"

namespace skiff::controllers {
namespace {
constexpr std::string_view kComponent = "deployment-controller";
constexpr std::size_t kMaxRevisionHistoryChars = 2000;

int64_t spec_replicas(const Json& o) { return integer(path(o, {"spec", "replicas"}), 1); }
int64_t status_int(const Json& o, std::string_view k) { return integer(path(o, {"status", k}), 0); }

// Revision annotation, 0 when missing or unparsable (deploymentutil.Revision).
int64_t revision_of(const Json& rs) {
  std::string v = annotation(rs, kRevisionAnnotation);
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 18) return 0;
  return std::stoll(v);
}

bool is_rolling(const Json& d) { return str(path(d, {"spec", "strategy", "type"}), "RollingUpdate") != "Recreate"; }

std::optional<int64_t> int_annotation(const Json& rs, std::string_view key) {
  std::string v = annotation(rs, key);
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 10) return std::nullopt;
  return std::stoll(v);
}

Json normalized_template(const Json& t) {
  Json c = t.is_null() ? Json::object() : t;
  if (c.contains("metadata") && c["metadata"].is_object()) {
    Json& meta = c["metadata"];
    if (meta.contains("labels") && meta["labels"].is_object()) {
      meta["labels"].erase(std::string(kPodTemplateHashLabel));
      if (meta["labels"].empty()) meta.erase("labels");
    }
    if (meta.is_object() && meta.empty()) c.erase("metadata");
  }
  return c;
}

bool older(const Json& a, const Json& b) {  // ReplicaSetsByCreationTimestamp
  auto ta = creation_time(a), tb = creation_time(b);
  if (ta == tb) return name_of(a) < name_of(b);
  if (!ta) return false;  // not yet created: newest
  if (!tb) return true;
  return *ta < *tb;
}

// One sync of one Deployment. ReplicaSets are copies that the sync scales in
// place; each changed ReplicaSet becomes one Create or Update at the end, so
// several changes in one sync never conflict on resourceVersion.
class DeploymentSync {
 public:
  DeploymentSync(const Json& d, const Context& ctx) : d_(d), ctx_(ctx), orig_status_(field(d, "status")) {
    if (!d_["status"].is_object()) d_["status"] = Json::object();
    orig_revision_ = annotation(d, kRevisionAnnotation);
  }

  ReconcileResult run();

 private:
  struct Rs {
    Json obj;
    bool created = false;  // to be created by this sync
    int dirty_order = -1;  // position among changed ReplicaSets
  };
  using RsList = std::vector<Rs*>;

  void warn(std::string_view reason, std::string message) {
    events_.push_back(make_event(d_, "Warning", reason, std::move(message), ctx_.now, kComponent));
  }
  void normal(std::string_view reason, std::string message) {
    events_.push_back(make_event(d_, "Normal", reason, std::move(message), ctx_.now, kComponent));
  }
  void mark_dirty(Rs& rs) {
    if (rs.dirty_order < 0) rs.dirty_order = next_dirty_++;
  }

  bool has_progress_deadline() const {
    const Json& v = path(d_, {"spec", "progressDeadlineSeconds"});
    return v.is_null() || integer(v, 600) != INT32_MAX;  // defaulted to 600
  }
  int64_t progress_deadline() const { return integer(path(d_, {"spec", "progressDeadlineSeconds"}), 600); }
  int64_t max_surge() const { return is_rolling(d_) ? resolve_fenceposts(d_).surge : 0; }
  int64_t max_unavailable() const {
    int64_t replicas = spec_replicas(d_);
    if (!is_rolling(d_) || replicas == 0) return 0;
    return std::min(resolve_fenceposts(d_).unavailable, replicas);
  }
  bool set_cond(std::string_view type, std::string_view status, std::string_view reason, std::string_view msg) {
    return set_condition(d_["status"], type, status, reason, msg, ctx_.now, true);
  }

  // ReplicaSet bookkeeping.
  void split_new_and_old();
  bool set_new_rs_annotations(Json& rs, int64_t new_revision, bool exists);
  bool set_replicas_annotations(Json& rs);
  bool copy_deployment_annotations(Json& rs);
  Rs* get_new_rs(bool create);
  void get_all_and_sync_revision(bool create);
  int64_t new_rs_new_replicas(const Rs& new_rs) const;

  // Scaling.
  bool scale_rs(Rs& rs, int64_t new_scale, std::string_view operation);
  bool scale_rs_and_record(Rs& rs, int64_t new_scale);
  void proportional_scale();
  bool reconcile_new_rs();
  bool reconcile_old_rss();
  void cleanup();

  // Strategies and status.
  void sync_scale_only();
  void rollout_rolling();
  void rollout_recreate();
  bool old_pods_running() const;
  Json calculate_status();
  void sync_rollout_status();
  void sync_status_only();
  bool complete(const Json& status) const;
  void check_paused_conditions();
  bool is_scaling_event() const;

  RsList all_rss() const {
    RsList all = old_;
    if (new_) all.push_back(new_);
    return all;
  }
  static RsList active(const RsList& l) {
    RsList out;
    for (Rs* r : l)
      if (spec_replicas(r->obj) > 0) out.push_back(r);
    return out;
  }
  static int64_t sum_spec(const RsList& l) {
    int64_t n = 0;
    for (Rs* r : l) n += spec_replicas(r->obj);
    return n;
  }
  static int64_t sum_status(const RsList& l, std::string_view k) {
    int64_t n = 0;
    for (Rs* r : l) n += status_int(r->obj, k);
    return n;
  }

  Json d_;
  const Context& ctx_;
  Json orig_status_;
  std::string orig_revision_;
  std::vector<std::unique_ptr<Rs>> rss_;  // controlled ReplicaSets (and the one created)
  Rs* new_ = nullptr;
  RsList old_;
  bool split_done_ = false;
  int next_dirty_ = 0;
  std::vector<Action> adoption_;
  std::vector<Action> deletions_;
  std::vector<Action> events_;
  ReconcileResult out_;
};

Fenceposts compute_fenceposts(const Json& d) {
  int64_t replicas = spec_replicas(d);
  const Json& ru = path(d, {"spec", "strategy", "rollingUpdate"});
  Json surge = field(ru, "maxSurge"), unavail = field(ru, "maxUnavailable");
  if (surge.is_null()) surge = "25%";
  if (unavail.is_null()) unavail = "25%";
  Fenceposts f;
  f.surge = std::max<int64_t>(0, scaled_int_or_percent(surge, replicas, true).value_or(0));
  f.unavailable = std::max<int64_t>(0, scaled_int_or_percent(unavail, replicas, false).value_or(0));
  if (f.surge == 0 && f.unavailable == 0) f.unavailable = 1;
  return f;
}

void DeploymentSync::split_new_and_old() {
  if (split_done_) return;
  split_done_ = true;
  RsList sorted;
  for (auto& r : rss_) sorted.push_back(r.get());
  std::sort(sorted.begin(), sorted.end(), [](Rs* a, Rs* b) { return older(a->obj, b->obj); });
  Json want = normalized_template(path(d_, {"spec", "template"}));
  for (Rs* r : sorted) {
    if (!new_ && normalized_template(path(r->obj, {"spec", "template"})) == want) {
      new_ = r;
      continue;
    }
    old_.push_back(r);
  }
}

bool DeploymentSync::copy_deployment_annotations(Json& rs) {
  bool changed = false;
  const Json& anns = annotations_of(d_);
  if (!anns.is_object()) return false;
  for (auto it = anns.begin(); it != anns.end(); ++it) {
    const std::string& k = it.key();
    if (k == "kubectl.kubernetes.io/last-applied-configuration" || k == kRevisionAnnotation ||
        k == kRevisionHistoryAnnotation || k == kDesiredReplicasAnnotation || k == kMaxReplicasAnnotation ||
        k == "deprecated.deployment.rollback.to")
      continue;
    Json& target = rs["metadata"]["annotations"];
    if (!target.is_object()) target = Json::object();
    if (target[k] != it.value()) {
      target[k] = it.value();
      changed = true;
    }
  }
  return changed;
}

bool DeploymentSync::set_replicas_annotations(Json& rs) {
  std::string desired = std::to_string(spec_replicas(d_));
  std::string max = std::to_string(spec_replicas(d_) + max_surge());
  Json& anns = rs["metadata"]["annotations"];
  if (!anns.is_object()) anns = Json::object();
  bool changed = false;
  if (str(field(anns, kDesiredReplicasAnnotation)) != desired) {
    anns[std::string(kDesiredReplicasAnnotation)] = desired;
    changed = true;
  }
  if (str(field(anns, kMaxReplicasAnnotation)) != max) {
    anns[std::string(kMaxReplicasAnnotation)] = max;
    changed = true;
  }
  return changed;
}

bool DeploymentSync::set_new_rs_annotations(Json& rs, int64_t new_revision, bool exists) {
  bool changed = copy_deployment_annotations(rs);
  Json& anns = rs["metadata"]["annotations"];
  if (!anns.is_object()) anns = Json::object();
  bool had = anns.contains(kRevisionAnnotation);
  std::string old_rev_text = str(field(anns, kRevisionAnnotation));
  int64_t old_rev = revision_of(rs);
  if (old_rev < new_revision) {
    anns[std::string(kRevisionAnnotation)] = std::to_string(new_revision);
    changed = true;
  }
  // A ReplicaSet that already had a revision gets a newer one only when the
  // Deployment rolls back to it: keep the old revisions for history.
  if (had && old_rev < new_revision) {
    std::string history = str(field(anns, kRevisionHistoryAnnotation));
    if (history.empty()) {
      anns[std::string(kRevisionHistoryAnnotation)] = old_rev_text;
    } else {
      std::vector<std::string> parts;
      std::size_t start = 0;
      for (std::size_t i = 0; i <= history.size(); ++i)
        if (i == history.size() || history[i] == ',') {
          parts.push_back(history.substr(start, i - start));
          start = i + 1;
        }
      std::size_t total = history.size() + old_rev_text.size() + 1, first = 0;
      while (total > kMaxRevisionHistoryChars && first < parts.size()) total -= parts[first++].size() + 1;
      if (total <= kMaxRevisionHistoryChars) {
        std::string joined;
        for (std::size_t i = first; i < parts.size(); ++i) joined += parts[i] + ",";
        anns[std::string(kRevisionHistoryAnnotation)] = joined + old_rev_text;
      }
    }
  }
  if (!exists && set_replicas_annotations(rs)) changed = true;
  return changed;
}

int64_t DeploymentSync::new_rs_new_replicas(const Rs& new_rs) const {
  int64_t replicas = spec_replicas(d_);
  if (!is_rolling(d_)) return replicas;
  int64_t current = sum_spec(all_rss());
  if (new_rs.created && std::find(old_.begin(), old_.end(), &new_rs) == old_.end() && new_ != &new_rs)
    current += spec_replicas(new_rs.obj);
  int64_t max_total = replicas + max_surge();
  int64_t cur_new = spec_replicas(new_rs.obj);
  if (current >= max_total) return cur_new;
  int64_t up = std::min(max_total - current, replicas - cur_new);
  return cur_new + up;
}

DeploymentSync::Rs* DeploymentSync::get_new_rs(bool create) {
  int64_t max_old = 0;
  for (Rs* r : old_) max_old = std::max(max_old, revision_of(r->obj));
  int64_t new_revision = max_old + 1;
  const int64_t min_ready = integer(path(d_, {"spec", "minReadySeconds"}), 0);

  if (new_) {
    bool annotations = set_new_rs_annotations(new_->obj, new_revision, true);
    bool min_ready_changed = integer(path(new_->obj, {"spec", "minReadySeconds"}), 0) != min_ready;
    if (annotations || min_ready_changed) {
      new_->obj["spec"]["minReadySeconds"] = min_ready;
      mark_dirty(*new_);
    }
    d_["metadata"]["annotations"][std::string(kRevisionAnnotation)] = annotation(new_->obj, kRevisionAnnotation);
    if (has_progress_deadline() && !find_condition(d_["status"], "Progressing"))
      set_cond("Progressing", "True", "FoundNewReplicaSet", "Found new replica set \"" + name_of(new_->obj) + "\"");
    return new_;
  }
  if (!create) return nullptr;

  // Name <deployment>-<hash>; a name taken by a different template is a hash
  // collision: bump status.collisionCount and hash again.
  Json tmpl = path(d_, {"spec", "template"});
  std::optional<int64_t> collisions;
  if (path(d_, {"status", "collisionCount"}).is_number_integer()) collisions = d_["status"]["collisionCount"].get<int64_t>();
  std::string hash, rs_name;
  for (int attempt = 0; attempt < 100; ++attempt) {
    hash = compute_template_hash(tmpl, collisions);
    rs_name = name_of(d_) + "-" + hash;
    const Json* existing = ctx_.store.get("ReplicaSet", namespace_of(d_), rs_name);
    if (!existing) break;
    if (controlled_by(*existing, d_) &&
        normalized_template(path(*existing, {"spec", "template"})) == normalized_template(tmpl)) {
      // Ours and the same template (the claim above did not see it match the
      // selector): use it as is.
      auto rs = std::make_unique<Rs>();
      rs->obj = *existing;
      rss_.push_back(std::move(rs));
      new_ = rss_.back().get();
      return new_;
    }
    collisions = collisions.value_or(0) + 1;
    d_["status"]["collisionCount"] = *collisions;
  }

  Json labels = path(tmpl, {"metadata", "labels"});
  if (!labels.is_object()) labels = Json::object();
  labels[std::string(kPodTemplateHashLabel)] = hash;
  tmpl["metadata"]["labels"] = labels;
  Json selector = path(d_, {"spec", "selector"});
  selector["matchLabels"][std::string(kPodTemplateHashLabel)] = hash;

  auto rs = std::make_unique<Rs>();
  rs->created = true;
  rs->obj = Json{{"apiVersion", "apps/v1"},
                 {"kind", "ReplicaSet"},
                 {"metadata",
                  {{"name", rs_name},
                   {"namespace", namespace_of(d_)},
                   {"labels", labels},
                   {"ownerReferences", Json::array({make_controller_ref(d_)})}}},
                 {"spec",
                  {{"replicas", 0},
                   {"minReadySeconds", min_ready},
                   {"selector", selector},
                   {"template", tmpl}}}};
  Rs* r = rs.get();
  rss_.push_back(std::move(rs));
  int64_t replicas = new_rs_new_replicas(*r);
  r->obj["spec"]["replicas"] = replicas;
  set_new_rs_annotations(r->obj, new_revision, false);
  mark_dirty(*r);
  new_ = r;
  if (replicas > 0)
    normal("ScalingReplicaSet", "Scaled up replica set " + rs_name + " from 0 to " + std::to_string(replicas));
  d_["metadata"]["annotations"][std::string(kRevisionAnnotation)] = std::to_string(new_revision);
  if (has_progress_deadline())
    set_cond("Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"" + rs_name + "\"");
  return new_;
}

void DeploymentSync::get_all_and_sync_revision(bool create) {
  split_new_and_old();
  get_new_rs(create);
}

bool DeploymentSync::scale_rs(Rs& rs, int64_t new_scale, std::string_view operation) {
  int64_t old_scale = spec_replicas(rs.obj);
  bool size_changed = old_scale != new_scale;
  Json probe = rs.obj;
  bool annotations_changed = set_replicas_annotations(probe);
  if (!size_changed && !annotations_changed) return false;
  rs.obj = std::move(probe);
  rs.obj["spec"]["replicas"] = new_scale;
  mark_dirty(rs);
  if (size_changed)
    normal("ScalingReplicaSet", "Scaled " + std::string(operation) + " replica set " + name_of(rs.obj) + " from " +
                                    std::to_string(old_scale) + " to " + std::to_string(new_scale));
  return size_changed;
}

bool DeploymentSync::scale_rs_and_record(Rs& rs, int64_t new_scale) {
  int64_t cur = spec_replicas(rs.obj);
  if (cur == new_scale) return false;
  return scale_rs(rs, new_scale, cur < new_scale ? "up" : "down");
}

void DeploymentSync::proportional_scale() {
  const int64_t replicas = spec_replicas(d_);
  // FindActiveOrLatest: one active ReplicaSet (or none) takes everything.
  if (new_ || !old_.empty()) {
    RsList act = active(all_rss());
    Rs* target = nullptr;
    if (act.empty()) {
      if (new_) {
        target = new_;
      } else {
        RsList sorted = old_;
        std::sort(sorted.begin(), sorted.end(), [](Rs* a, Rs* b) { return older(b->obj, a->obj); });
        target = sorted.front();
      }
    } else if (act.size() == 1) {
      target = act.front();
    }
    if (target) {
      if (spec_replicas(target->obj) != replicas) scale_rs_and_record(*target, replicas);
      return;
    }
  }
  // The new ReplicaSet is saturated: old ones go to zero.
  if (new_ && int_annotation(new_->obj, kDesiredReplicasAnnotation) == replicas &&
      spec_replicas(new_->obj) == replicas && status_int(new_->obj, "availableReplicas") == replicas) {
    for (Rs* r : active(old_)) scale_rs_and_record(*r, 0);
    return;
  }
  if (!is_rolling(d_)) return;

  RsList all = active(all_rss());
  int64_t allowed = replicas > 0 ? replicas + max_surge() : 0;
  int64_t to_add = allowed - sum_spec(all);
  std::string op;
  if (to_add > 0) {
    // Bigger first, then newer.
    std::sort(all.begin(), all.end(), [](Rs* a, Rs* b) {
      if (spec_replicas(a->obj) != spec_replicas(b->obj)) return spec_replicas(a->obj) > spec_replicas(b->obj);
      return older(b->obj, a->obj);
    });
    op = "up";
  } else if (to_add < 0) {
    std::sort(all.begin(), all.end(), [](Rs* a, Rs* b) {
      if (spec_replicas(a->obj) != spec_replicas(b->obj)) return spec_replicas(a->obj) > spec_replicas(b->obj);
      return older(a->obj, b->obj);
    });
    op = "down";
  }
  int64_t added = 0;
  std::map<Rs*, int64_t> size;
  for (Rs* r : all) {
    int64_t cur = spec_replicas(r->obj);
    if (to_add == 0) {
      size[r] = cur;
      continue;
    }
    // GetProportion: this ReplicaSet's share of the change, from the
    // max-replicas annotation it was last scaled for.
    int64_t proportion = 0;
    if (cur != 0 && to_add != added) {
      int64_t fraction;
      if (replicas == 0) {
        fraction = -cur;
      } else {
        int64_t dep_replicas = replicas + max_surge();
        int64_t annotated = int_annotation(r->obj, kMaxReplicasAnnotation).value_or(status_int(d_, "replicas"));
        double new_size = annotated == 0 ? 0.0 : static_cast<double>(cur * dep_replicas) / static_cast<double>(annotated);
        fraction = static_cast<int64_t>(std::llround(new_size)) - cur;
      }
      int64_t allowed_left = to_add - added;
      proportion = to_add > 0 ? std::min(fraction, allowed_left) : std::max(fraction, allowed_left);
    }
    size[r] = cur + proportion;
    added += proportion;
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    Rs* r = all[i];
    if (i == 0 && to_add != 0) size[r] = std::max<int64_t>(0, size[r] + (to_add - added));
    scale_rs(*r, size[r], op);
  }
}

bool DeploymentSync::reconcile_new_rs() {
  int64_t replicas = spec_replicas(d_);
  int64_t cur = spec_replicas(new_->obj);
  if (cur == replicas) return false;
  if (cur > replicas) return scale_rs_and_record(*new_, replicas);
  return scale_rs_and_record(*new_, new_rs_new_replicas(*new_));
}

bool DeploymentSync::reconcile_old_rss() {
  RsList olds = active(old_);
  if (sum_spec(olds) == 0) return false;
  const int64_t replicas = spec_replicas(d_);
  int64_t all_pods = sum_spec(all_rss());
  int64_t min_available = replicas - max_unavailable();
  int64_t new_unavailable = spec_replicas(new_->obj) - status_int(new_->obj, "availableReplicas");
  int64_t max_scaled_down = all_pods - min_available - new_unavailable;
  if (max_scaled_down <= 0) return false;

  // Unhealthy old replicas go first: they cost no availability.
  std::sort(olds.begin(), olds.end(), [](Rs* a, Rs* b) { return older(a->obj, b->obj); });
  int64_t cleaned = 0;
  for (Rs* r : olds) {
    if (cleaned >= max_scaled_down) break;
    int64_t cur = spec_replicas(r->obj), avail = status_int(r->obj, "availableReplicas");
    if (cur == 0 || cur == avail) continue;
    int64_t down = std::min(max_scaled_down - cleaned, cur - avail);
    scale_rs_and_record(*r, cur - down);
    cleaned += down;
  }

  // Then available ones, as far as minAvailable allows.
  int64_t available = sum_status(all_rss(), "availableReplicas");
  int64_t scaled = 0;
  if (available > min_available) {
    int64_t total = available - min_available;
    for (Rs* r : olds) {
      if (scaled >= total) break;
      int64_t cur = spec_replicas(r->obj);
      if (cur == 0) continue;
      int64_t down = std::min(cur, total - scaled);
      scale_rs_and_record(*r, cur - down);
      scaled += down;
    }
  }
  return cleaned + scaled > 0;
}

void DeploymentSync::cleanup() {
  const Json& limit_v = path(d_, {"spec", "revisionHistoryLimit"});
  int64_t limit = integer(limit_v, 10);
  if (limit == INT32_MAX) return;
  RsList alive;
  for (Rs* r : old_)
    if (!being_deleted(r->obj) && !r->created) alive.push_back(r);
  int64_t diff = static_cast<int64_t>(alive.size()) - limit;
  if (diff <= 0) return;
  std::sort(alive.begin(), alive.end(), [](Rs* a, Rs* b) {
    int64_t ra = revision_of(a->obj), rb = revision_of(b->obj);
    if (ra == rb) return older(a->obj, b->obj);
    return ra < rb;
  });
  for (int64_t i = 0; i < diff; ++i) {
    const Json& rs = alive[static_cast<std::size_t>(i)]->obj;
    if (status_int(rs, "replicas") != 0 || spec_replicas(rs) != 0 ||
        generation_of(rs) > status_int(rs, "observedGeneration"))
      continue;
    deletions_.push_back(make_delete(rs));
  }
}

Json DeploymentSync::calculate_status() {
  RsList all = all_rss();
  int64_t available = sum_status(all, "availableReplicas");
  int64_t total = sum_spec(all);
  Json status = d_["status"];
  auto put = [&](std::string_view k, int64_t v) {
    if (v != 0)
      status[std::string(k)] = v;
    else
      status.erase(std::string(k));
  };
  put("observedGeneration", generation_of(d_));
  put("replicas", sum_status(all, "replicas"));
  put("updatedReplicas", new_ ? status_int(new_->obj, "replicas") : 0);
  put("readyReplicas", sum_status(all, "readyReplicas"));
  put("availableReplicas", available);
  put("unavailableReplicas", std::max<int64_t>(0, total - available));
  if (available >= spec_replicas(d_) - max_unavailable())
    set_condition(status, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.",
                  ctx_.now, true);
  else
    set_condition(status, "Available", "False", "MinimumReplicasUnavailable",
                  "Deployment does not have minimum availability.", ctx_.now, true);
  return status;
}

bool DeploymentSync::complete(const Json& status) const {
  int64_t replicas = spec_replicas(d_);
  return integer(field(status, "updatedReplicas"), 0) == replicas && integer(field(status, "replicas"), 0) == replicas &&
         integer(field(status, "availableReplicas"), 0) == replicas &&
         integer(field(status, "observedGeneration"), 0) >= generation_of(d_);
}

void DeploymentSync::sync_rollout_status() {
  Json status = calculate_status();
  if (!has_progress_deadline()) remove_condition(status, "Progressing");
  const Json* cur_ptr = find_condition(d_["status"], "Progressing");
  std::optional<Json> cur;
  if (cur_ptr) cur = *cur_ptr;
  bool is_complete = integer(field(status, "replicas"), 0) == integer(field(status, "updatedReplicas"), 0) && cur &&
                     str(field(*cur, "reason")) == "NewReplicaSetAvailable";
  std::string what = new_ ? "ReplicaSet \"" + name_of(new_->obj) + "\"" : "Deployment \"" + name_of(d_) + "\"";
  if (has_progress_deadline() && !is_complete) {
    const Json& old = d_["status"];
    auto progressing = [&] {
      int64_t old_old = integer(field(old, "replicas"), 0) - integer(field(old, "updatedReplicas"), 0);
      int64_t new_old = integer(field(status, "replicas"), 0) - integer(field(status, "updatedReplicas"), 0);
      return integer(field(status, "updatedReplicas"), 0) > integer(field(old, "updatedReplicas"), 0) ||
             new_old < old_old ||
             integer(field(status, "readyReplicas"), 0) > integer(field(old, "readyReplicas"), 0) ||
             integer(field(status, "availableReplicas"), 0) > integer(field(old, "availableReplicas"), 0);
    };
    auto timed_out = [&] {
      if (!cur) return false;
      std::string reason = str(field(*cur, "reason"));
      if (reason == "NewReplicaSetAvailable") return false;
      if (reason == "ProgressDeadlineExceeded") return true;
      auto from = parse_time(str(field(*cur, "lastUpdateTime")));
      return from && *from + std::chrono::seconds(progress_deadline()) < ctx_.now;
    };
    if (complete(status)) {
      set_condition(status, "Progressing", "True", "NewReplicaSetAvailable", what + " has successfully progressed.",
                    ctx_.now, true);
    } else if (progressing()) {
      Json cond{{"type", "Progressing"},
                {"status", "True"},
                {"reason", "ReplicaSetUpdated"},
                {"message", what + " is progressing."},
                {"lastUpdateTime", format_time(ctx_.now)},
                {"lastTransitionTime", format_time(ctx_.now)}};
      if (cur && str(field(*cur, "status")) == "True" && field(*cur, "lastTransitionTime").is_string())
        cond["lastTransitionTime"] = (*cur)["lastTransitionTime"];
      remove_condition(status, "Progressing");
      status["conditions"].push_back(std::move(cond));
    } else if (timed_out()) {
      set_condition(status, "Progressing", "False", "ProgressDeadlineExceeded", what + " has timed out progressing.",
                    ctx_.now, true);
    }
  }
  if (status != d_["status"]) d_["status"] = status;
  // requeueStuckDeployment: look again when the deadline would pass.
  const Json* now_cond = find_condition(d_["status"], "Progressing");
  if (has_progress_deadline() && now_cond && str(field(*now_cond, "reason")) != "NewReplicaSetAvailable" &&
      str(field(*now_cond, "reason")) != "ProgressDeadlineExceeded" && !complete(d_["status"])) {
    if (auto from = parse_time(str(field(*now_cond, "lastUpdateTime"))))
      out_.requeue(std::chrono::duration_cast<std::chrono::seconds>(
          *from + std::chrono::seconds(progress_deadline() + 1) - ctx_.now));
  }
}

void DeploymentSync::sync_status_only() {
  get_all_and_sync_revision(false);
  d_["status"] = calculate_status();
}

void DeploymentSync::check_paused_conditions() {
  if (!has_progress_deadline()) return;
  const Json* cond = find_condition(d_["status"], "Progressing");
  if (cond && str(field(*cond, "reason")) == "ProgressDeadlineExceeded") return;
  bool paused_cond = cond && str(field(*cond, "reason")) == "DeploymentPaused";
  bool paused = boolean(path(d_, {"spec", "paused"}), false);
  if (paused && !paused_cond)
    set_cond("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused");
  else if (!paused && paused_cond)
    set_cond("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed");
}

bool DeploymentSync::is_scaling_event() const {
  int64_t replicas = spec_replicas(d_);
  for (const auto& r : rss_) {
    if (spec_replicas(r->obj) <= 0) continue;
    if (auto desired = int_annotation(r->obj, kDesiredReplicasAnnotation); desired && *desired != replicas) return true;
  }
  return false;
}

void DeploymentSync::sync_scale_only() {
  get_all_and_sync_revision(false);
  proportional_scale();
  if (boolean(path(d_, {"spec", "paused"}), false)) cleanup();
  d_["status"] = calculate_status();
}

void DeploymentSync::rollout_rolling() {
  get_all_and_sync_revision(true);
  if (reconcile_new_rs()) return sync_rollout_status();
  if (reconcile_old_rss()) return sync_rollout_status();
  if (complete(d_["status"])) cleanup();
  sync_rollout_status();
}

bool DeploymentSync::old_pods_running() const {
  if (sum_status(old_, "replicas") > 0) return true;
  std::vector<std::string> old_uids;
  for (Rs* r : old_) old_uids.push_back(uid_of(r->obj));
  for (const Json* pod : ctx_.store.list("Pod", namespace_of(d_))) {
    const Json* ref = controller_ref(*pod);
    if (!ref || std::find(old_uids.begin(), old_uids.end(), str(field(*ref, "uid"))) == old_uids.end()) continue;
    std::string phase = pod_phase(*pod);
    if (phase == "Failed" || phase == "Succeeded") continue;
    return true;
  }
  return false;
}

void DeploymentSync::rollout_recreate() {
  get_all_and_sync_revision(false);
  bool scaled_down = false;
  for (Rs* r : active(old_))
    if (scale_rs_and_record(*r, 0)) scaled_down = true;
  if (scaled_down) return sync_rollout_status();
  if (old_pods_running()) return sync_rollout_status();
  if (!new_) get_new_rs(true);
  scale_rs_and_record(*new_, spec_replicas(d_));
  if (complete(d_["status"])) cleanup();
  sync_rollout_status();
}

ReconcileResult DeploymentSync::run() {
  // Bad input: a selector that selects everything, nothing, or not the
  // template's own pods. Report it once per generation; touch nothing.
  auto selector = LabelSelector::parse(path(d_, {"spec", "selector"}));
  std::string problem, reason = "InvalidSelector";
  if (!selector) {
    problem = "invalid selector: " + selector.error().message;
  } else if (selector->empty()) {
    reason = "SelectingAll";
    problem = "This deployment is selecting all pods. A non-empty selector is required.";
  } else if (selector->matches_nothing()) {
    problem = "spec.selector is missing";
  } else if (!selector->matches(path(d_, {"spec", "template", "metadata", "labels"}))) {
    problem = "`selector` does not match template `labels`";
  }
  if (!problem.empty()) {
    Json status = d_["status"];
    status["observedGeneration"] = generation_of(d_);
    if (set_condition(status, "ReplicaFailure", "True", reason, problem, ctx_.now, true)) warn(reason, problem);
    if (status != orig_status_) {
      d_["status"] = status;
      out_.actions.push_back(make_update_status(d_));
    }
    for (auto& e : events_) out_.actions.push_back(std::move(e));
    return std::move(out_);
  }
  if (const Json* rf = find_condition(d_["status"], "ReplicaFailure");
      rf && (str(field(*rf, "reason")) == "InvalidSelector" || str(field(*rf, "reason")) == "SelectingAll"))
    remove_condition(d_["status"], "ReplicaFailure");

  std::vector<const Json*> candidates = ctx_.store.list("ReplicaSet", namespace_of(d_));
  Claimed claimed = claim_objects(d_, *selector, candidates);
  adoption_ = std::move(claimed.patches);
  for (const Json* o : claimed.objects) {
    auto rs = std::make_unique<Rs>();
    rs->obj = *o;
    if (!controlled_by(rs->obj, d_)) {  // adopted just now
      rs->obj["metadata"]["ownerReferences"] = Json::array({make_controller_ref(d_)});
    }
    rss_.push_back(std::move(rs));
  }

  if (being_deleted(d_)) {
    sync_status_only();
  } else {
    check_paused_conditions();
    if (boolean(path(d_, {"spec", "paused"}), false) || is_scaling_event()) {
      sync_scale_only();
    } else if (is_rolling(d_)) {
      rollout_rolling();
    } else {
      rollout_recreate();
    }
  }

  // Emit: adoptions, ReplicaSet writes in the order they were first changed,
  // deletions, the Deployment's status and revision, then events.
  for (auto& a : adoption_) out_.actions.push_back(std::move(a));
  RsList dirty;
  for (auto& r : rss_)
    if (r->dirty_order >= 0) dirty.push_back(r.get());
  std::sort(dirty.begin(), dirty.end(), [](Rs* a, Rs* b) { return a->dirty_order < b->dirty_order; });
  for (Rs* r : dirty) out_.actions.push_back(r->created ? make_create(r->obj) : make_update(r->obj));
  for (auto& a : deletions_) out_.actions.push_back(std::move(a));
  if (d_["status"] != orig_status_) out_.actions.push_back(make_update_status(d_));
  std::string revision = annotation(d_, kRevisionAnnotation);
  if (revision != orig_revision_ && !revision.empty())
    out_.actions.push_back(make_patch(
        d_, kMergePatch, Json{{"metadata", {{"annotations", {{std::string(kRevisionAnnotation), revision}}}}}}));
  for (auto& e : events_) out_.actions.push_back(std::move(e));
  return std::move(out_);
}

}  // namespace

Fenceposts resolve_fenceposts(const Json& deployment) { return compute_fenceposts(deployment); }

bool templates_equal_ignoring_hash(const Json& a, const Json& b) {
  return normalized_template(a) == normalized_template(b);
}

ReconcileResult reconcile_deployment(const Json& deployment, const Context& ctx) {
  DeploymentSync sync(deployment, ctx);
  return sync.run();
}

}  // namespace skiff::controllers
