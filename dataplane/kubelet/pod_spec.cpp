#include "kubelet/pod_spec.h"

#include <nlohmann/json.hpp>

#include "kubelet/quantity.h"

namespace skiff::kubelet {

using nlohmann::json;

namespace {

// Parse errors carry the JSON path of the offending field.
struct Ctx {
  std::string error;
  bool ok() const { return error.empty(); }
  void bad(const std::string& path, const std::string& what) {
    if (error.empty()) error = path + ": " + what;
  }
};

const json* field(const json& obj, const char* name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string get_string(Ctx& c, const json& obj, const char* name, const std::string& path, std::string dflt = {}) {
  const json* f = field(obj, name);
  if (!f) return dflt;
  if (!f->is_string()) {
    c.bad(path + "." + name, "must be a string");
    return dflt;
  }
  return f->get<std::string>();
}

int64_t get_int(Ctx& c, const json& obj, const char* name, const std::string& path, int64_t dflt) {
  const json* f = field(obj, name);
  if (!f) return dflt;
  if (!f->is_number_integer()) {
    c.bad(path + "." + name, "must be an integer");
    return dflt;
  }
  return f->get<int64_t>();
}

bool get_bool(Ctx& c, const json& obj, const char* name, const std::string& path, bool dflt = false) {
  const json* f = field(obj, name);
  if (!f) return dflt;
  if (!f->is_boolean()) {
    c.bad(path + "." + name, "must be a boolean");
    return dflt;
  }
  return f->get<bool>();
}

std::vector<std::string> get_strings(Ctx& c, const json& obj, const char* name, const std::string& path) {
  std::vector<std::string> out;
  const json* f = field(obj, name);
  if (!f) return out;
  if (!f->is_array()) {
    c.bad(path + "." + name, "must be a list of strings");
    return out;
  }
  for (const auto& v : *f) {
    if (!v.is_string()) {
      c.bad(path + "." + name, "must be a list of strings");
      return out;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> get_string_map(Ctx& c, const json& obj, const char* name, const std::string& path) {
  std::map<std::string, std::string> out;
  const json* f = field(obj, name);
  if (!f) return out;
  if (!f->is_object()) {
    c.bad(path + "." + name, "must be a map of strings");
    return out;
  }
  for (auto it = f->begin(); it != f->end(); ++it) {
    if (!it->is_string()) {
      c.bad(path + "." + name + "." + it.key(), "must be a string");
      continue;
    }
    out[it.key()] = it->get<std::string>();
  }
  return out;
}

// IntOrString port: a number, or a named port of the container.
int32_t resolve_port(Ctx& c, const json& v, const std::vector<ContainerPort>& ports, const std::string& path) {
  if (v.is_number_integer()) return v.get<int32_t>();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    for (const auto& p : ports)
      if (p.name == s) return p.container_port;
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) return std::stoi(s);
    c.bad(path, "names no port of the container: " + s);
    return 0;
  }
  c.bad(path, "must be a port number or name");
  return 0;
}

Probe parse_probe(Ctx& c, const json* p, const std::vector<ContainerPort>& ports, const std::string& path) {
  Probe out;
  if (!p) return out;
  if (!p->is_object()) {
    c.bad(path, "must be an object");
    return out;
  }
  if (const json* e = field(*p, "exec")) {
    out.kind = Probe::Kind::Exec;
    out.command = get_strings(c, *e, "command", path + ".exec");
  } else if (const json* h = field(*p, "httpGet")) {
    out.kind = Probe::Kind::HttpGet;
    out.path = get_string(c, *h, "path", path + ".httpGet", "/");
    out.scheme = get_string(c, *h, "scheme", path + ".httpGet", "HTTP");
    out.host = get_string(c, *h, "host", path + ".httpGet");
    if (const json* port = field(*h, "port")) out.port = resolve_port(c, *port, ports, path + ".httpGet.port");
    else c.bad(path + ".httpGet.port", "is required");
    if (const json* hs = field(*h, "httpHeaders"); hs && hs->is_array())
      for (const auto& hv : *hs)
        out.headers.emplace_back(get_string(c, hv, "name", path + ".httpGet.httpHeaders"),
                                 get_string(c, hv, "value", path + ".httpGet.httpHeaders"));
  } else if (const json* t = field(*p, "tcpSocket")) {
    out.kind = Probe::Kind::TcpSocket;
    out.host = get_string(c, *t, "host", path + ".tcpSocket");
    if (const json* port = field(*t, "port")) out.port = resolve_port(c, *port, ports, path + ".tcpSocket.port");
    else c.bad(path + ".tcpSocket.port", "is required");
  } else {
    c.bad(path, "needs exec, httpGet or tcpSocket (grpc probes are not supported)");
  }
  out.initial_delay_seconds = static_cast<int32_t>(get_int(c, *p, "initialDelaySeconds", path, 0));
  out.period_seconds = static_cast<int32_t>(get_int(c, *p, "periodSeconds", path, 10));
  out.timeout_seconds = static_cast<int32_t>(get_int(c, *p, "timeoutSeconds", path, 1));
  out.success_threshold = static_cast<int32_t>(get_int(c, *p, "successThreshold", path, 1));
  out.failure_threshold = static_cast<int32_t>(get_int(c, *p, "failureThreshold", path, 3));
  if (out.period_seconds < 1) out.period_seconds = 1;
  if (out.timeout_seconds < 1) out.timeout_seconds = 1;
  if (out.success_threshold < 1) out.success_threshold = 1;
  if (out.failure_threshold < 1) out.failure_threshold = 1;
  return out;
}

std::optional<KeySelector> parse_key_selector(Ctx& c, const json* s, const std::string& path) {
  if (!s) return std::nullopt;
  KeySelector k;
  k.name = get_string(c, *s, "name", path);
  k.key = get_string(c, *s, "key", path);
  k.optional = get_bool(c, *s, "optional", path);
  if (k.key.empty()) c.bad(path + ".key", "is required");
  return k;
}

std::optional<int64_t> quantity(Ctx& c, const json& obj, const char* name, const std::string& path, bool cpu) {
  const json* f = field(obj, name);
  if (!f) return std::nullopt;
  std::string s = f->is_string() ? f->get<std::string>() : f->is_number() ? f->dump() : "";
  auto v = cpu ? parse_cpu_millis(s) : parse_bytes(s);
  if (!v) c.bad(path + "." + name, "is not a quantity: " + f->dump());
  return v;
}

ContainerSpec parse_container(Ctx& c, const json& j, const std::string& path) {
  ContainerSpec s;
  if (!j.is_object()) {
    c.bad(path, "must be an object");
    return s;
  }
  s.name = get_string(c, j, "name", path);
  if (s.name.empty()) c.bad(path + ".name", "is required");
  s.image = get_string(c, j, "image", path);
  if (s.image.empty()) c.bad(path + ".image", "is required");
  // The API server's default: Always for :latest or no tag, else IfNotPresent.
  std::string last = s.image.substr(s.image.rfind('/') == std::string::npos ? 0 : s.image.rfind('/'));
  bool latest = s.image.find('@') == std::string::npos &&
                (last.find(':') == std::string::npos || last.ends_with(":latest"));
  s.image_pull_policy = get_string(c, j, "imagePullPolicy", path, latest ? "Always" : "IfNotPresent");
  s.command = get_strings(c, j, "command", path);
  s.args = get_strings(c, j, "args", path);
  s.working_dir = get_string(c, j, "workingDir", path);
  s.tty = get_bool(c, j, "tty", path);
  s.stdin = get_bool(c, j, "stdin", path);
  s.stdin_once = get_bool(c, j, "stdinOnce", path);
  s.termination_message_path = get_string(c, j, "terminationMessagePath", path, "/dev/termination-log");
  if (const json* ports = field(j, "ports"); ports && ports->is_array()) {
    for (size_t i = 0; i < ports->size(); ++i) {
      const json& p = (*ports)[i];
      std::string pp = path + ".ports[" + std::to_string(i) + "]";
      ContainerPort cp;
      cp.name = get_string(c, p, "name", pp);
      cp.container_port = static_cast<int32_t>(get_int(c, p, "containerPort", pp, 0));
      cp.host_port = static_cast<int32_t>(get_int(c, p, "hostPort", pp, 0));
      cp.protocol = get_string(c, p, "protocol", pp, "TCP");
      cp.host_ip = get_string(c, p, "hostIP", pp);
      s.ports.push_back(cp);
    }
  }
  if (const json* env = field(j, "env"); env && env->is_array()) {
    for (size_t i = 0; i < env->size(); ++i) {
      const json& e = (*env)[i];
      std::string ep = path + ".env[" + std::to_string(i) + "]";
      EnvVar v;
      v.name = get_string(c, e, "name", ep);
      if (const json* val = field(e, "value")) v.value = val->is_string() ? val->get<std::string>() : val->dump();
      if (const json* from = field(e, "valueFrom")) {
        v.config_map_key = parse_key_selector(c, field(*from, "configMapKeyRef"), ep + ".valueFrom.configMapKeyRef");
        v.secret_key = parse_key_selector(c, field(*from, "secretKeyRef"), ep + ".valueFrom.secretKeyRef");
        if (const json* fr = field(*from, "fieldRef")) v.field_path = get_string(c, *fr, "fieldPath", ep);
        if (const json* rr = field(*from, "resourceFieldRef")) {
          v.resource_field = get_string(c, *rr, "resource", ep);
          if (const json* d = field(*rr, "divisor")) v.resource_divisor = d->is_string() ? d->get<std::string>() : d->dump();
        }
      }
      if (!v.value && !v.config_map_key && !v.secret_key && !v.field_path && !v.resource_field) v.value = "";
      s.env.push_back(std::move(v));
    }
  }
  if (const json* ef = field(j, "envFrom"); ef && ef->is_array()) {
    for (size_t i = 0; i < ef->size(); ++i) {
      const json& e = (*ef)[i];
      std::string ep = path + ".envFrom[" + std::to_string(i) + "]";
      EnvFromSource f;
      f.prefix = get_string(c, e, "prefix", ep);
      if (const json* cm = field(e, "configMapRef")) {
        f.config_map = get_string(c, *cm, "name", ep + ".configMapRef");
        f.optional = get_bool(c, *cm, "optional", ep);
      }
      if (const json* sec = field(e, "secretRef")) {
        f.secret = get_string(c, *sec, "name", ep + ".secretRef");
        f.optional = get_bool(c, *sec, "optional", ep);
      }
      s.env_from.push_back(std::move(f));
    }
  }
  if (const json* vm = field(j, "volumeMounts"); vm && vm->is_array()) {
    for (size_t i = 0; i < vm->size(); ++i) {
      const json& m = (*vm)[i];
      std::string mp = path + ".volumeMounts[" + std::to_string(i) + "]";
      VolumeMount v;
      v.name = get_string(c, m, "name", mp);
      v.mount_path = get_string(c, m, "mountPath", mp);
      v.read_only = get_bool(c, m, "readOnly", mp);
      v.sub_path = get_string(c, m, "subPath", mp);
      if (v.mount_path.empty()) c.bad(mp + ".mountPath", "is required");
      s.volume_mounts.push_back(std::move(v));
    }
  }
  if (const json* r = field(j, "resources")) {
    if (const json* req = field(*r, "requests")) {
      s.resources.cpu_request_millis = quantity(c, *req, "cpu", path + ".resources.requests", true);
      s.resources.memory_request_bytes = quantity(c, *req, "memory", path + ".resources.requests", false);
    }
    if (const json* lim = field(*r, "limits")) {
      s.resources.cpu_limit_millis = quantity(c, *lim, "cpu", path + ".resources.limits", true);
      s.resources.memory_limit_bytes = quantity(c, *lim, "memory", path + ".resources.limits", false);
    }
    // As the API server defaults: a limit without a request requests the limit.
    if (!s.resources.cpu_request_millis) s.resources.cpu_request_millis = s.resources.cpu_limit_millis;
    if (!s.resources.memory_request_bytes) s.resources.memory_request_bytes = s.resources.memory_limit_bytes;
  }
  if (const json* sc = field(j, "securityContext")) {
    std::string sp = path + ".securityContext";
    if (field(*sc, "runAsUser")) s.security_context.run_as_user = get_int(c, *sc, "runAsUser", sp, 0);
    if (field(*sc, "runAsGroup")) s.security_context.run_as_group = get_int(c, *sc, "runAsGroup", sp, 0);
    s.security_context.run_as_non_root = get_bool(c, *sc, "runAsNonRoot", sp);
    s.security_context.read_only_root_filesystem = get_bool(c, *sc, "readOnlyRootFilesystem", sp);
    s.security_context.privileged = get_bool(c, *sc, "privileged", sp);
    if (field(*sc, "allowPrivilegeEscalation"))
      s.security_context.allow_privilege_escalation = get_bool(c, *sc, "allowPrivilegeEscalation", sp);
    if (const json* caps = field(*sc, "capabilities")) {
      s.security_context.capabilities_add = get_strings(c, *caps, "add", sp + ".capabilities");
      s.security_context.capabilities_drop = get_strings(c, *caps, "drop", sp + ".capabilities");
    }
  }
  s.liveness = parse_probe(c, field(j, "livenessProbe"), s.ports, path + ".livenessProbe");
  s.readiness = parse_probe(c, field(j, "readinessProbe"), s.ports, path + ".readinessProbe");
  s.startup = parse_probe(c, field(j, "startupProbe"), s.ports, path + ".startupProbe");
  if (const json* lc = field(j, "lifecycle"))
    if (const json* ps = field(*lc, "preStop"))
      if (const json* ex = field(*ps, "exec")) s.pre_stop_exec = get_strings(c, *ex, "command", path + ".lifecycle.preStop.exec");
  return s;
}

std::vector<KeyToPath> parse_items(Ctx& c, const json& src, const std::string& path) {
  std::vector<KeyToPath> out;
  if (const json* items = field(src, "items"); items && items->is_array())
    for (const auto& it : *items) {
      KeyToPath k;
      k.key = get_string(c, it, "key", path + ".items");
      k.path = get_string(c, it, "path", path + ".items");
      if (field(it, "mode")) k.mode = static_cast<int32_t>(get_int(c, it, "mode", path + ".items", 0644));
      if (k.path.empty() || k.path.find("..") != std::string::npos || k.path.starts_with("/"))
        c.bad(path + ".items", "path must be relative without '..': " + k.path);
      out.push_back(k);
    }
  return out;
}

Volume parse_volume(Ctx& c, const json& v, const std::string& path) {
  Volume out;
  out.name = get_string(c, v, "name", path);
  if (out.name.empty()) c.bad(path + ".name", "is required");
  if (const json* e = field(v, "emptyDir")) {
    out.kind = Volume::Kind::EmptyDir;
    out.empty_dir_medium = get_string(c, *e, "medium", path + ".emptyDir");
  } else if (const json* h = field(v, "hostPath")) {
    out.kind = Volume::Kind::HostPath;
    out.host_path = get_string(c, *h, "path", path + ".hostPath");
    out.host_path_type = get_string(c, *h, "type", path + ".hostPath");
    if (out.host_path.empty() || out.host_path[0] != '/') c.bad(path + ".hostPath.path", "must be absolute");
  } else if (const json* cm = field(v, "configMap")) {
    out.kind = Volume::Kind::ConfigMap;
    out.source_name = get_string(c, *cm, "name", path + ".configMap");
    out.items = parse_items(c, *cm, path + ".configMap");
    out.optional = get_bool(c, *cm, "optional", path + ".configMap");
    out.default_mode = static_cast<int32_t>(get_int(c, *cm, "defaultMode", path + ".configMap", 0644));
  } else if (const json* s = field(v, "secret")) {
    out.kind = Volume::Kind::Secret;
    out.source_name = get_string(c, *s, "secretName", path + ".secret");
    out.items = parse_items(c, *s, path + ".secret");
    out.optional = get_bool(c, *s, "optional", path + ".secret");
    out.default_mode = static_cast<int32_t>(get_int(c, *s, "defaultMode", path + ".secret", 0644));
  } else if (const json* p = field(v, "projected")) {
    out.kind = Volume::Kind::Projected;
    out.default_mode = static_cast<int32_t>(get_int(c, *p, "defaultMode", path + ".projected", 0644));
    if (const json* sources = field(*p, "sources"); sources && sources->is_array())
      for (const auto& src : *sources) {
        ProjectedSource ps;
        if (const json* x = field(src, "configMap")) {
          ps.kind = ProjectedSource::Kind::ConfigMap;
          ps.name = get_string(c, *x, "name", path);
          ps.items = parse_items(c, *x, path + ".projected.configMap");
          ps.optional = get_bool(c, *x, "optional", path);
        } else if (const json* x = field(src, "secret")) {
          ps.kind = ProjectedSource::Kind::Secret;
          ps.name = get_string(c, *x, "name", path);
          ps.items = parse_items(c, *x, path + ".projected.secret");
          ps.optional = get_bool(c, *x, "optional", path);
        } else if (const json* x = field(src, "serviceAccountToken")) {
          ps.kind = ProjectedSource::Kind::ServiceAccountToken;
          ps.token_path = get_string(c, *x, "path", path + ".projected.serviceAccountToken");
          ps.token_audience = get_string(c, *x, "audience", path);
          ps.token_expiration_seconds = get_int(c, *x, "expirationSeconds", path, 3600);
        } else if (const json* x = field(src, "downwardAPI")) {
          ps.kind = ProjectedSource::Kind::DownwardApi;
          if (const json* items = field(*x, "items"); items && items->is_array())
            for (const auto& it : *items) {
              std::string fp;
              if (const json* fr = field(it, "fieldRef")) fp = get_string(c, *fr, "fieldPath", path);
              ps.downward_items.emplace_back(get_string(c, it, "path", path), fp);
            }
        } else {
          continue;
        }
        out.projected.push_back(std::move(ps));
      }
  } else if (const json* pvc = field(v, "persistentVolumeClaim")) {
    out.kind = Volume::Kind::PersistentVolumeClaim;
    out.source_name = get_string(c, *pvc, "claimName", path + ".persistentVolumeClaim");
  } else {
    out.kind = Volume::Kind::Unsupported;
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it.key() != "name") out.unsupported_kind = it.key();
  }
  return out;
}

}  // namespace

const ContainerSpec* PodSpec::find_container(const std::string& container_name) const {
  for (const auto& c : init_containers)
    if (c.name == container_name) return &c;
  for (const auto& c : containers)
    if (c.name == container_name) return &c;
  return nullptr;
}

Result<PodSpec> parse_pod(const json& pod) {
  Ctx c;
  PodSpec p;
  if (!pod.is_object()) return fail("pod: must be a JSON object");
  const json* meta = field(pod, "metadata");
  if (!meta) return fail("pod: metadata is required");
  p.name = get_string(c, *meta, "name", "metadata");
  p.ns = get_string(c, *meta, "namespace", "metadata", "default");
  p.uid = get_string(c, *meta, "uid", "metadata");
  p.labels = get_string_map(c, *meta, "labels", "metadata");
  p.annotations = get_string_map(c, *meta, "annotations", "metadata");
  p.deleting = field(*meta, "deletionTimestamp") != nullptr;
  if (field(*meta, "deletionGracePeriodSeconds"))
    p.deletion_grace_period_seconds = get_int(c, *meta, "deletionGracePeriodSeconds", "metadata", 30);
  if (p.name.empty()) c.bad("metadata.name", "is required");
  if (p.uid.empty()) c.bad("metadata.uid", "is required");
  const json* spec = field(pod, "spec");
  if (!spec) return fail("pod " + p.ns + "/" + p.name + ": spec is required");
  p.node_name = get_string(c, *spec, "nodeName", "spec");
  p.service_account_name = get_string(c, *spec, "serviceAccountName", "spec", "default");
  p.hostname = get_string(c, *spec, "hostname", "spec");
  p.subdomain = get_string(c, *spec, "subdomain", "spec");
  p.host_network = get_bool(c, *spec, "hostNetwork", "spec");
  p.host_pid = get_bool(c, *spec, "hostPID", "spec");
  p.host_ipc = get_bool(c, *spec, "hostIPC", "spec");
  p.dns_policy = get_string(c, *spec, "dnsPolicy", "spec", "ClusterFirst");
  if (const json* dc = field(*spec, "dnsConfig")) {
    PodDnsConfig d;
    d.nameservers = get_strings(c, *dc, "nameservers", "spec.dnsConfig");
    d.searches = get_strings(c, *dc, "searches", "spec.dnsConfig");
    if (const json* opts = field(*dc, "options"); opts && opts->is_array())
      for (const auto& o : *opts) {
        std::optional<std::string> value;
        if (const json* v = field(o, "value")) value = v->is_string() ? v->get<std::string>() : v->dump();
        d.options.emplace_back(get_string(c, o, "name", "spec.dnsConfig.options"), value);
      }
    p.dns_config = std::move(d);
  }
  p.restart_policy = get_string(c, *spec, "restartPolicy", "spec", "Always");
  if (p.restart_policy != "Always" && p.restart_policy != "OnFailure" && p.restart_policy != "Never")
    c.bad("spec.restartPolicy", "must be Always, OnFailure or Never");
  p.termination_grace_period_seconds = get_int(c, *spec, "terminationGracePeriodSeconds", "spec", 30);
  if (field(*spec, "activeDeadlineSeconds"))
    p.active_deadline_seconds = get_int(c, *spec, "activeDeadlineSeconds", "spec", 0);
  if (const json* sc = field(*spec, "securityContext")) {
    if (field(*sc, "runAsUser")) p.run_as_user = get_int(c, *sc, "runAsUser", "spec.securityContext", 0);
    if (field(*sc, "runAsGroup")) p.run_as_group = get_int(c, *sc, "runAsGroup", "spec.securityContext", 0);
    if (field(*sc, "fsGroup")) p.fs_group = get_int(c, *sc, "fsGroup", "spec.securityContext", 0);
    if (const json* g = field(*sc, "supplementalGroups"); g && g->is_array())
      for (const auto& v : *g)
        if (v.is_number_integer()) p.supplemental_groups.push_back(v.get<int64_t>());
  }
  if (const json* ha = field(*spec, "hostAliases"); ha && ha->is_array())
    for (const auto& a : *ha) p.host_aliases.emplace_back(get_string(c, a, "ip", "spec.hostAliases"),
                                                          get_strings(c, a, "hostnames", "spec.hostAliases"));
  auto containers = [&](const char* name, std::vector<ContainerSpec>& out) {
    const json* list = field(*spec, name);
    if (!list) return;
    if (!list->is_array()) {
      c.bad(std::string("spec.") + name, "must be a list");
      return;
    }
    for (size_t i = 0; i < list->size(); ++i)
      out.push_back(parse_container(c, (*list)[i], std::string("spec.") + name + "[" + std::to_string(i) + "]"));
  };
  containers("initContainers", p.init_containers);
  containers("containers", p.containers);
  if (p.containers.empty()) c.bad("spec.containers", "needs at least one container");
  if (const json* vols = field(*spec, "volumes"); vols && vols->is_array())
    for (size_t i = 0; i < vols->size(); ++i)
      p.volumes.push_back(parse_volume(c, (*vols)[i], "spec.volumes[" + std::to_string(i) + "]"));
  if (!c.ok()) return fail("pod " + p.ns + "/" + p.name + ": " + c.error);
  return p;
}

}  // namespace skiff::kubelet
