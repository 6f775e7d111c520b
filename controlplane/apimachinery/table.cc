// Table printers with the columns of kubernetes pkg/printers/internalversion
// (1.32) for the built-in kinds, CRD printer columns, and the default
// Name/Created At table for the rest.
#include "skiff/apimachinery/table.h"

#include <functional>
#include <map>
#include <set>

#include "table_util.h"
#include "json_access.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;
using table::age;
using table::at;
using table::join;
using table::num;
using table::str;
using Clock = std::chrono::system_clock;

struct Column {
  const char* name;
  const char* type;  // string, integer, date, number, boolean
  const char* description;
  int priority = 0;
  const char* format = "";
};

using RowFn = std::function<json(const json& obj, Clock::time_point now)>;

struct Printer {
  std::vector<Column> columns;
  RowFn row;
};

const char* kNameDesc =
    "Name must be unique within a namespace. Is required when creating resources, although some resources may "
    "allow a client to request the generation of an appropriate name automatically. Name is primarily intended "
    "for creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const char* kAgeDesc =
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It "
    "is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More "
    "info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

Column name_col() { return {"Name", "string", kNameDesc, 0, "name"}; }
Column age_col() { return {"Age", "string", kAgeDesc}; }

std::string name_of(const json& o) { return str(o, {"metadata", "name"}); }
std::string created(const json& o, Clock::time_point now) { return age(at(o, {"metadata", "creationTimestamp"}), now); }

std::string none_if_empty(const std::string& s) { return s.empty() ? "<none>" : s; }

// Containers and images of a pod template, comma-joined.
std::pair<std::string, std::string> containers_images(const json& pod_spec) {
  std::vector<std::string> names, images;
  const json& cs = at(pod_spec, {"containers"});
  if (cs.is_array())
    for (const auto& c : cs) {
      names.push_back(str(c, {"name"}));
      images.push_back(str(c, {"image"}));
    }
  return {join(names, ","), join(images, ",")};
}

// ---- pods ----

std::string pod_restarts(const json& pod, Clock::time_point now, int64_t& restarts) {
  restarts = 0;
  std::optional<Clock::time_point> last;
  auto scan = [&](const json& statuses) {
    if (!statuses.is_array()) return;
    for (const auto& cs : statuses) {
      restarts += num(cs, {"restartCount"});
      auto t = table::parse_time(at(cs, {"lastState", "terminated", "finishedAt"}));
      if (t && (!last || *t > *last)) last = t;
    }
  };
  scan(at(pod, {"status", "initContainerStatuses"}));
  scan(at(pod, {"status", "containerStatuses"}));
  std::string s = std::to_string(restarts);
  if (last && restarts > 0)
    s += " (" + human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *last)) + " ago)";
  return s;
}

std::string pod_status(const json& pod, int& ready, int& total) {
  std::string reason = str(pod, {"status", "phase"});
  if (!str(pod, {"status", "reason"}).empty()) reason = str(pod, {"status", "reason"});
  const json& spec_containers = at(pod, {"spec", "containers"});
  total = spec_containers.is_array() ? static_cast<int>(spec_containers.size()) : 0;
  ready = 0;
  // restartable init containers (sidecars) count as containers
  std::set<std::string> sidecars;
  const json& spec_inits = at(pod, {"spec", "initContainers"});
  if (spec_inits.is_array())
    for (const auto& c : spec_inits)
      if (str(c, {"restartPolicy"}) == "Always") {
        sidecars.insert(str(c, {"name"}));
        ++total;
      }
  bool initializing = false;
  const json& inits = at(pod, {"status", "initContainerStatuses"});
  size_t n_inits = spec_inits.is_array() ? spec_inits.size() : 0;
  if (inits.is_array()) {
    for (size_t i = 0; i < inits.size(); ++i) {
      const json& cs = inits[i];
      bool sidecar = sidecars.count(str(cs, {"name"})) > 0;
      if (sidecar && bval(cs, "ready", false)) ++ready;
      const json& term = at(cs, {"state", "terminated"});
      const json& wait = at(cs, {"state", "waiting"});
      if (term.is_object() && num(term, {"exitCode"}) == 0) continue;
      if (sidecar && at(cs, {"state", "running"}).is_object() && bval(cs, "started", false)) continue;
      if (term.is_object()) {
        std::string r = str(term, {"reason"});
        if (r.empty())
          r = num(term, {"signal"}) != 0 ? "Signal:" + std::to_string(num(term, {"signal"}))
                                         : "ExitCode:" + std::to_string(num(term, {"exitCode"}));
        reason = "Init:" + r;
      } else if (wait.is_object() && !str(wait, {"reason"}).empty() && str(wait, {"reason"}) != "PodInitializing") {
        reason = "Init:" + str(wait, {"reason"});
      } else {
        reason = "Init:" + std::to_string(i) + "/" + std::to_string(n_inits);
      }
      initializing = true;
      break;
    }
  }
  if (!initializing) {
    bool has_running = false;
    const json& statuses = at(pod, {"status", "containerStatuses"});
    if (statuses.is_array()) {
      for (auto it = statuses.rbegin(); it != statuses.rend(); ++it) {
        const json& cs = *it;
        const json& wait = at(cs, {"state", "waiting"});
        const json& term = at(cs, {"state", "terminated"});
        if (wait.is_object() && !str(wait, {"reason"}).empty()) {
          reason = str(wait, {"reason"});
        } else if (term.is_object() && !str(term, {"reason"}).empty()) {
          reason = str(term, {"reason"});
        } else if (term.is_object()) {
          reason = num(term, {"signal"}) != 0 ? "Signal:" + std::to_string(num(term, {"signal"}))
                                              : "ExitCode:" + std::to_string(num(term, {"exitCode"}));
        } else if (bval(cs, "ready", false) && at(cs, {"state", "running"}).is_object()) {
          has_running = true;
          ++ready;
        }
      }
    }
    if (reason == "Completed" && has_running) {
      bool pod_ready = false;
      const json& conds = at(pod, {"status", "conditions"});
      if (conds.is_array())
        for (const auto& c : conds)
          if (str(c, {"type"}) == "Ready" && str(c, {"status"}) == "True") pod_ready = true;
      reason = pod_ready ? "Running" : "NotReady";
    }
  }
  if (at(pod, {"metadata", "deletionTimestamp"}).is_string()) {
    reason = str(pod, {"status", "reason"}) == "NodeLost" ? "Unknown" : "Terminating";
  }
  return reason;
}

json pod_row(const json& pod, Clock::time_point now) {
  int ready = 0, total = 0;
  std::string status = pod_status(pod, ready, total);
  int64_t restarts = 0;
  std::string restarts_str = pod_restarts(pod, now, restarts);
  std::string gates = "<none>";
  const json& rg = at(pod, {"spec", "readinessGates"});
  if (rg.is_array() && !rg.empty()) {
    int true_count = 0;
    const json& conds = at(pod, {"status", "conditions"});
    for (const auto& g : rg)
      if (conds.is_array())
        for (const auto& c : conds)
          if (str(c, {"type"}) == str(g, {"conditionType"}) && str(c, {"status"}) == "True") ++true_count;
    gates = std::to_string(true_count) + "/" + std::to_string(rg.size());
  }
  return json::array({name_of(pod), std::to_string(ready) + "/" + std::to_string(total), status, restarts_str,
                      created(pod, now), none_if_empty(str(pod, {"status", "podIP"})),
                      none_if_empty(str(pod, {"spec", "nodeName"})),
                      none_if_empty(str(pod, {"status", "nominatedNodeName"})), gates});
}

// ---- services ----

std::string service_external_ip(const json& svc) {
  std::string type = str(svc, {"spec", "type"}, "ClusterIP");
  std::vector<std::string> ips;
  const json& ext = at(svc, {"spec", "externalIPs"});
  if (ext.is_array())
    for (const auto& ip : ext)
      if (ip.is_string()) ips.push_back(ip.get<std::string>());
  if (type == "ClusterIP" || type == "NodePort") return ips.empty() ? "<none>" : join(ips, ",");
  if (type == "ExternalName") return str(svc, {"spec", "externalName"});
  if (type == "LoadBalancer") {
    std::vector<std::string> lb;
    const json& ingress = at(svc, {"status", "loadBalancer", "ingress"});
    if (ingress.is_array())
      for (const auto& i : ingress) {
        if (!str(i, {"ip"}).empty()) lb.push_back(str(i, {"ip"}));
        else if (!str(i, {"hostname"}).empty()) lb.push_back(str(i, {"hostname"}));
      }
    lb.insert(lb.end(), ips.begin(), ips.end());
    return lb.empty() ? "<pending>" : join(lb, ",");
  }
  return "<unknown>";
}

std::string service_ports(const json& svc) {
  std::vector<std::string> parts;
  const json& ports = at(svc, {"spec", "ports"});
  if (ports.is_array())
    for (const auto& p : ports) {
      std::string s = std::to_string(num(p, {"port"}));
      if (num(p, {"nodePort"}) > 0) s += ":" + std::to_string(num(p, {"nodePort"}));
      parts.push_back(s + "/" + str(p, {"protocol"}, "TCP"));
    }
  return parts.empty() ? "<none>" : join(parts, ",");
}

// ---- nodes ----

json node_row(const json& node, Clock::time_point now) {
  std::string status = "Unknown";
  std::vector<std::string> statuses;
  const json& conds = at(node, {"status", "conditions"});
  bool found = false;
  if (conds.is_array())
    for (const auto& c : conds)
      if (str(c, {"type"}) == "Ready") {
        found = true;
        statuses.push_back(str(c, {"status"}) == "True" ? "Ready" : str(c, {"status"}) == "False" ? "NotReady" : "Unknown");
      }
  if (!found) statuses.push_back(status);
  if (at(node, {"spec", "unschedulable"}) == true) statuses.push_back("SchedulingDisabled");
  std::vector<std::string> roles;
  const json& labels = at(node, {"metadata", "labels"});
  if (labels.is_object())
    for (const auto& [k, v] : labels.items()) {
      const std::string prefix = "node-role.kubernetes.io/";
      if (k.rfind(prefix, 0) == 0 && k.size() > prefix.size()) roles.push_back(k.substr(prefix.size()));
      else if (k == "kubernetes.io/role" && v.is_string() && !v.get<std::string>().empty()) roles.push_back(v.get<std::string>());
    }
  std::string internal_ip = "<none>", external_ip = "<none>";
  const json& addrs = at(node, {"status", "addresses"});
  if (addrs.is_array())
    for (const auto& a : addrs) {
      if (str(a, {"type"}) == "InternalIP" && internal_ip == "<none>") internal_ip = str(a, {"address"});
      if (str(a, {"type"}) == "ExternalIP" && external_ip == "<none>") external_ip = str(a, {"address"});
    }
  auto info = [&](const char* k) { return none_if_empty(str(node, {"status", "nodeInfo", k})); };
  return json::array({name_of(node), join(statuses, ","), roles.empty() ? "<none>" : join(roles, ","), created(node, now),
                      str(node, {"status", "nodeInfo", "kubeletVersion"}), internal_ip, external_ip,
                      info("osImage"), info("kernelVersion"), info("containerRuntimeVersion")});
}

// ---- events ----

json event_row(const json& ev, Clock::time_point now, bool new_api) {
  const json& obj_ref = new_api ? at(ev, {"regarding"}) : at(ev, {"involvedObject"});
  std::string kind = str(obj_ref, {"kind"});
  std::string object = kind;
  for (auto& c : object) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  object += "/" + str(obj_ref, {"name"});
  const json& last = new_api ? at(ev, {"deprecatedLastTimestamp"}) : at(ev, {"lastTimestamp"});
  const json& first = new_api ? at(ev, {"deprecatedFirstTimestamp"}) : at(ev, {"firstTimestamp"});
  const json& event_time = at(ev, {"eventTime"});
  std::string last_seen, first_seen;
  const json& series_time = at(ev, {"series", "lastObservedTime"});
  if (series_time.is_string()) last_seen = age(series_time, now);
  else if (last.is_string()) last_seen = age(last, now);
  else if (event_time.is_string()) last_seen = age(event_time, now);
  else last_seen = "<unknown>";
  if (first.is_string()) first_seen = age(first, now);
  else if (event_time.is_string()) first_seen = age(event_time, now);
  else first_seen = "<unknown>";
  std::string source = new_api ? str(ev, {"reportingController"}) : str(ev, {"source", "component"});
  std::string host = new_api ? str(ev, {"deprecatedSource", "host"}) : str(ev, {"source", "host"});
  if (source.empty()) source = new_api ? str(ev, {"deprecatedSource", "component"}) : str(ev, {"reportingComponent"});
  if (!host.empty()) source += ", " + host;
  int64_t count = new_api ? num(ev, {"deprecatedCount"}) : num(ev, {"count"});
  if (at(ev, {"series", "count"}).is_number()) count = num(ev, {"series", "count"});
  std::string message = new_api ? str(ev, {"note"}) : str(ev, {"message"});
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return json::array({last_seen, str(ev, {"type"}), str(ev, {"reason"}), object, str(obj_ref, {"fieldPath"}), source,
                      message, first_seen, count, name_of(ev)});
}

std::vector<Column> event_columns() {
  return {{"Last Seen", "string", "Time when this Event was last observed."},
          {"Type", "string", "Type of this event (Normal, Warning), new types could be added in the future."},
          {"Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."},
          {"Object", "string", "The object that this event is about."},
          {"Subobject", "string", "The subobject that this event is about.", 1},
          {"Source", "string", "The component reporting this event. Should be a short machine understandable string.", 1},
          {"Message", "string", "A human-readable description of the status of this operation."},
          {"First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1},
          {"Count", "string", "The number of times this event has occurred.", 1},
          {"Name", "string", kNameDesc, 1, "name"}};
}

std::string access_modes(const json& modes) {
  std::vector<std::string> out;
  if (modes.is_array())
    for (const auto& m : modes) {
      std::string s = m.is_string() ? m.get<std::string>() : "";
      if (s == "ReadWriteOnce") out.push_back("RWO");
      else if (s == "ReadOnlyMany") out.push_back("ROX");
      else if (s == "ReadWriteMany") out.push_back("RWX");
      else if (s == "ReadWriteOncePod") out.push_back("RWOP");
    }
  return join(out, ",");
}

std::string subjects_of(const json& binding, const char* kind) {
  std::vector<std::string> out;
  const json& subjects = at(binding, {"subjects"});
  if (subjects.is_array())
    for (const auto& s : subjects)
      if (str(s, {"kind"}) == kind)
        out.push_back(std::string(kind) == "ServiceAccount" ? str(s, {"namespace"}) + ":" + str(s, {"name"}) : str(s, {"name"}));
  return join(out, ", ");
}

std::string int_or_string(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return "<unset>";
}

std::string job_completions(const json& job) {
  std::string completions = at(job, {"spec", "completions"}).is_number() ? std::to_string(num(job, {"spec", "completions"})) : "";
  int64_t succeeded = num(job, {"status", "succeeded"});
  if (!completions.empty()) return std::to_string(succeeded) + "/" + completions;
  int64_t parallelism = num(job, {"spec", "parallelism"});
  if (parallelism > 1) return std::to_string(succeeded) + "/1 of " + std::to_string(parallelism);
  return std::to_string(succeeded) + "/1";
}

bool job_condition(const json& job, const char* type) {
  const json& conds = at(job, {"status", "conditions"});
  if (conds.is_array())
    for (const auto& c : conds)
      if (str(c, {"type"}) == type && str(c, {"status"}) == "True") return true;
  return false;
}

std::string job_status(const json& job) {
  if (job_condition(job, "Complete")) return "Complete";
  if (job_condition(job, "Failed")) return "Failed";
  if (at(job, {"metadata", "deletionTimestamp"}).is_string()) return "Terminating";
  if (job_condition(job, "SuccessCriteriaMet")) return "SuccessCriteriaMet";
  if (job_condition(job, "FailureTarget")) return "FailureTarget";
  if (job_condition(job, "Suspended")) return "Suspended";
  return "Running";
}

std::string job_duration(const json& job, Clock::time_point now) {
  auto start = table::parse_time(at(job, {"status", "startTime"}));
  if (!start) return "";
  auto end = table::parse_time(at(job, {"status", "completionTime"}));
  return human_duration(std::chrono::duration_cast<std::chrono::seconds>((end ? *end : now) - *start));
}

const std::map<std::string, Printer>& printers() {
  static const std::map<std::string, Printer> p = [] {
    std::map<std::string, Printer> m;
    const Column containers{"Containers", "string", "Names of each container in the template.", 1};
    const Column images{"Images", "string", "Images referenced by each container in the template.", 1};
    const Column selector{"Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1};
    m["/Pod"] = {{name_col(),
                  {"Ready", "string", "The aggregate readiness state of this pod for accepting traffic."},
                  {"Status", "string", "The aggregate status of the containers in this pod."},
                  {"Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."},
                  age_col(),
                  {"IP", "string", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1},
                  {"Node", "string", "NodeName is a request to schedule this pod onto a specific node.", 1},
                  {"Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.", 1},
                  {"Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness.", 1}},
                 pod_row};
    m["apps/Deployment"] = {{name_col(),
                             {"Ready", "string", "Number of the pod with ready state"},
                             {"Up-to-date", "integer", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."},
                             {"Available", "integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."},
                             age_col(), containers, images, selector},
                            [](const json& d, Clock::time_point now) {
                              auto [c, i] = containers_images(at(d, {"spec", "template", "spec"}));
                              return json::array({name_of(d),
                                                  std::to_string(num(d, {"status", "readyReplicas"})) + "/" +
                                                      std::to_string(num(d, {"spec", "replicas"})),
                                                  num(d, {"status", "updatedReplicas"}), num(d, {"status", "availableReplicas"}),
                                                  created(d, now), c, i, table::label_selector_string(at(d, {"spec", "selector"}))});
                            }};
    auto rs_like = [&](bool rc) {
      return Printer{{name_col(),
                      {"Desired", "integer", "Number of desired pods. This is a pointer to distinguish between explicit zero and unspecified."},
                      {"Current", "integer", "Replicas is the most recently observed number of replicas."},
                      {"Ready", "integer", "The number of ready replicas for this replica set."},
                      age_col(), containers, images, selector},
                     [rc](const json& r, Clock::time_point now) {
                       auto [c, i] = containers_images(at(r, {"spec", "template", "spec"}));
                       return json::array({name_of(r), num(r, {"spec", "replicas"}), num(r, {"status", "replicas"}),
                                           num(r, {"status", "readyReplicas"}), created(r, now), c, i,
                                           rc ? table::map_selector_string(at(r, {"spec", "selector"}))
                                              : table::label_selector_string(at(r, {"spec", "selector"}))});
                     }};
    };
    m["apps/ReplicaSet"] = rs_like(false);
    m["/ReplicationController"] = rs_like(true);
    m["apps/StatefulSet"] = {{name_col(), {"Ready", "string", "Number of the pod with ready state"}, age_col(), containers, images},
                             [](const json& s, Clock::time_point now) {
                               auto [c, i] = containers_images(at(s, {"spec", "template", "spec"}));
                               return json::array({name_of(s),
                                                   std::to_string(num(s, {"status", "readyReplicas"})) + "/" +
                                                       std::to_string(num(s, {"spec", "replicas"})),
                                                   created(s, now), c, i});
                             }};
    m["apps/DaemonSet"] = {{name_col(),
                            {"Desired", "integer", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."},
                            {"Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."},
                            {"Ready", "integer", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."},
                            {"Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"},
                            {"Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"},
                            {"Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."},
                            age_col(), containers, images, selector},
                           [](const json& d, Clock::time_point now) {
                             auto [c, i] = containers_images(at(d, {"spec", "template", "spec"}));
                             return json::array({name_of(d), num(d, {"status", "desiredNumberScheduled"}),
                                                 num(d, {"status", "currentNumberScheduled"}), num(d, {"status", "numberReady"}),
                                                 num(d, {"status", "updatedNumberScheduled"}), num(d, {"status", "numberAvailable"}),
                                                 table::map_selector_string(at(d, {"spec", "template", "spec", "nodeSelector"})),
                                                 created(d, now), c, i, table::label_selector_string(at(d, {"spec", "selector"}))});
                           }};
    m["batch/Job"] = {{name_col(),
                       {"Status", "string", "Status of the job."},
                       {"Completions", "string", "The desired number of successfully finished pods the job should be run with."},
                       {"Duration", "string", "Time required to complete the job."},
                       age_col(), containers, images, selector},
                      [](const json& j, Clock::time_point now) {
                        auto [c, i] = containers_images(at(j, {"spec", "template", "spec"}));
                        return json::array({name_of(j), job_status(j), job_completions(j), job_duration(j, now), created(j, now), c, i,
                                            table::label_selector_string(at(j, {"spec", "selector"}))});
                      }};
    m["batch/CronJob"] = {{name_col(),
                           {"Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."},
                           {"Timezone", "string", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."},
                           {"Suspend", "boolean", "This flag tells the controller to suspend subsequent executions."},
                           {"Active", "integer", "A list of pointers to currently running jobs."},
                           {"Last Schedule", "string", "Information when was the last time the job was successfully scheduled."},
                           age_col(), containers, images, selector},
                          [](const json& cj, Clock::time_point now) {
                            auto [c, i] = containers_images(at(cj, {"spec", "jobTemplate", "spec", "template", "spec"}));
                            const json& active = at(cj, {"status", "active"});
                            const json& last = at(cj, {"status", "lastScheduleTime"});
                            return json::array({name_of(cj), str(cj, {"spec", "schedule"}), none_if_empty(str(cj, {"spec", "timeZone"})),
                                                at(cj, {"spec", "suspend"}) == true ? "True" : "False",
                                                active.is_array() ? active.size() : 0, last.is_string() ? age(last, now) : "<none>",
                                                created(cj, now), c, i,
                                                table::label_selector_string(at(cj, {"spec", "jobTemplate", "spec", "selector"}))});
                          }};
    m["/Service"] = {{name_col(),
                      {"Type", "string", "type determines how the Service is exposed."},
                      {"Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."},
                      {"External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."},
                      {"Port(s)", "string", "The list of ports that are exposed by this service."},
                      age_col(),
                      {"Selector", "string", "Route service traffic to pods with label keys and values matching this selector.", 1}},
                     [](const json& s, Clock::time_point now) {
                       return json::array({name_of(s), str(s, {"spec", "type"}, "ClusterIP"),
                                           none_if_empty(str(s, {"spec", "clusterIP"})), service_external_ip(s), service_ports(s),
                                           created(s, now), table::map_selector_string(at(s, {"spec", "selector"}))});
                     }};
    m["/Endpoints"] = {{name_col(), {"Endpoints", "string", "Endpoints of this service"}, age_col()},
                       [](const json& e, Clock::time_point now) {
                         std::vector<std::string> list;
                         size_t count = 0;
                         const json& subsets = at(e, {"subsets"});
                         if (subsets.is_array())
                           for (const auto& s : subsets) {
                             const json& addrs = at(s, {"addresses"});
                             const json& ports = at(s, {"ports"});
                             if (!addrs.is_array()) continue;
                             for (const auto& a : addrs) {
                               if (ports.is_array() && !ports.empty()) {
                                 for (const auto& p : ports) {
                                   ++count;
                                   if (list.size() < 3) list.push_back(str(a, {"ip"}) + ":" + std::to_string(num(p, {"port"})));
                                 }
                               } else {
                                 ++count;
                                 if (list.size() < 3) list.push_back(str(a, {"ip"}));
                               }
                             }
                           }
                         std::string s = list.empty() ? "<none>" : join(list, ",");
                         if (count > list.size()) s += " + " + std::to_string(count - list.size()) + " more...";
                         return json::array({name_of(e), s, created(e, now)});
                       }};
    m["discovery.k8s.io/EndpointSlice"] = {{name_col(),
                                            {"AddressType", "string", "The IP protocol for this slice"},
                                            {"Ports", "string", "The ports defined for this slice"},
                                            {"Endpoints", "string", "Endpoints of this slice"},
                                            age_col()},
                                           [](const json& e, Clock::time_point now) {
                                             std::vector<std::string> ports, addrs;
                                             const json& ps = at(e, {"ports"});
                                             if (ps.is_array())
                                               for (const auto& p : ps)
                                                 ports.push_back(at(p, {"port"}).is_number() ? std::to_string(num(p, {"port"})) : "<unset>");
                                             size_t count = 0;
                                             const json& eps = at(e, {"endpoints"});
                                             if (eps.is_array())
                                               for (const auto& ep : eps) {
                                                 const json& as = at(ep, {"addresses"});
                                                 if (as.is_array())
                                                   for (const auto& a : as) {
                                                     ++count;
                                                     if (addrs.size() < 3 && a.is_string()) addrs.push_back(a.get<std::string>());
                                                   }
                                               }
                                             std::string ep_str = addrs.empty() ? "<unset>" : join(addrs, ",");
                                             if (count > addrs.size()) ep_str += " + " + std::to_string(count - addrs.size()) + " more...";
                                             return json::array({name_of(e), str(e, {"addressType"}),
                                                                 ports.empty() ? "<unset>" : join(ports, ","), ep_str, created(e, now)});
                                           }};
    m["/ConfigMap"] = {{name_col(), {"Data", "integer", "Data contains the configuration data."}, age_col()},
                       [](const json& c, Clock::time_point now) {
                         size_t n = (at(c, {"data"}).is_object() ? at(c, {"data"}).size() : 0) +
                                    (at(c, {"binaryData"}).is_object() ? at(c, {"binaryData"}).size() : 0);
                         return json::array({name_of(c), n, created(c, now)});
                       }};
    m["/Secret"] = {{name_col(), {"Type", "string", "The type of this secret."},
                     {"Data", "integer", "Data contains the secret data."}, age_col()},
                    [](const json& s, Clock::time_point now) {
                      size_t n = at(s, {"data"}).is_object() ? at(s, {"data"}).size() : 0;
                      return json::array({name_of(s), str(s, {"type"}), n, created(s, now)});
                    }};
    m["/Namespace"] = {{name_col(), {"Status", "string", "The status of the namespace"}, age_col()},
                       [](const json& n, Clock::time_point now) {
                         return json::array({name_of(n), str(n, {"status", "phase"}), created(n, now)});
                       }};
    m["/Node"] = {{name_col(),
                   {"Status", "string", "The status of the node"},
                   {"Roles", "string", "The roles of the node"},
                   age_col(),
                   {"Version", "string", "Kubelet Version reported by the node."},
                   {"Internal-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1},
                   {"External-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1},
                   {"OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1},
                   {"Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1},
                   {"Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1}},
                  node_row};
    m["/ServiceAccount"] = {{name_col(), {"Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."}, age_col()},
                            [](const json& s, Clock::time_point now) {
                              return json::array({name_of(s), at(s, {"secrets"}).is_array() ? at(s, {"secrets"}).size() : 0, created(s, now)});
                            }};
    m["/Event"] = {event_columns(), [](const json& e, Clock::time_point now) { return event_row(e, now, false); }};
    m["events.k8s.io/Event"] = {event_columns(), [](const json& e, Clock::time_point now) { return event_row(e, now, true); }};
    m["/PersistentVolume"] = {{name_col(),
                               {"Capacity", "string", "capacity is the description of the persistent volume's resources and capacity."},
                               {"Access Modes", "string", "accessModes contains all ways the volume can be mounted."},
                               {"Reclaim Policy", "string", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."},
                               {"Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim."},
                               {"Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."},
                               {"StorageClass", "string", "storageClassName is the name of StorageClass to which this persistent volume belongs."},
                               {"VolumeAttributesClass", "string", "Name of VolumeAttributesClass to which this persistent volume belongs."},
                               {"Reason", "string", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."},
                               age_col(),
                               {"VolumeMode", "string", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.", 1}},
                              [](const json& pv, Clock::time_point now) {
                                std::string claim;
                                if (at(pv, {"spec", "claimRef"}).is_object())
                                  claim = str(pv, {"spec", "claimRef", "namespace"}) + "/" + str(pv, {"spec", "claimRef", "name"});
                                return json::array({name_of(pv), int_or_string(at(pv, {"spec", "capacity", "storage"})),
                                                    access_modes(at(pv, {"spec", "accessModes"})),
                                                    str(pv, {"spec", "persistentVolumeReclaimPolicy"}), str(pv, {"status", "phase"}), claim,
                                                    str(pv, {"spec", "storageClassName"}),
                                                    none_if_empty(str(pv, {"spec", "volumeAttributesClassName"})),
                                                    str(pv, {"status", "reason"}), created(pv, now), str(pv, {"spec", "volumeMode"}, "<unset>")});
                              }};
    m["/PersistentVolumeClaim"] = {{name_col(),
                                    {"Status", "string", "phase represents the current phase of PersistentVolumeClaim."},
                                    {"Volume", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."},
                                    {"Capacity", "string", "capacity represents the actual resources of the underlying volume."},
                                    {"Access Modes", "string", "accessModes contains the desired access modes the volume should have."},
                                    {"StorageClass", "string", "storageClassName is the name of the StorageClass required by the claim."},
                                    {"VolumeAttributesClass", "string", "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."},
                                    age_col(),
                                    {"VolumeMode", "string", "volumeMode defines what type of volume is required by the claim.", 1}},
                                   [](const json& pvc, Clock::time_point now) {
                                     std::string phase = str(pvc, {"status", "phase"});
                                     if (at(pvc, {"metadata", "deletionTimestamp"}).is_string()) phase = "Terminating";
                                     const json& cap = at(pvc, {"status", "capacity", "storage"});
                                     return json::array({name_of(pvc), phase, str(pvc, {"spec", "volumeName"}),
                                                         cap.is_null() ? "" : int_or_string(cap),
                                                         access_modes(at(pvc, {"status", "accessModes"})),
                                                         str(pvc, {"spec", "storageClassName"}),
                                                         none_if_empty(str(pvc, {"spec", "volumeAttributesClassName"})), created(pvc, now),
                                                         str(pvc, {"spec", "volumeMode"}, "<unset>")});
                                   }};
    Printer created_at{{name_col(), {"Created At", "date", kAgeDesc}},
                       [](const json& o, Clock::time_point) {
                         return json::array({name_of(o), str(o, {"metadata", "creationTimestamp"})});
                       }};
    m["rbac.authorization.k8s.io/Role"] = created_at;
    m["rbac.authorization.k8s.io/ClusterRole"] = created_at;
    m["/LimitRange"] = created_at;
    m["apiextensions.k8s.io/CustomResourceDefinition"] = created_at;
    Printer binding{{name_col(),
                     {"Role", "string", "RoleRef references a Role in the current namespace or a ClusterRole in the global namespace."},
                     age_col(),
                     {"Users", "string", "Users in the roleBinding", 1},
                     {"Groups", "string", "Groups in the roleBinding", 1},
                     {"ServiceAccounts", "string", "ServiceAccounts in the roleBinding", 1}},
                    [](const json& b, Clock::time_point now) {
                      return json::array({name_of(b), str(b, {"roleRef", "kind"}) + "/" + str(b, {"roleRef", "name"}), created(b, now),
                                          subjects_of(b, "User"), subjects_of(b, "Group"), subjects_of(b, "ServiceAccount")});
                    }};
    m["rbac.authorization.k8s.io/RoleBinding"] = binding;
    m["rbac.authorization.k8s.io/ClusterRoleBinding"] = binding;
    m["/ResourceQuota"] = {{name_col(), age_col(), {"Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."},
                            {"Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."}},
                           [](const json& q, Clock::time_point now) {
                             std::vector<std::string> req, lim;
                             const json& hard = at(q, {"status", "hard"});
                             const json& used = at(q, {"status", "used"});
                             if (hard.is_object())
                               for (const auto& [k, v] : hard.items()) {
                                 std::string entry = k + ": " + int_or_string(used.is_object() && used.contains(k) ? used[k] : json("0")) + "/" + int_or_string(v);
                                 (k.rfind("limits.", 0) == 0 ? lim : req).push_back(entry);
                               }
                             return json::array({name_of(q), created(q, now), join(req, ", "), join(lim, ", ")});
                           }};
    m["networking.k8s.io/Ingress"] = {{name_col(),
                                       {"Class", "string", "The name of the IngressClass resource that should be used for this Ingress."},
                                       {"Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"},
                                       {"Address", "string", "Address is a list containing ingress points for the load-balancer"},
                                       {"Ports", "string", "Ports of TLS configurations that open"},
                                       age_col()},
                                      [](const json& ing, Clock::time_point now) {
                                        std::vector<std::string> hosts, addrs;
                                        const json& rules = at(ing, {"spec", "rules"});
                                        if (rules.is_array())
                                          for (const auto& r : rules)
                                            if (!str(r, {"host"}).empty()) hosts.push_back(str(r, {"host"}));
                                        const json& lb = at(ing, {"status", "loadBalancer", "ingress"});
                                        if (lb.is_array())
                                          for (const auto& i : lb) addrs.push_back(!str(i, {"ip"}).empty() ? str(i, {"ip"}) : str(i, {"hostname"}));
                                        bool tls = at(ing, {"spec", "tls"}).is_array() && !at(ing, {"spec", "tls"}).empty();
                                        return json::array({name_of(ing), str(ing, {"spec", "ingressClassName"}, "<none>"),
                                                            hosts.empty() ? "*" : join(hosts, ","), join(addrs, ","),
                                                            tls ? "80, 443" : "80", created(ing, now)});
                                      }};
    m["networking.k8s.io/IngressClass"] = {{name_col(), {"Controller", "string", "Controller that is responsible for handling this class"},
                                            {"Parameters", "string", "A reference to a resource with additional parameters"}, age_col()},
                                           [](const json& ic, Clock::time_point now) {
                                             std::string params = "<none>";
                                             if (at(ic, {"spec", "parameters"}).is_object()) {
                                               std::string group = str(ic, {"spec", "parameters", "apiGroup"});
                                               params = str(ic, {"spec", "parameters", "kind"}) + (group.empty() ? "" : "." + group) + "/" +
                                                        str(ic, {"spec", "parameters", "name"});
                                             }
                                             return json::array({name_of(ic), str(ic, {"spec", "controller"}), params, created(ic, now)});
                                           }};
    m["networking.k8s.io/NetworkPolicy"] = {{name_col(), {"Pod-Selector", "string", "Pod selector of the network policy"}, age_col()},
                                            [](const json& np, Clock::time_point now) {
                                              std::string sel = table::label_selector_string(at(np, {"spec", "podSelector"}));
                                              return json::array({name_of(np), sel == "<none>" ? "<none>" : sel, created(np, now)});
                                            }};
    m["coordination.k8s.io/Lease"] = {{name_col(), {"Holder", "string", "The holder of the lease"}, age_col()},
                                      [](const json& l, Clock::time_point now) {
                                        return json::array({name_of(l), str(l, {"spec", "holderIdentity"}), created(l, now)});
                                      }};
    m["autoscaling/HorizontalPodAutoscaler"] = {{name_col(),
                                                 {"Reference", "string", "Reference to target resource"},
                                                 {"Targets", "string", "Targets of the HPA"},
                                                 {"MinPods", "string", "Minimum number of replicas"},
                                                 {"MaxPods", "string", "Maximum number of replicas"},
                                                 {"Replicas", "string", "Current replicas"},
                                                 age_col()},
                                                [](const json& h, Clock::time_point now) {
                                                  std::vector<std::string> targets;
                                                  const json& metrics = at(h, {"spec", "metrics"});
                                                  const json& current = at(h, {"status", "currentMetrics"});
                                                  if (metrics.is_array())
                                                    for (size_t i = 0; i < metrics.size(); ++i) {
                                                      const json& mtr = metrics[i];
                                                      if (str(mtr, {"type"}) != "Resource") {
                                                        targets.push_back("<unknown>/" + int_or_string(at(mtr, {str(mtr, {"type"}) == "Pods" ? "pods" : "object", "target", "averageValue"})));
                                                        continue;
                                                      }
                                                      std::string name = str(mtr, {"resource", "name"});
                                                      std::string cur = "<unknown>";
                                                      if (current.is_array() && i < current.size() &&
                                                          at(current[i], {"resource", "current", "averageUtilization"}).is_number())
                                                        cur = std::to_string(num(current[i], {"resource", "current", "averageUtilization"})) + "%";
                                                      if (at(mtr, {"resource", "target", "averageUtilization"}).is_number())
                                                        targets.push_back(name + ": " + cur + "/" + std::to_string(num(mtr, {"resource", "target", "averageUtilization"})) + "%");
                                                      else
                                                        targets.push_back(name + ": " + cur + "/" + int_or_string(at(mtr, {"resource", "target", "averageValue"})));
                                                    }
                                                  return json::array({name_of(h),
                                                                      str(h, {"spec", "scaleTargetRef", "kind"}) + "/" + str(h, {"spec", "scaleTargetRef", "name"}),
                                                                      targets.empty() ? "<none>" : join(targets, ", "),
                                                                      at(h, {"spec", "minReplicas"}).is_number() ? std::to_string(num(h, {"spec", "minReplicas"})) : "<unset>",
                                                                      std::to_string(num(h, {"spec", "maxReplicas"})),
                                                                      std::to_string(num(h, {"status", "currentReplicas"})), created(h, now)});
                                                }};
    m["storage.k8s.io/StorageClass"] = {{name_col(),
                                         {"Provisioner", "string", "Indicates the type of the provisioner."},
                                         {"ReclaimPolicy", "string", "Dynamically provisioned PersistentVolumes of this storage class are created with this reclaimPolicy."},
                                         {"VolumeBindingMode", "string", "VolumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."},
                                         {"AllowVolumeExpansion", "string", "AllowVolumeExpansion shows whether the storage class allow volume expand."},
                                         age_col()},
                                        [](const json& sc, Clock::time_point now) {
                                          std::string name = name_of(sc);
                                          if (str(sc, {"metadata", "annotations", "storageclass.kubernetes.io/is-default-class"}) == "true")
                                            name += " (default)";
                                          return json::array({name, str(sc, {"provisioner"}), str(sc, {"reclaimPolicy"}, "Delete"),
                                                              str(sc, {"volumeBindingMode"}, "Immediate"),
                                                              at(sc, {"allowVolumeExpansion"}) == true ? "true" : "false", created(sc, now)});
                                        }};
    m["scheduling.k8s.io/PriorityClass"] = {{name_col(), {"Value", "integer", "The value of this priority class."},
                                             {"Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority."},
                                             age_col(),
                                             {"PreemptionPolicy", "string", "PreemptionPolicy is the Policy for preempting pods with lower priority."}},
                                            [](const json& pc, Clock::time_point now) {
                                              return json::array({name_of(pc), num(pc, {"value"}), at(pc, {"globalDefault"}) == true,
                                                                  created(pc, now), str(pc, {"preemptionPolicy"}, "PreemptLowerPriority")});
                                            }};
    m["apps/ControllerRevision"] = {{name_col(), {"Controller", "string", "Controller of the object"},
                                     {"Revision", "integer", "Revision indicates the revision of the state represented by Data."}, age_col()},
                                    [](const json& cr, Clock::time_point now) {
                                      std::string controller = "<none>";
                                      const json& owners = at(cr, {"metadata", "ownerReferences"});
                                      if (owners.is_array())
                                        for (const auto& o : owners)
                                          if (bval(o, "controller", false)) {
                                            std::string api = str(o, {"apiVersion"});
                                            std::string group = api.find('/') == std::string::npos ? "" : api.substr(0, api.find('/'));
                                            std::string kind = str(o, {"kind"});
                                            for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                                            controller = kind + (group.empty() ? "" : "." + group) + "/" + str(o, {"name"});
                                          }
                                      return json::array({name_of(cr), controller, num(cr, {"revision"}), created(cr, now)});
                                    }};
    return m;
  }();
  return p;
}

json column_json(const Column& c) {
  return {{"name", c.name}, {"type", c.type}, {"format", c.format}, {"description", c.description}, {"priority", c.priority}};
}

json row_object(const json& obj, IncludeObject include) {
  if (include == IncludeObject::Object) return obj;
  json meta = obj.is_object() && obj.contains("metadata") ? obj["metadata"] : json::object();
  return {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", meta}};
}

std::string cell_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "<none>";
  if (v.is_array()) {
    std::vector<std::string> parts;
    for (const auto& x : v) parts.push_back(x.is_string() ? x.get<std::string>() : x.dump());
    return join(parts, ",");
  }
  return v.dump();
}

}  // namespace

json to_table(const GroupVersionKind& gvk, const std::vector<const json*>& objects, const TableOptions& opts) {
  json columns = json::array();
  json rows = json::array();
  auto add_row = [&](const json& obj, json cells) {
    json row = {{"cells", std::move(cells)}};
    if (opts.include_object != IncludeObject::None) row["object"] = row_object(obj, opts.include_object);
    rows.push_back(std::move(row));
  };
  if (!opts.printer_columns.empty()) {
    columns.push_back(column_json(name_col()));
    for (const auto& pc : opts.printer_columns)
      columns.push_back({{"name", pc.name}, {"type", pc.type == "date" ? "date" : pc.type}, {"format", pc.format},
                         {"description", pc.description}, {"priority", pc.priority}});
    for (const json* obj : objects) {
      json cells = json::array({name_of(*obj)});
      for (const auto& pc : opts.printer_columns) {
        json v = table::json_path(*obj, pc.json_path);
        if (pc.type == "date") cells.push_back(v.is_null() ? json("<unknown>") : json(age(v, opts.now)));
        else if (v.is_null()) cells.push_back(nullptr);
        else if (pc.type == "integer" || pc.type == "number" || pc.type == "boolean") cells.push_back(v);
        else cells.push_back(cell_text(v));
      }
      add_row(*obj, std::move(cells));
    }
  } else if (auto it = printers().find(gvk.group + "/" + gvk.kind); it != printers().end()) {
    for (const auto& c : it->second.columns) columns.push_back(column_json(c));
    for (const json* obj : objects) add_row(*obj, it->second.row(*obj, opts.now));
  } else {
    columns.push_back(column_json(name_col()));
    columns.push_back(column_json(age_col()));
    for (const json* obj : objects) add_row(*obj, json::array({name_of(*obj), created(*obj, opts.now)}));
  }
  json meta = json::object();
  if (!opts.resource_version.empty()) meta["resourceVersion"] = opts.resource_version;
  if (!opts.continue_token.empty()) meta["continue"] = opts.continue_token;
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", std::move(meta)},
          {"columnDefinitions", opts.column_definitions ? std::move(columns) : json::array()},
          {"rows", std::move(rows)}};
}

}  // namespace skiff::apimachinery
