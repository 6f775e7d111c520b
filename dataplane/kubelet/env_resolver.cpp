#include "kubelet/env_resolver.h"

#include <cmath>

#include "kubelet/quantity.h"

namespace skiff::kubelet {

namespace {

void set_var(EnvList& env, const std::string& name, const std::string& value) {
  for (auto& [k, v] : env)
    if (k == name) {
      v = value;
      return;
    }
  env.emplace_back(name, value);
}

const std::string* lookup(const EnvList& env, const std::string& name) {
  for (const auto& [k, v] : env)
    if (k == name) return &v;
  return nullptr;
}

std::optional<std::string> bracket_key(const std::string& path, const std::string& prefix) {
  // metadata.labels['key'] or metadata.labels["key"]
  if (!path.starts_with(prefix + "[") || path.size() < prefix.size() + 4 || path.back() != ']') return std::nullopt;
  std::string inner = path.substr(prefix.size() + 1, path.size() - prefix.size() - 2);
  if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') && inner.back() == inner.front())
    return inner.substr(1, inner.size() - 2);
  return std::nullopt;
}

}  // namespace

std::string expand_env_refs(const std::string& in, const EnvList& env) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '$' || i + 1 >= in.size()) {
      out += in[i];
      continue;
    }
    if (in[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (in[i + 1] == '(') {
      size_t close = in.find(')', i + 2);
      if (close != std::string::npos) {
        std::string name = in.substr(i + 2, close - i - 2);
        if (const std::string* v = lookup(env, name)) {
          out += *v;
          i = close;
          continue;
        }
        out += in.substr(i, close - i + 1);
        i = close;
        continue;
      }
    }
    out += in[i];
  }
  return out;
}

std::optional<std::string> pod_field(const PodSpec& pod, const PodRuntimeFacts& facts, const std::string& path) {
  if (path == "metadata.name") return pod.name;
  if (path == "metadata.namespace") return pod.ns;
  if (path == "metadata.uid") return pod.uid;
  if (path == "spec.nodeName") return facts.node_name.empty() ? pod.node_name : facts.node_name;
  if (path == "spec.serviceAccountName") return pod.service_account_name;
  if (path == "status.podIP" || path == "status.podIPs") return facts.pod_ip;
  if (path == "status.hostIP" || path == "status.hostIPs") return facts.host_ip;
  if (auto k = bracket_key(path, "metadata.labels")) {
    auto it = pod.labels.find(*k);
    return it == pod.labels.end() ? std::string() : it->second;
  }
  if (auto k = bracket_key(path, "metadata.annotations")) {
    auto it = pod.annotations.find(*k);
    return it == pod.annotations.end() ? std::string() : it->second;
  }
  return std::nullopt;
}

Result<EnvList> resolve_env(const ContainerSpec& c, const PodSpec& pod, const ConfigSource& source,
                            const PodRuntimeFacts& facts) {
  EnvList env;
  for (const auto& from : c.env_from) {
    std::optional<std::map<std::string, std::string>> data;
    std::string what;
    if (from.config_map) {
      data = source.config_map(pod.ns, *from.config_map);
      what = "configmap \"" + *from.config_map + "\"";
    } else if (from.secret) {
      data = source.secret(pod.ns, *from.secret);
      what = "secret \"" + *from.secret + "\"";
    } else {
      continue;
    }
    if (!data) {
      if (from.optional) continue;
      return fail(what + " not found");
    }
    for (const auto& [k, v] : *data) set_var(env, from.prefix + k, v);
  }
  for (const auto& e : c.env) {
    if (e.value) {
      set_var(env, e.name, expand_env_refs(*e.value, env));
    } else if (e.config_map_key || e.secret_key) {
      const KeySelector& sel = e.config_map_key ? *e.config_map_key : *e.secret_key;
      auto data = e.config_map_key ? source.config_map(pod.ns, sel.name) : source.secret(pod.ns, sel.name);
      std::string what = std::string(e.config_map_key ? "configmap" : "secret") + " \"" + sel.name + "\"";
      if (!data) {
        if (sel.optional) continue;
        return fail(what + " not found");
      }
      auto it = data->find(sel.key);
      if (it == data->end()) {
        if (sel.optional) continue;
        return fail("couldn't find key " + sel.key + " in " + what);
      }
      set_var(env, e.name, it->second);
    } else if (e.field_path) {
      auto v = pod_field(pod, facts, *e.field_path);
      if (!v) return fail("env " + e.name + ": unsupported fieldPath " + *e.field_path);
      set_var(env, e.name, *v);
    } else if (e.resource_field) {
      const std::string& r = *e.resource_field;
      bool cpu = r.find("cpu") != std::string::npos;
      std::optional<int64_t> amount;
      if (r == "limits.cpu") amount = c.resources.cpu_limit_millis;
      else if (r == "requests.cpu") amount = c.resources.cpu_request_millis;
      else if (r == "limits.memory") amount = c.resources.memory_limit_bytes;
      else if (r == "requests.memory") amount = c.resources.memory_request_bytes;
      else return fail("env " + e.name + ": unsupported resource " + r);
      // Unset limits report the node's allocatable in the kubelet; here: 0.
      int64_t divisor = 1;
      if (!e.resource_divisor.empty()) {
        auto d = cpu ? parse_cpu_millis(e.resource_divisor) : parse_bytes(e.resource_divisor);
        if (!d || *d <= 0) return fail("env " + e.name + ": bad divisor " + e.resource_divisor);
        divisor = *d;
      } else if (cpu) {
        divisor = 1000;  // cores
      }
      int64_t v = amount.value_or(0);
      set_var(env, e.name, std::to_string((v + divisor - 1) / divisor));
    }
  }
  return env;
}

}  // namespace skiff::kubelet
