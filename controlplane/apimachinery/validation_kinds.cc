// Kind rules: workloads (selector vs template, replicas, strategies), Service
// (ports, node ports, cluster IP), ConfigMap/Secret, RBAC, CRD, HPA, ...
#include <set>

#include "skiff/apimachinery/validation.h"
#include "validation_rules.h"
#include "json_access.h"

namespace skiff::apimachinery::rules {
namespace {

std::string go_string_map(const json& m) {
  std::string out = "map[string]string{";
  bool first = true;
  if (m.is_object())
    for (const auto& [k, v] : m.items()) {
      out += (first ? "" : ", ") + json(k).dump() + ":" + (v.is_string() ? v.dump() : json(v.dump()).dump());
      first = false;
    }
  return out + "}";
}

void non_negative(FieldErrors& errs, const Path& p, const json& obj, const char* key) {
  if (const json* v = get(obj, key); v && v->is_number_integer() && v->get<int64_t>() < 0)
    errs.invalid(p / key, *v, "must be greater than or equal to 0");
}

// "25%" or an integer; percent > 100 invalid. Returns the value as int or percent.
std::optional<int64_t> int_or_percent(FieldErrors& errs, const Path& p, const json& v) {
  if (v.is_number_integer()) {
    if (v.get<int64_t>() < 0) errs.invalid(p, v, "must be greater than or equal to 0");
    return v.get<int64_t>();
  }
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s.empty() || s.back() != '%') {
      errs.invalid(p, v, "a valid percent string must be a numeric string followed by an ending '%' "
                         "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
      return std::nullopt;
    }
    try {
      int64_t n = std::stoll(s.substr(0, s.size() - 1));
      if (n > 100) errs.invalid(p, v, "must not be greater than 100%");
      return n;
    } catch (...) {
      errs.invalid(p, v, "a valid percent string must be a numeric string followed by an ending '%'");
    }
  }
  return std::nullopt;
}

void selector_and_template(FieldErrors& errs, const GroupVersionKind& gvk, const json& spec, const Path& sp,
                           bool selector_required) {
  const json* sel = get(spec, "selector");
  const json* labels = get_path(spec, {"template", "metadata", "labels"});
  std::string lower = gvk.kind;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!sel) {
    if (selector_required && !errs.causes().empty() && errs.causes().back().field == (sp / "selector").str()) return;
    return;  // the schema walk reported it when required
  }
  label_selector(errs, sp / "selector", *sel);
  bool empty = !sel->is_object() || ((!get(*sel, "matchLabels") || (*sel)["matchLabels"].empty()) &&
                                     (!get(*sel, "matchExpressions") || (*sel)["matchExpressions"].empty()));
  if (empty) {
    errs.invalid(sp / "selector", *sel, "empty selector is invalid for " + lower);
    return;
  }
  if (!selector_matches(*sel, labels ? *labels : json::object()))
    errs.invalid(sp / "template" / "metadata" / "labels", json(go_string_map(labels ? *labels : json::object())),
                 "`selector` does not match template `labels`");
}

void template_labels(FieldErrors& errs, const json& spec, const Path& sp) {
  if (const json* labels = get_path(spec, {"template", "metadata", "labels"}))
    label_map(errs, sp / "template" / "metadata" / "labels", *labels);
}

const json& spec_of(const json& obj) {
  static const json empty = json::object();
  const json* s = get(obj, "spec");
  return s && s->is_object() ? *s : empty;
}

}  // namespace

void workload_rules(FieldErrors& errs, const GroupVersionKind& gvk, const json& obj, const json* old) {
  const json& spec = spec_of(obj);
  Path sp("spec");
  const std::string& k = gvk.kind;
  non_negative(errs, sp, spec, "replicas");
  non_negative(errs, sp, spec, "minReadySeconds");
  non_negative(errs, sp, spec, "revisionHistoryLimit");
  const json* tmpl_spec = get_path(spec, {"template", "spec"});
  static const json empty = json::object();
  std::vector<std::string> restart{"Always"};
  if (k == "Job") restart = {"OnFailure", "Never"};
  if (k != "CronJob") {
    bool manual = bval(spec, "manualSelector", false);
    if (k != "Job" || manual || get(spec, "selector")) selector_and_template(errs, gvk, spec, sp, k != "Job");
    template_labels(errs, spec, sp);
    std::vector<std::string> claims;
    if (const json* vcts = get(spec, "volumeClaimTemplates"); vcts && vcts->is_array() && k == "StatefulSet")
      for (const auto& t : *vcts)
        if (const json* n = get_path(t, {"metadata", "name"}); n && n->is_string()) claims.push_back(n->get<std::string>());
    pod_spec(errs, sp / "template" / "spec", tmpl_spec ? *tmpl_spec : empty, restart, claims);
  }
  if (k == "Deployment") {
    if (const json* strategy = get(spec, "strategy")) {
      std::string type = str_at(*strategy, "type");
      const json* ru = get(*strategy, "rollingUpdate");
      if (type == "Recreate" && ru)
        errs.forbidden(sp / "strategy" / "rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
      if (type == "RollingUpdate" && ru) {
        Path rp = sp / "strategy" / "rollingUpdate";
        std::optional<int64_t> mu, ms;
        if (const json* v = get(*ru, "maxUnavailable")) mu = int_or_percent(errs, rp / "maxUnavailable", *v);
        if (const json* v = get(*ru, "maxSurge")) ms = int_or_percent(errs, rp / "maxSurge", *v);
        if (mu && ms && *mu == 0 && *ms == 0)
          errs.invalid(rp / "maxUnavailable", (*ru)["maxUnavailable"], "may not be 0 when `maxSurge` is 0");
      }
    }
    if (const json* pds = get(spec, "progressDeadlineSeconds"); pds && pds->is_number_integer()) {
      int64_t mrs = ival(spec, "minReadySeconds", 0);
      if (pds->get<int64_t>() <= mrs) errs.invalid(sp / "progressDeadlineSeconds", *pds, "must be greater than minReadySeconds");
    }
  }
  if (k == "StatefulSet" && old) {
    json a = spec, b = spec_of(*old);
    for (const char* f : {"replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
                          "persistentVolumeClaimRetentionPolicy", "minReadySeconds"}) {
      a.erase(f);
      b.erase(f);
    }
    if (a != b)
      errs.forbidden(sp, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
                         "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
                         "'minReadySeconds' are forbidden");
  }
  if (k == "Job") {
    for (const char* f : {"parallelism", "completions", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished"})
      non_negative(errs, sp, spec, f);
    if (old) {
      const json& os = spec_of(*old);
      for (const char* f : {"completions", "completionMode", "selector"}) {
        const json* a = get(spec, f);
        const json* b = get(os, f);
        if ((a ? *a : json()) != (b ? *b : json()) && !(std::string(f) == "completions" && str_at(spec, "completionMode") == "Indexed"))
          errs.invalid(sp / f, a ? *a : json(), "field is immutable");
      }
      const json* a = get(spec, "template");
      const json* b = get(os, "template");
      if ((a ? *a : json()) != (b ? *b : json()) && !bval(spec, "suspend", false))
        errs.invalid(sp / "template", json("..."), "field is immutable");
    }
  }
  if (k == "CronJob") {
    std::string schedule = str_at(spec, "schedule");
    if (!schedule.empty() && schedule[0] != '@') {
      size_t fields = 0;
      bool in_field = false;
      for (char c : schedule) {
        if (c == ' ' || c == '\t') in_field = false;
        else if (!in_field) { in_field = true; ++fields; }
      }
      if (fields != 5)
        errs.invalid(sp / "schedule", schedule, "unparseable schedule: expected exactly 5 fields, found " + std::to_string(fields));
    }
    std::string name = get(obj, "metadata") ? str_at(obj["metadata"], "name") : "";
    if (name.size() > 52) errs.invalid(Path("metadata") / "name", name, "must be no more than 52 characters");
    const json* jts = get_path(spec, {"jobTemplate", "spec", "template", "spec"});
    pod_spec(errs, sp / "jobTemplate" / "spec" / "template" / "spec", jts ? *jts : empty, {"OnFailure", "Never"});
    non_negative(errs, sp, spec, "startingDeadlineSeconds");
    non_negative(errs, sp, spec, "successfulJobsHistoryLimit");
    non_negative(errs, sp, spec, "failedJobsHistoryLimit");
  }
}

void service_rules(FieldErrors& errs, const json& obj, const json* old) {
  const json& spec = spec_of(obj);
  Path sp("spec");
  std::string type = str_at(spec, "type");
  std::string cluster_ip = str_at(spec, "clusterIP");
  const json* ports = get(spec, "ports");
  size_t n = ports && ports->is_array() ? ports->size() : 0;
  if (type == "ExternalName") {
    std::string en = str_at(spec, "externalName");
    if (en.empty()) errs.required(sp / "externalName");
    else
      for (auto& msg : dns1123_subdomain_errors(en)) errs.invalid(sp / "externalName", en, msg);
  } else if (n == 0 && cluster_ip != "None") {
    errs.required(sp / "ports");
  }
  std::set<std::string> names;
  std::set<std::pair<int64_t, std::string>> port_protocols;
  for (size_t i = 0; i < n; ++i) {
    const json& port = (*ports)[i];
    Path pp = (sp / "ports")[i];
    std::string name = str_at(port, "name");
    if (name.empty() && n > 1) errs.required(pp / "name");
    if (!name.empty()) {
      dns_label_name(errs, pp / "name", name);
      if (!names.insert(name).second) errs.duplicate(pp / "name", name);
    }
    const json* pn = get(port, "port");
    if (pn) port_number(errs, pp / "port", *pn);
    std::string proto = str_at(port, "protocol");
    if (pn && pn->is_number_integer() && !port_protocols.insert({pn->get<int64_t>(), proto}).second)
      errs.duplicate(pp, json{{"port", *pn}, {"protocol", proto}});
    if (const json* tp = get(port, "targetPort")) {
      if (tp->is_number_integer()) port_number(errs, pp / "targetPort", *tp);
      else if (tp->is_string()) iana_port_name(errs, pp / "targetPort", tp->get<std::string>());
    }
    if (const json* np = get(port, "nodePort"); np && np->is_number_integer() && np->get<int64_t>() != 0) {
      if (type == "ClusterIP" || type == "ExternalName" || type.empty())
        errs.forbidden(pp / "nodePort", "may not be used when `type` is '" + (type.empty() ? std::string("ClusterIP") : type) + "'");
      else if (np->get<int64_t>() < 30000 || np->get<int64_t>() > 32767)
        errs.invalid(pp / "nodePort", *np, "provided port is not in the valid range. The range of valid ports is 30000-32767");
    }
  }
  if (const json* sel = get(spec, "selector")) label_map(errs, sp / "selector", *sel);
  if (const json* etp = get(spec, "externalTrafficPolicy"); etp && type != "NodePort" && type != "LoadBalancer" && !etp->is_null() &&
                                                            etp->is_string() && !etp->get<std::string>().empty())
    errs.invalid(sp / "externalTrafficPolicy", *etp, "may only be set when `type` is 'NodePort' or 'LoadBalancer'");
  if (str_at(spec, "sessionAffinity") == "ClientIP")
    if (const json* t = get_path(spec, {"sessionAffinityConfig", "clientIP", "timeoutSeconds"});
        t && t->is_number_integer() && (t->get<int64_t>() < 1 || t->get<int64_t>() > 86400))
      errs.invalid(sp / "sessionAffinityConfig" / "clientIP" / "timeoutSeconds", *t, "must be greater than 0 and less than 86400");
  if (old && type != "ExternalName" && str_at(spec_of(*old), "type") != "ExternalName") {
    std::string old_ip = str_at(spec_of(*old), "clusterIP");
    if (!old_ip.empty() && !cluster_ip.empty() && old_ip != cluster_ip) {
      if (get(spec, "clusterIPs")) errs.invalid((sp / "clusterIPs")[0], spec["clusterIPs"], "may not change once set");
      else errs.invalid(sp / "clusterIP", cluster_ip, "field is immutable");
    }
  }
}

void other_rules(FieldErrors& errs, const GroupVersionKind& gvk, const json& obj, const json* old) {
  const std::string& k = gvk.kind;
  if (gvk.group.empty() && (k == "ConfigMap" || k == "Secret")) {
    size_t total = 0;
    for (const char* field : {"data", "binaryData", "stringData"}) {
      const json* m = get(obj, field);
      if (!m || !m->is_object()) continue;
      for (const auto& [key, v] : m->items()) {
        bool ok = !key.empty() && key != "." && key != ".." && key.rfind("..", 0) != 0;
        for (char c : key) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
        if (!ok)
          errs.invalid(Path(field).key(key), key,
                       "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  "
                       "or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
        if (v.is_string()) total += v.get_ref<const std::string&>().size();
      }
    }
    if (total > 1048576) errs.add("FieldValueTooLong", Path(k == "Secret" ? "data" : ""), "Too long: must have at most 1048576 bytes");
    if (old && bval(*old, "immutable", false)) {
      for (const char* field : {"data", "binaryData"}) {
        const json* a = get(obj, field);
        const json* b = get(*old, field);
        if ((a ? *a : json()) != (b ? *b : json())) errs.forbidden(Path(field), "field is immutable when `immutable` is set");
      }
      if (!bval(obj, "immutable", false)) errs.forbidden(Path("immutable"), "field is immutable when `immutable` is set");
    }
    if (k == "Secret") {
      std::string type = str_at(obj, "type");
      if (old && str_at(*old, "type") != type) errs.invalid(Path("type"), type, "field is immutable");
      auto need = [&](const char* key) {
        bool in_data = get(obj, "data") && obj["data"].contains(key);
        bool in_string = get(obj, "stringData") && obj["stringData"].contains(key);
        if (!in_data && !in_string) errs.required(Path("data").key(key));
      };
      if (type == "kubernetes.io/tls") { need("tls.crt"); need("tls.key"); }
      if (type == "kubernetes.io/dockerconfigjson") need(".dockerconfigjson");
      if (type == "kubernetes.io/dockercfg") need(".dockercfg");
      if (type == "kubernetes.io/basic-auth" && !(get(obj, "data") || get(obj, "stringData"))) {}
      if (type == "kubernetes.io/service-account-token") {
        const json* ann = get_path(obj, {"metadata", "annotations", "kubernetes.io/service-account.name"});
        if (!ann) errs.required(Path("metadata.annotations").key("kubernetes.io/service-account.name"));
      }
      if (const json* data = get(obj, "data"); data && data->is_object())
        for (const auto& [key, v] : data->items()) {
          if (!v.is_string()) continue;
          const std::string& s = v.get_ref<const std::string&>();
          bool ok = s.size() % 4 == 0;
          for (char c : s) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=');
          if (!ok) errs.type_invalid(Path("data").key(key), "<secret contents redacted>", "illegal base64 data");
        }
    }
    return;
  }
  if (gvk.group == "rbac.authorization.k8s.io") {
    if (k == "Role" || k == "ClusterRole") {
      if (const json* rules = get(obj, "rules"); rules && rules->is_array())
        for (size_t i = 0; i < rules->size(); ++i) {
          const json& r = (*rules)[i];
          const json* verbs = get(r, "verbs");
          if (!verbs || verbs->empty()) errs.required(Path("rules")[i] / "verbs", "verbs must contain at least one value");
          bool has_urls = get(r, "nonResourceURLs") && !r["nonResourceURLs"].empty();
          bool has_resources = get(r, "resources") && !r["resources"].empty();
          if (has_urls && k == "Role")
            errs.invalid(Path("rules")[i] / "nonResourceURLs", r["nonResourceURLs"], "namespaced rules cannot apply to non-resource URLs");
          if (!has_urls && has_resources && !get(r, "apiGroups"))
            errs.required(Path("rules")[i] / "apiGroups", "resource rules must supply at least one api group");
        }
    } else {
      const json* ref = get(obj, "roleRef");
      std::string kind = ref ? str_at(*ref, "kind") : "";
      if (ref) {
        std::vector<std::string> allowed = k == "RoleBinding" ? std::vector<std::string>{"Role", "ClusterRole"}
                                                              : std::vector<std::string>{"ClusterRole"};
        if (std::find(allowed.begin(), allowed.end(), kind) == allowed.end()) errs.not_supported(Path("roleRef") / "kind", kind, allowed);
        if (str_at(*ref, "name").empty()) errs.required(Path("roleRef") / "name");
      }
      if (const json* subjects = get(obj, "subjects"); subjects && subjects->is_array())
        for (size_t i = 0; i < subjects->size(); ++i) {
          std::string sk = str_at((*subjects)[i], "kind");
          if (sk != "ServiceAccount" && sk != "User" && sk != "Group")
            errs.not_supported(Path("subjects")[i] / "kind", sk, {"ServiceAccount", "User", "Group"});
          if (sk == "ServiceAccount" && k == "ClusterRoleBinding" && str_at((*subjects)[i], "namespace").empty())
            errs.required(Path("subjects")[i] / "namespace");
        }
    }
    return;
  }
  if (gvk.group == "apiextensions.k8s.io" && k == "CustomResourceDefinition") {
    const json& spec = spec_of(obj);
    std::string group = str_at(spec, "group");
    std::string plural = get(spec, "names") ? str_at(spec["names"], "plural") : "";
    std::string name = get(obj, "metadata") ? str_at(obj["metadata"], "name") : "";
    if (!group.empty() && group.find('.') == std::string::npos)
      errs.invalid(Path("spec.group"), group, "should be a domain with at least one dot");
    if (name != plural + "." + group)
      errs.invalid(Path("metadata.name"), name, "must be spec.names.plural+\".\"+spec.group");
    if (const json* versions = get(spec, "versions"); versions && versions->is_array()) {
      int storage = 0;
      for (const auto& v : *versions) storage += bval(v, "storage", false) ? 1 : 0;
      if (storage != 1) errs.invalid(Path("spec.versions"), *versions, "must have exactly one version marked as storage version");
    }
    if (old && str_at(spec_of(*old), "scope") != str_at(spec, "scope"))
      errs.invalid(Path("spec.scope"), str_at(spec, "scope"), "field is immutable");
    return;
  }
  if (gvk.group == "autoscaling" && k == "HorizontalPodAutoscaler") {
    const json& spec = spec_of(obj);
    int64_t min = ival(spec, "minReplicas", 1), max = ival(spec, "maxReplicas", 0);
    if (min < 1) errs.invalid(Path("spec.minReplicas"), min, "must be greater than or equal to 1");
    if (get(spec, "maxReplicas") && max < min)
      errs.invalid(Path("spec.maxReplicas"), max, "must be greater than or equal to `minReplicas`");
    return;
  }
  if (gvk.group == "networking.k8s.io" && k == "Ingress") {
    if (const json* rules = get_path(obj, {"spec", "rules"}); rules && rules->is_array())
      for (size_t i = 0; i < rules->size(); ++i)
        if (const json* paths = get_path((*rules)[i], {"http", "paths"}); paths && paths->is_array())
          for (size_t j = 0; j < paths->size(); ++j) {
            std::string path = str_at((*paths)[j], "path");
            std::string type = str_at((*paths)[j], "pathType");
            if ((type == "Exact" || type == "Prefix") && (path.empty() || path[0] != '/'))
              errs.invalid((Path("spec.rules")[i] / "http" / "paths")[j] / "path", path, "must be an absolute path");
          }
    return;
  }
  if (gvk.group == "discovery.k8s.io" && k == "EndpointSlice") {
    if (const json* eps = get(obj, "endpoints"); eps && eps->is_array() && eps->size() > 1000)
      errs.add("FieldValueTooMany", Path("endpoints"), "Too many: " + std::to_string(eps->size()) + ": must have at most 1000 items");
    if (!get(obj, "addressType")) errs.required(Path("addressType"));
    return;
  }
}

void kind_rules(FieldErrors& errs, const GroupVersionKind& gvk, const json& obj, const json* old) {
  const std::string& k = gvk.kind;
  if (gvk.group.empty()) {
    if (k == "Pod") {
      static const json empty = json::object();
      const json* spec = get(obj, "spec");
      pod_spec(errs, Path("spec"), spec ? *spec : empty, {"Always", "OnFailure", "Never"});
      if (old && spec) {
        const json* old_spec = get(*old, "spec");
        if (old_spec) pod_update(errs, *spec, *old_spec);
      }
      return;
    }
    if (k == "Service") return service_rules(errs, obj, old);
    if (k == "ReplicationController") {
      const json& spec = spec_of(obj);
      non_negative(errs, Path("spec"), spec, "replicas");
      if (const json* tspec = get_path(spec, {"template", "spec"})) pod_spec(errs, Path("spec.template.spec"), *tspec, {"Always"});
      return;
    }
    return other_rules(errs, gvk, obj, old);
  }
  if (gvk.group == "apps" && k != "ControllerRevision") return workload_rules(errs, gvk, obj, old);
  if (gvk.group == "batch") return workload_rules(errs, gvk, obj, old);
  other_rules(errs, gvk, obj, old);
}

}  // namespace skiff::apimachinery::rules
