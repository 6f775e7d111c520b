// Pod spec rules (pkg/apis/core/validation: ValidatePodSpec and friends) and
// shared helpers of the kind rules.
#include <cmath>
#include <set>

#include "skiff/apimachinery/selectors.h"
#include "skiff/apimachinery/validation.h"
#include "validation_rules.h"

namespace skiff::apimachinery::rules {

std::string str_at(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

const json* get(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

const json* get_path(const json& obj, std::initializer_list<const char*> keys) {
  const json* cur = &obj;
  for (const char* k : keys) {
    cur = get(*cur, k);
    if (!cur) return nullptr;
  }
  return cur;
}

void port_number(FieldErrors& errs, const Path& p, const json& v) {
  if (!v.is_number_integer()) return;
  auto n = v.get<int64_t>();
  if (n < 1 || n > 65535) errs.invalid(p, v, "must be between 1 and 65535, inclusive");
}

void iana_port_name(FieldErrors& errs, const Path& p, const std::string& name) {
  if (name.size() > 15) errs.invalid(p, name, "must be no more than 15 characters");
  bool ok_chars = true, has_letter = false;
  for (char c : name) {
    if ((c >= 'a' && c <= 'z')) has_letter = true;
    else if (!(c >= '0' && c <= '9') && c != '-') ok_chars = false;
  }
  if (!ok_chars) errs.invalid(p, name, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (name.find("--") != std::string::npos) errs.invalid(p, name, "must not contain consecutive hyphens");
  if (!has_letter) errs.invalid(p, name, "must contain at least one letter (a-z)");
  if (!name.empty() && (name.front() == '-' || name.back() == '-'))
    errs.invalid(p, name, "must not begin or end with a hyphen");
}

void label_map(FieldErrors& errs, const Path& p, const json& labels) {
  if (!labels.is_object()) return;
  for (const auto& [k, v] : labels.items()) {
    for (auto& msg : qualified_name_errors(k)) errs.invalid(p, k, msg);
    if (v.is_string())
      for (auto& msg : label_value_errors(v.get<std::string>())) errs.invalid(p, v, msg);
  }
}

void dns_label_name(FieldErrors& errs, const Path& p, const std::string& name) {
  for (auto& msg : dns1123_label_errors(name)) errs.invalid(p, name, msg);
}

void label_selector(FieldErrors& errs, const Path& p, const json& sel) {
  if (!sel.is_object()) return;
  if (const json* ml = get(sel, "matchLabels")) label_map(errs, p / "matchLabels", *ml);
  if (const json* exprs = get(sel, "matchExpressions"); exprs && exprs->is_array()) {
    for (size_t i = 0; i < exprs->size(); ++i) {
      const json& e = (*exprs)[i];
      Path ep = (p / "matchExpressions")[i];
      std::string op = str_at(e, "operator");
      const json* values = get(e, "values");
      size_t n = values && values->is_array() ? values->size() : 0;
      if (op == "In" || op == "NotIn") {
        if (n == 0) errs.required(ep / "values", "must be specified when `operator` is 'In' or 'NotIn'");
      } else if (op == "Exists" || op == "DoesNotExist") {
        if (n > 0) errs.forbidden(ep / "values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      } else {
        errs.invalid(ep / "operator", op, "not a valid selector operator");
      }
      for (auto& msg : qualified_name_errors(str_at(e, "key"))) errs.invalid(ep / "key", str_at(e, "key"), msg);
    }
  }
}

bool selector_matches(const json& selector, const json& labels) {
  auto sel = LabelSelector::from_json(selector);
  return sel && sel->matches(labels);
}

std::optional<double> parse_quantity(const json& q) {
  if (q.is_number()) return q.get<double>();
  if (!q.is_string()) return std::nullopt;
  const std::string& s = q.get_ref<const std::string&>();
  size_t pos = 0;
  double base;
  try {
    base = std::stod(s, &pos);
  } catch (...) {
    return std::nullopt;
  }
  std::string suffix = s.substr(pos);
  static const std::pair<const char*, double> suffixes[] = {
      {"", 1},         {"m", 1e-3},  {"u", 1e-6},  {"n", 1e-9},  {"k", 1e3},   {"M", 1e6},
      {"G", 1e9},      {"T", 1e12},  {"P", 1e15},  {"E", 1e18},  {"Ki", 1024.0}, {"Mi", 1048576.0},
      {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}, {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0}};
  for (const auto& [sfx, mult] : suffixes)
    if (suffix == sfx) return base * mult;
  return std::nullopt;
}

namespace {

void container_ports(FieldErrors& errs, const Path& p, const json& ports) {
  if (!ports.is_array()) return;
  std::set<std::string> names;
  for (size_t i = 0; i < ports.size(); ++i) {
    const json& port = ports[i];
    Path pp = p[i];
    std::string name = str_at(port, "name");
    if (!name.empty()) {
      iana_port_name(errs, pp / "name", name);
      if (!names.insert(name).second) errs.duplicate(pp / "name", name);
    }
    if (const json* cp = get(port, "containerPort")) port_number(errs, pp / "containerPort", *cp);
    else errs.required(pp / "containerPort");
    if (const json* hp = get(port, "hostPort"); hp && hp->is_number_integer() && hp->get<int64_t>() != 0)
      port_number(errs, pp / "hostPort", *hp);
  }
}

void containers(FieldErrors& errs, const Path& p, const json& list, std::set<std::string>& names,
                const std::set<std::string>& volumes) {
  if (!list.is_array()) return;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& c = list[i];
    Path cp = p[i];
    if (!c.is_object()) continue;
    std::string name = str_at(c, "name");
    if (name.empty()) {
      errs.required(cp / "name");
    } else {
      dns_label_name(errs, cp / "name", name);
      if (!names.insert(name).second) errs.duplicate(cp / "name", name);
    }
    if (str_at(c, "image").empty()) errs.required(cp / "image");
    if (const json* ports = get(c, "ports")) container_ports(errs, cp / "ports", *ports);
    if (const json* env = get(c, "env"); env && env->is_array())
      for (size_t j = 0; j < env->size(); ++j) {
        std::string en = str_at((*env)[j], "name");
        if (en.empty()) errs.required((cp / "env")[j] / "name");
        else if (en.find('=') != std::string::npos)
          errs.invalid((cp / "env")[j] / "name", en,
                       "a valid environment variable name must consist only of printable ASCII characters other than '='");
      }
    if (const json* mounts = get(c, "volumeMounts"); mounts && mounts->is_array()) {
      std::set<std::string> paths;
      for (size_t j = 0; j < mounts->size(); ++j) {
        Path mp = (cp / "volumeMounts")[j];
        std::string vn = str_at((*mounts)[j], "name");
        std::string path = str_at((*mounts)[j], "mountPath");
        if (vn.empty()) errs.required(mp / "name");
        else if (!volumes.count(vn)) errs.not_found(mp / "name", vn);
        if (path.empty()) errs.required(mp / "mountPath");
        else if (!paths.insert(path).second) errs.invalid(mp / "mountPath", path, "must be unique");
      }
    }
    if (const json* res = get(c, "resources")) {
      const json* limits = get(*res, "limits");
      const json* requests = get(*res, "requests");
      if (limits && requests && limits->is_object() && requests->is_object())
        for (const auto& [rname, req] : requests->items()) {
          auto lim = limits->find(rname);
          if (lim == limits->end()) continue;
          auto rq = parse_quantity(req), lq = parse_quantity(*lim);
          if (rq && lq && *rq > *lq)
            errs.invalid((cp / "resources" / "requests").key(rname), req,
                         "must be less than or equal to " + rname + " limit of " +
                             (lim->is_string() ? lim->get<std::string>() : lim->dump()));
        }
      for (const json* m : {limits, requests})
        if (m && m->is_object())
          for (const auto& [rname, q] : m->items())
            if (!parse_quantity(q))
              errs.invalid((cp / "resources" / (m == limits ? "limits" : "requests")).key(rname), q,
                           "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
  }
}

}  // namespace

void pod_spec(FieldErrors& errs, const Path& p, const json& spec, const std::vector<std::string>& allowed_restart,
              const std::vector<std::string>& claim_templates) {
  // volumes first: mounts refer to them
  std::set<std::string> volumes(claim_templates.begin(), claim_templates.end());
  if (const json* vols = get(spec, "volumes"); vols && vols->is_array()) {
    for (size_t i = 0; i < vols->size(); ++i) {
      const json& v = (*vols)[i];
      Path vp = (p / "volumes")[i];
      std::string name = str_at(v, "name");
      if (name.empty()) errs.required(vp / "name");
      else {
        dns_label_name(errs, vp / "name", name);
        if (!volumes.insert(name).second) errs.duplicate(vp / "name", name);
      }
      int sources = 0;
      if (v.is_object())
        for (const auto& [k, val] : v.items()) {
          if (k == "name" || val.is_null()) continue;
          if (++sources > 1) errs.forbidden(vp / k, "may not specify more than 1 volume type");
        }
      if (sources == 0) errs.required(vp, "must specify a volume type");
    }
  }
  const json* cs = get(spec, "containers");
  if (!cs || !cs->is_array() || cs->empty()) errs.required(p / "containers");
  std::set<std::string> names;
  if (cs) containers(errs, p / "containers", *cs, names, volumes);
  if (const json* ics = get(spec, "initContainers")) containers(errs, p / "initContainers", *ics, names, volumes);
  std::string restart = str_at(spec, "restartPolicy");
  if (!allowed_restart.empty() && !restart.empty() &&
      std::find(allowed_restart.begin(), allowed_restart.end(), restart) == allowed_restart.end())
    errs.not_supported(p / "restartPolicy", restart, allowed_restart);
  if (str_at(spec, "dnsPolicy") == "None" && !get(spec, "dnsConfig"))
    errs.required(p / "dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None");
  if (const json* ads = get(spec, "activeDeadlineSeconds"); ads && ads->is_number_integer() && ads->get<int64_t>() <= 0)
    errs.invalid(p / "activeDeadlineSeconds", *ads, "must be between 1 and 2147483647, inclusive");
  if (const json* ns = get(spec, "nodeSelector")) label_map(errs, p / "nodeSelector", *ns);
  std::string hostname = str_at(spec, "hostname");
  if (!hostname.empty()) dns_label_name(errs, p / "hostname", hostname);
  std::string sub = str_at(spec, "subdomain");
  if (!sub.empty()) dns_label_name(errs, p / "subdomain", sub);
  if (const json* tgp = get(spec, "terminationGracePeriodSeconds"); tgp && tgp->is_number_integer() && tgp->get<int64_t>() < 0)
    errs.invalid(p / "terminationGracePeriodSeconds", *tgp, "must be greater than or equal to 0");
}

void pod_update(FieldErrors& errs, const json& spec, const json& old_spec) {
  auto neutral = [](json s) {
    if (!s.is_object()) return s;
    for (const char* list : {"containers", "initContainers"})
      if (s.contains(list) && s[list].is_array())
        for (auto& c : s[list])
          if (c.is_object()) c.erase("image");
    for (const char* f : {"activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds", "schedulingGates",
                          "ephemeralContainers"})
      s.erase(f);
    return s;
  };
  json before = neutral(old_spec), after = neutral(spec);
  // nodeName may be set once (binding)
  if (str_at(old_spec, "nodeName").empty()) {
    before.erase("nodeName");
    after.erase("nodeName");
  }
  if (before != after)
    errs.forbidden(Path("spec"),
                   "pod updates may not change fields other than `spec.containers[*].image`,"
                   "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions "
                   "to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
                   "previously negative)");
}

}  // namespace skiff::apimachinery::rules
