// core/v1 Pod and Node JSON -> PodView / NodeView. Internally a parse error
// is thrown with its field path and turned into a Result at the boundary.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "scheduler/node_view.h"
#include "scheduler/pod_view.h"
#include "scheduler/quantity.h"

namespace skiff::scheduler {
namespace {

using json = nlohmann::json;

struct ParseError {
  std::string message;
};

[[noreturn]] void bad(const std::string& path, const std::string& what) { throw ParseError{path + ": " + what}; }

std::string join(const std::string& path, const char* name) { return path.empty() ? name : path + "." + name; }

const json* field(const json& obj, const char* name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string str(const json& obj, const char* name, const std::string& path) {
  const json* f = field(obj, name);
  if (!f) return {};
  if (!f->is_string()) bad(join(path, name), "must be a string");
  return f->get<std::string>();
}

const json* object(const json& obj, const char* name, const std::string& path) {
  const json* f = field(obj, name);
  if (f && !f->is_object()) bad(join(path, name), "must be an object");
  return f;
}

const json* array(const json& obj, const char* name, const std::string& path) {
  const json* f = field(obj, name);
  if (f && !f->is_array()) bad(join(path, name), "must be an array");
  return f;
}

int64_t integer(const json& obj, const char* name, const std::string& path, int64_t dflt) {
  const json* f = field(obj, name);
  if (!f) return dflt;
  if (!f->is_number_integer()) bad(join(path, name), "must be an integer");
  return f->get<int64_t>();
}

std::vector<std::string> strings(const json& obj, const char* name, const std::string& path) {
  std::vector<std::string> out;
  const json* a = array(obj, name, path);
  if (!a) return out;
  for (size_t i = 0; i < a->size(); i++) {
    if (!(*a)[i].is_string()) bad(join(path, name) + "[" + std::to_string(i) + "]", "must be a string");
    out.push_back((*a)[i].get<std::string>());
  }
  return out;
}

Labels string_map(const json& obj, const char* name, const std::string& path) {
  Labels out;
  const json* m = object(obj, name, path);
  if (!m) return out;
  for (auto it = m->begin(); it != m->end(); ++it) {
    if (!it.value().is_string()) bad(join(path, name) + "." + it.key(), "must be a string");
    out.emplace_back(it.key(), it.value().get<std::string>());
  }
  sort_labels(out);
  return out;
}

// ---- quantities and resources ----

void add_resource(Resources& r, const std::string& name, const json& value, const std::string& path) {
  if (!value.is_string() && !value.is_number()) bad(path, "must be a quantity");
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  bool milli = name == "cpu";
  auto v = milli ? parse_milli_value(text) : parse_value(text);
  if (!v) bad(path, "invalid quantity \"" + text + "\": " + v.error().message);
  if (*v < 0) bad(path, "must be greater than or equal to 0");
  if (name == "cpu")
    r.milli_cpu += *v;
  else if (name == "memory")
    r.memory += *v;
  else if (name == "ephemeral-storage")
    r.ephemeral_storage += *v;
  else if (name == "pods")
    r.pods += *v;
  else
    r.add_scalar(name, *v);
}

Resources resource_list(const json* list, const std::string& path) {
  Resources r;
  if (!list) return r;
  if (!list->is_object()) bad(path, "must be an object");
  for (auto it = list->begin(); it != list->end(); ++it) add_resource(r, it.key(), it.value(), path + "." + it.key());
  return r;
}

struct ContainerRequests {
  Resources requests;
  int64_t nonzero_cpu = 0;
  int64_t nonzero_memory = 0;
};

// Requests of one container. Missing requests take the limit's value, as
// the API server's defaulting does; missing CPU/memory count with kube's
// non-zero defaults for scoring.
ContainerRequests container_requests(const json& c, const std::string& path) {
  ContainerRequests out;
  const json* res = object(c, "resources", path);
  const json* req = res ? object(*res, "requests", path + ".resources") : nullptr;
  const json* lim = res ? object(*res, "limits", path + ".resources") : nullptr;
  out.requests = resource_list(req, path + ".resources.requests");
  bool has_cpu = req && field(*req, "cpu"), has_mem = req && field(*req, "memory");
  if (lim) {
    for (auto it = lim->begin(); it != lim->end(); ++it) {
      if (req && field(*req, it.key().c_str())) continue;
      add_resource(out.requests, it.key(), it.value(), path + ".resources.limits." + it.key());
      if (it.key() == "cpu") has_cpu = true;
      if (it.key() == "memory") has_mem = true;
    }
  }
  out.nonzero_cpu = has_cpu ? out.requests.milli_cpu : kDefaultMilliCpuRequest;
  out.nonzero_memory = has_mem ? out.requests.memory : kDefaultMemoryRequest;
  return out;
}

// ---- selectors ----

LabelSelector label_selector(const json* sel, const std::string& path) {
  if (!sel) return LabelSelector{};  // null: nothing
  if (!sel->is_object()) bad(path, "must be an object");
  LabelSelector out = LabelSelector::everything();
  for (auto& [k, v] : string_map(*sel, "matchLabels", path))
    out.requirements.push_back({k, LabelRequirement::Op::In, {v}});
  if (const json* exprs = array(*sel, "matchExpressions", path)) {
    for (size_t i = 0; i < exprs->size(); i++) {
      std::string p = path + ".matchExpressions[" + std::to_string(i) + "]";
      const json& e = (*exprs)[i];
      LabelRequirement r;
      r.key = str(e, "key", p);
      if (r.key.empty()) bad(p + ".key", "must not be empty");
      std::string op = str(e, "operator", p);
      r.values = strings(e, "values", p);
      if (op == "In" || op == "NotIn") {
        r.op = op == "In" ? LabelRequirement::Op::In : LabelRequirement::Op::NotIn;
        if (r.values.empty()) bad(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
      } else if (op == "Exists" || op == "DoesNotExist") {
        r.op = op == "Exists" ? LabelRequirement::Op::Exists : LabelRequirement::Op::DoesNotExist;
        if (!r.values.empty()) bad(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      } else {
        bad(p + ".operator", "not a valid selector operator \"" + op + "\"");
      }
      out.requirements.push_back(std::move(r));
    }
  }
  return out;
}

std::vector<NodeSelectorRequirement> node_requirements(const json& term, const char* name, const std::string& path,
                                                       bool fields) {
  std::vector<NodeSelectorRequirement> out;
  const json* exprs = array(term, name, path);
  if (!exprs) return out;
  for (size_t i = 0; i < exprs->size(); i++) {
    std::string p = path + "." + name + "[" + std::to_string(i) + "]";
    const json& e = (*exprs)[i];
    NodeSelectorRequirement r;
    r.key = str(e, "key", p);
    if (r.key.empty()) bad(p + ".key", "must not be empty");
    if (fields && r.key != "metadata.name") bad(p + ".key", "not a valid field selector key \"" + r.key + "\"");
    std::string op = str(e, "operator", p);
    r.values = strings(e, "values", p);
    using Op = NodeSelectorRequirement::Op;
    if (op == "In" || op == "NotIn") {
      r.op = op == "In" ? Op::In : Op::NotIn;
      if (r.values.empty()) bad(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (!fields && (op == "Exists" || op == "DoesNotExist")) {
      r.op = op == "Exists" ? Op::Exists : Op::DoesNotExist;
      if (!r.values.empty()) bad(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else if (!fields && (op == "Gt" || op == "Lt")) {
      r.op = op == "Gt" ? Op::Gt : Op::Lt;
      if (r.values.size() != 1) bad(p + ".values", "must be specified single value when `operator` is 'Lt' or 'Gt'");
      try {
        size_t used = 0;
        r.number = std::stoll(r.values[0], &used);
        if (used != r.values[0].size()) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        bad(p + ".values[0]", "must be an integer");
      }
    } else {
      bad(p + ".operator", "not a valid selector operator \"" + op + "\"");
    }
    out.push_back(std::move(r));
  }
  return out;
}

NodeSelectorTerm node_selector_term(const json& term, const std::string& path) {
  if (!term.is_object()) bad(path, "must be an object");
  NodeSelectorTerm t;
  t.expressions = node_requirements(term, "matchExpressions", path, false);
  t.fields = node_requirements(term, "matchFields", path, true);
  return t;
}

PodAffinityTerm pod_affinity_term(const json& term, const std::string& path, const std::string& pod_ns,
                                  const Labels& pod_labels) {
  if (!term.is_object()) bad(path, "must be an object");
  PodAffinityTerm t;
  t.selector = label_selector(field(term, "labelSelector"), path + ".labelSelector");
  // matchLabelKeys / mismatchLabelKeys merge the pod's own label values in.
  for (const auto& key : strings(term, "matchLabelKeys", path))
    if (const std::string* v = find_label(pod_labels, key))
      t.selector.requirements.push_back({key, LabelRequirement::Op::In, {*v}});
  for (const auto& key : strings(term, "mismatchLabelKeys", path))
    if (const std::string* v = find_label(pod_labels, key))
      t.selector.requirements.push_back({key, LabelRequirement::Op::NotIn, {*v}});
  t.namespaces = strings(term, "namespaces", path);
  if (const json* ns_sel = field(term, "namespaceSelector"))
    t.namespace_selector = label_selector(ns_sel, path + ".namespaceSelector");
  if (t.namespaces.empty() && !t.namespace_selector) t.namespaces.push_back(pod_ns);
  t.topology_key = str(term, "topologyKey", path);
  if (t.topology_key.empty()) bad(path + ".topologyKey", "can not be empty");
  return t;
}

void pod_affinity(const json& aff, const std::string& path, const char* kind, PodView& pod,
                  std::vector<PodAffinityTerm>& required, std::vector<WeightedPodAffinityTerm>& preferred) {
  const json* a = object(aff, kind, path);
  if (!a) return;
  std::string p = path + "." + kind;
  if (const json* req = array(*a, "requiredDuringSchedulingIgnoredDuringExecution", p))
    for (size_t i = 0; i < req->size(); i++)
      required.push_back(pod_affinity_term(
          (*req)[i], p + ".requiredDuringSchedulingIgnoredDuringExecution[" + std::to_string(i) + "]", pod.ns,
          pod.labels));
  if (const json* pref = array(*a, "preferredDuringSchedulingIgnoredDuringExecution", p))
    for (size_t i = 0; i < pref->size(); i++) {
      std::string ip = p + ".preferredDuringSchedulingIgnoredDuringExecution[" + std::to_string(i) + "]";
      WeightedPodAffinityTerm w;
      w.weight = static_cast<int32_t>(integer((*pref)[i], "weight", ip, 0));
      if (w.weight < 1 || w.weight > 100) bad(ip + ".weight", "must be in the range 1-100");
      const json* t = object((*pref)[i], "podAffinityTerm", ip);
      if (!t) bad(ip + ".podAffinityTerm", "Required value");
      w.term = pod_affinity_term(*t, ip + ".podAffinityTerm", pod.ns, pod.labels);
      preferred.push_back(std::move(w));
    }
}

void affinity(const json& spec, PodView& pod) {
  const json* aff = object(spec, "affinity", "spec");
  if (!aff) return;
  const std::string path = "spec.affinity";
  if (const json* na = object(*aff, "nodeAffinity", path)) {
    std::string p = path + ".nodeAffinity";
    if (const json* req = object(*na, "requiredDuringSchedulingIgnoredDuringExecution", p)) {
      std::string rp = p + ".requiredDuringSchedulingIgnoredDuringExecution";
      pod.has_required_node_affinity = true;
      if (const json* terms = array(*req, "nodeSelectorTerms", rp))
        for (size_t i = 0; i < terms->size(); i++)
          pod.required_node_terms.push_back(
              node_selector_term((*terms)[i], rp + ".nodeSelectorTerms[" + std::to_string(i) + "]"));
    }
    if (const json* pref = array(*na, "preferredDuringSchedulingIgnoredDuringExecution", p))
      for (size_t i = 0; i < pref->size(); i++) {
        std::string ip = p + ".preferredDuringSchedulingIgnoredDuringExecution[" + std::to_string(i) + "]";
        PreferredNodeTerm t;
        t.weight = static_cast<int32_t>(integer((*pref)[i], "weight", ip, 0));
        if (t.weight < 1 || t.weight > 100) bad(ip + ".weight", "must be in the range 1-100");
        const json* pt = object((*pref)[i], "preference", ip);
        if (!pt) bad(ip + ".preference", "Required value");
        t.term = node_selector_term(*pt, ip + ".preference");
        pod.preferred_node_terms.push_back(std::move(t));
      }
  }
  pod_affinity(*aff, path, "podAffinity", pod, pod.required_affinity, pod.preferred_affinity);
  pod_affinity(*aff, path, "podAntiAffinity", pod, pod.required_anti_affinity, pod.preferred_anti_affinity);
  if (!pod.required_affinity.empty() || !pod.required_anti_affinity.empty() || !pod.preferred_affinity.empty() ||
      !pod.preferred_anti_affinity.empty()) {
    json sig = json::object();
    if (const json* a = field(*aff, "podAffinity")) sig["a"] = *a;
    if (const json* a = field(*aff, "podAntiAffinity")) sig["n"] = *a;
    // Terms depend on the namespace (default namespaces) and on matchLabelKeys (the pod's labels).
    pod.affinity_signature = pod.ns + "\n" + json(pod.labels).dump() + "\n" + sig.dump();
  }
}

void tolerations(const json& spec, PodView& pod) {
  const json* list = array(spec, "tolerations", "spec");
  if (!list) return;
  for (size_t i = 0; i < list->size(); i++) {
    std::string p = "spec.tolerations[" + std::to_string(i) + "]";
    const json& t = (*list)[i];
    Toleration tol;
    tol.key = str(t, "key", p);
    std::string op = str(t, "operator", p);
    if (op.empty() || op == "Equal")
      tol.op = Toleration::Op::Equal;
    else if (op == "Exists")
      tol.op = Toleration::Op::Exists;
    else
      bad(p + ".operator", "Unsupported value: \"" + op + "\": supported values: \"Equal\", \"Exists\"");
    tol.value = str(t, "value", p);
    tol.effect = str(t, "effect", p);
    if (!tol.effect.empty() && tol.effect != "NoSchedule" && tol.effect != "PreferNoSchedule" &&
        tol.effect != "NoExecute")
      bad(p + ".effect", "Unsupported value: \"" + tol.effect + "\"");
    pod.tolerations.push_back(std::move(tol));
  }
}

void spread_constraints(const json& spec, PodView& pod) {
  const json* list = array(spec, "topologySpreadConstraints", "spec");
  if (!list) return;
  for (size_t i = 0; i < list->size(); i++) {
    std::string p = "spec.topologySpreadConstraints[" + std::to_string(i) + "]";
    const json& c = (*list)[i];
    if (!c.is_object()) bad(p, "must be an object");
    TopologySpreadConstraint t;
    t.max_skew = static_cast<int32_t>(integer(c, "maxSkew", p, 0));
    if (t.max_skew <= 0) bad(p + ".maxSkew", "must be greater than zero");
    t.topology_key = str(c, "topologyKey", p);
    if (t.topology_key.empty()) bad(p + ".topologyKey", "can not be empty");
    std::string when = str(c, "whenUnsatisfiable", p);
    if (when == "DoNotSchedule")
      t.do_not_schedule = true;
    else if (when == "ScheduleAnyway")
      t.do_not_schedule = false;
    else
      bad(p + ".whenUnsatisfiable",
          "Unsupported value: \"" + when + "\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"");
    t.selector = label_selector(field(c, "labelSelector"), p + ".labelSelector");
    for (const auto& key : strings(c, "matchLabelKeys", p))
      if (const std::string* v = find_label(pod.labels, key))
        t.selector.requirements.push_back({key, LabelRequirement::Op::In, {*v}});
    t.min_domains = static_cast<int32_t>(integer(c, "minDomains", p, 1));
    if (t.min_domains <= 0) bad(p + ".minDomains", "must be greater than zero");
    std::string aff = str(c, "nodeAffinityPolicy", p);
    if (aff == "Ignore")
      t.honor_node_affinity = false;
    else if (!aff.empty() && aff != "Honor")
      bad(p + ".nodeAffinityPolicy", "Unsupported value: \"" + aff + "\"");
    std::string taints = str(c, "nodeTaintsPolicy", p);
    if (taints == "Honor")
      t.honor_node_taints = true;
    else if (!taints.empty() && taints != "Ignore")
      bad(p + ".nodeTaintsPolicy", "Unsupported value: \"" + taints + "\"");
    pod.spread_constraints.push_back(std::move(t));
  }
}

void containers(const json& spec, PodView& pod) {
  Resources sum;
  int64_t nz_cpu = 0, nz_mem = 0;
  const json* cs = array(spec, "containers", "spec");
  if (cs) {
    for (size_t i = 0; i < cs->size(); i++) {
      std::string p = "spec.containers[" + std::to_string(i) + "]";
      const json& c = (*cs)[i];
      if (!c.is_object()) bad(p, "must be an object");
      auto r = container_requests(c, p);
      sum.add(r.requests);
      nz_cpu += r.nonzero_cpu;
      nz_mem += r.nonzero_memory;
      if (const json* ports = array(c, "ports", p))
        for (size_t j = 0; j < ports->size(); j++) {
          std::string pp = p + ".ports[" + std::to_string(j) + "]";
          int64_t hp = integer((*ports)[j], "hostPort", pp, 0);
          if (hp <= 0) continue;
          if (hp > 65535) bad(pp + ".hostPort", "must be between 1 and 65535, inclusive");
          HostPort h;
          h.port = static_cast<int32_t>(hp);
          h.protocol = str((*ports)[j], "protocol", pp);
          if (h.protocol.empty()) h.protocol = "TCP";
          h.ip = str((*ports)[j], "hostIP", pp);
          if (h.ip.empty()) h.ip = "0.0.0.0";
          pod.host_ports.push_back(std::move(h));
        }
    }
  }
  // Init containers run before the app containers: the pod needs the max of
  // each init step and the app containers; restartable (sidecar) init
  // containers keep running, so they add to everything after them.
  Resources init_max, sidecars;
  int64_t init_nz_cpu = 0, init_nz_mem = 0, side_nz_cpu = 0, side_nz_mem = 0;
  if (const json* ics = array(spec, "initContainers", "spec")) {
    for (size_t i = 0; i < ics->size(); i++) {
      std::string p = "spec.initContainers[" + std::to_string(i) + "]";
      const json& c = (*ics)[i];
      if (!c.is_object()) bad(p, "must be an object");
      auto r = container_requests(c, p);
      Resources step;
      int64_t step_cpu, step_mem;
      if (str(c, "restartPolicy", p) == "Always") {
        sum.add(r.requests);
        nz_cpu += r.nonzero_cpu;
        nz_mem += r.nonzero_memory;
        sidecars.add(r.requests);
        side_nz_cpu += r.nonzero_cpu;
        side_nz_mem += r.nonzero_memory;
        step = sidecars;
        step_cpu = side_nz_cpu;
        step_mem = side_nz_mem;
      } else {
        step = r.requests;
        step.add(sidecars);
        step_cpu = r.nonzero_cpu + side_nz_cpu;
        step_mem = r.nonzero_memory + side_nz_mem;
      }
      init_max.max_with(step);
      init_nz_cpu = std::max(init_nz_cpu, step_cpu);
      init_nz_mem = std::max(init_nz_mem, step_mem);
    }
  }
  sum.max_with(init_max);
  nz_cpu = std::max(nz_cpu, init_nz_cpu);
  nz_mem = std::max(nz_mem, init_nz_mem);
  if (const json* overhead = object(spec, "overhead", "spec")) {
    Resources o = resource_list(overhead, "spec.overhead");
    sum.add(o);
    nz_cpu += o.milli_cpu;
    nz_mem += o.memory;
  }
  sum.pods = 0;
  pod.requests = std::move(sum);
  pod.nonzero_milli_cpu = nz_cpu;
  pod.nonzero_memory = nz_mem;
  for (const auto& [name, v] : pod.requests.scalar)
    if (v > 0) pod.insufficient_scalar_reasons.push_back("Insufficient " + name);
}

PodView pod_view(const json& pod) {
  if (!pod.is_object()) bad("pod", "must be an object");
  PodView v;
  const json* meta = object(pod, "metadata", "");
  if (!meta) bad("metadata", "Required value");
  v.name = str(*meta, "name", "metadata");
  if (v.name.empty()) bad("metadata.name", "Required value");
  v.ns = str(*meta, "namespace", "metadata");
  if (v.ns.empty()) v.ns = "default";
  v.uid = str(*meta, "uid", "metadata");
  v.labels = string_map(*meta, "labels", "metadata");
  v.terminating = field(*meta, "deletionTimestamp") != nullptr;
  v.start_time = str(*meta, "creationTimestamp", "metadata");
  const json* spec = object(pod, "spec", "");
  if (!spec) bad("spec", "Required value");
  v.node_name = str(*spec, "nodeName", "spec");
  std::string sched = str(*spec, "schedulerName", "spec");
  if (!sched.empty()) v.scheduler_name = sched;
  v.priority = static_cast<int32_t>(integer(*spec, "priority", "spec", 0));
  v.priority_class_name = str(*spec, "priorityClassName", "spec");
  v.preemption_never = str(*spec, "preemptionPolicy", "spec") == "Never";
  v.node_selector = string_map(*spec, "nodeSelector", "spec");
  containers(*spec, v);
  affinity(*spec, v);
  tolerations(*spec, v);
  spread_constraints(*spec, v);
  if (const json* status = object(pod, "status", "")) {
    v.phase = str(*status, "phase", "status");
    v.nominated_node_name = str(*status, "nominatedNodeName", "status");
    std::string started = str(*status, "startTime", "status");
    if (!started.empty()) v.start_time = started;
  }
  return v;
}

NodeView node_view(const json& node) {
  if (!node.is_object()) bad("node", "must be an object");
  NodeView v;
  const json* meta = object(node, "metadata", "");
  if (!meta) bad("metadata", "Required value");
  v.name = str(*meta, "name", "metadata");
  if (v.name.empty()) bad("metadata.name", "Required value");
  v.labels = string_map(*meta, "labels", "metadata");
  if (const json* spec = object(node, "spec", "")) {
    if (const json* u = field(*spec, "unschedulable")) {
      if (!u->is_boolean()) bad("spec.unschedulable", "must be a boolean");
      v.unschedulable = u->get<bool>();
    }
    if (const json* taints = array(*spec, "taints", "spec"))
      for (size_t i = 0; i < taints->size(); i++) {
        std::string p = "spec.taints[" + std::to_string(i) + "]";
        std::string key = str((*taints)[i], "key", p);
        if (key.empty()) bad(p + ".key", "Required value");
        std::string effect = str((*taints)[i], "effect", p);
        if (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute")
          bad(p + ".effect", "Unsupported value: \"" + effect + "\"");
        v.taints.push_back(make_taint(std::move(key), str((*taints)[i], "value", p), std::move(effect)));
      }
  }
  if (const json* status = object(node, "status", "")) {
    v.allocatable = resource_list(object(*status, "allocatable", "status"), "status.allocatable");
    if (const json* conds = array(*status, "conditions", "status"))
      for (const auto& c : *conds)
        if (c.is_object() && c.value("type", "") == "Ready") v.ready = c.value("status", "") == "True";
  }
  return v;
}

}  // namespace

bool PodAffinityTerm::matches(const std::string& ns, const Labels& labels, const Labels& ns_labels) const {
  bool ns_ok = std::find(namespaces.begin(), namespaces.end(), ns) != namespaces.end() ||
               (namespace_selector && namespace_selector->matches(ns_labels));
  return ns_ok && selector.matches(labels);
}

Taint make_taint(std::string key, std::string value, std::string effect) {
  Taint t{std::move(key), std::move(value), std::move(effect), {}};
  t.untolerated_reason = "node(s) had untolerated taint {" + t.key + ": " + t.value + "}";
  return t;
}

Result<PodView> parse_pod(const nlohmann::json& pod) {
  try {
    return pod_view(pod);
  } catch (const ParseError& e) {
    return fail(e.message);
  }
}

Result<NodeView> parse_node(const nlohmann::json& node) {
  try {
    return node_view(node);
  } catch (const ParseError& e) {
    return fail(e.message);
  }
}

}  // namespace skiff::scheduler
