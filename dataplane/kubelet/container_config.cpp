#include "kubelet/container_config.h"

#include <unistd.h>

#include <algorithm>

#include "kubelet/cri_log.h"

namespace skiff::kubelet {

namespace {

std::string hostname_of(const PodSpec& pod) {
  std::string h = pod.hostname.empty() ? pod.name : pod.hostname;
  if (h.size() > 63) h.resize(63);
  while (!h.empty() && (h.back() == '-' || h.back() == '.')) h.pop_back();
  return h;
}

cri::Protocol protocol_of(const std::string& p) {
  if (p == "UDP") return cri::UDP;
  if (p == "SCTP") return cri::SCTP;
  return cri::TCP;
}

int64_t node_memory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : int64_t(1) << 34;
}

}  // namespace

std::string qos_class(const PodSpec& pod) {
  bool any = false, all_guaranteed = true;
  for (const auto& c : pod.containers) {
    const auto& r = c.resources;
    if (r.cpu_request_millis || r.cpu_limit_millis || r.memory_request_bytes || r.memory_limit_bytes) any = true;
    bool g = r.cpu_limit_millis && r.memory_limit_bytes && r.cpu_request_millis == r.cpu_limit_millis &&
             r.memory_request_bytes == r.memory_limit_bytes;
    if (!g) all_guaranteed = false;
  }
  if (!any) return "BestEffort";
  return all_guaranteed ? "Guaranteed" : "Burstable";
}

cri::LinuxContainerResources linux_resources(const PodSpec& pod, const Resources& r, int64_t node_memory_bytes) {
  cri::LinuxContainerResources out;
  int64_t request = r.cpu_request_millis.value_or(0);
  out.set_cpu_shares(std::max<int64_t>(2, request * 1024 / 1000));
  if (r.cpu_limit_millis) {
    constexpr int64_t period = 100000;
    out.set_cpu_period(period);
    out.set_cpu_quota(std::max<int64_t>(1000, *r.cpu_limit_millis * period / 1000));
  }
  if (r.memory_limit_bytes) out.set_memory_limit_in_bytes(*r.memory_limit_bytes);
  std::string qos = qos_class(pod);
  int64_t oom = 0;
  if (qos == "Guaranteed") {
    oom = -997;
  } else if (qos == "BestEffort") {
    oom = 1000;
  } else {
    int64_t mem = r.memory_request_bytes.value_or(0);
    oom = 1000 - (1000 * mem) / std::max<int64_t>(1, node_memory_bytes);
    oom = std::clamp<int64_t>(oom, 2, 999);
  }
  out.set_oom_score_adj(oom);
  return out;
}

cri::PodSandboxConfig make_sandbox_config(const PodSpec& pod, const DnsSettings& dns,
                                          const std::filesystem::path& log_directory, uint32_t attempt) {
  cri::PodSandboxConfig c;
  auto* md = c.mutable_metadata();
  md->set_name(pod.name);
  md->set_namespace_(pod.ns);
  md->set_uid(pod.uid);
  md->set_attempt(attempt);
  // runc refuses a hostname without its own UTS namespace, and a
  // hostNetwork pod shares the node's: it keeps the node's name.
  if (!pod.host_network) c.set_hostname(hostname_of(pod));
  c.set_log_directory(log_directory.string());
  auto* d = c.mutable_dns_config();
  for (const auto& s : dns.servers) d->add_servers(s);
  for (const auto& s : dns.searches) d->add_searches(s);
  for (const auto& s : dns.options) d->add_options(s);
  for (const auto& ctr : pod.containers)
    for (const auto& p : ctr.ports) {
      if (p.host_port <= 0) continue;  // only host ports need the runtime's help
      auto* pm = c.add_port_mappings();
      pm->set_protocol(protocol_of(p.protocol));
      pm->set_container_port(p.container_port);
      pm->set_host_port(p.host_port);
      pm->set_host_ip(p.host_ip);
    }
  auto& labels = *c.mutable_labels();
  for (const auto& [k, v] : pod.labels) labels[k] = v;
  labels[kPodNameLabel] = pod.name;
  labels[kPodNamespaceLabel] = pod.ns;
  labels[kPodUidLabel] = pod.uid;
  labels[kManagedByLabel] = "true";
  auto& ann = *c.mutable_annotations();
  for (const auto& [k, v] : pod.annotations) ann[k] = v;
  auto* linux = c.mutable_linux();
  auto* sc = linux->mutable_security_context();
  auto* ns = sc->mutable_namespace_options();
  ns->set_network(pod.host_network ? cri::NODE : cri::POD);
  ns->set_pid(pod.host_pid ? cri::NODE : cri::CONTAINER);
  ns->set_ipc(pod.host_ipc ? cri::NODE : cri::POD);
  if (pod.run_as_user) sc->mutable_run_as_user()->set_value(*pod.run_as_user);
  if (pod.run_as_group) sc->mutable_run_as_group()->set_value(*pod.run_as_group);
  for (auto g : pod.supplemental_groups) sc->add_supplemental_groups(g);
  if (pod.fs_group) sc->add_supplemental_groups(*pod.fs_group);
  bool privileged = std::any_of(pod.containers.begin(), pod.containers.end(),
                                [](const auto& ct) { return ct.security_context.privileged; }) ||
                    std::any_of(pod.init_containers.begin(), pod.init_containers.end(),
                                [](const auto& ct) { return ct.security_context.privileged; });
  sc->set_privileged(privileged);
  return c;
}

cri::ContainerConfig make_container_config(const PodSpec& pod, const ContainerSpec& ct, const EnvList& env,
                                           const std::vector<HostMount>& mounts, uint32_t attempt,
                                           const std::string& image) {
  cri::ContainerConfig c;
  c.mutable_metadata()->set_name(ct.name);
  c.mutable_metadata()->set_attempt(attempt);
  c.mutable_image()->set_image(image);
  c.mutable_image()->set_user_specified_image(ct.image);
  for (const auto& a : ct.command) c.add_command(expand_env_refs(a, env));
  for (const auto& a : ct.args) c.add_args(expand_env_refs(a, env));
  c.set_working_dir(ct.working_dir);
  for (const auto& [k, v] : env) {
    auto* kv = c.add_envs();
    kv->set_key(k);
    kv->set_value(v);
  }
  for (const auto& m : mounts) {
    auto* cm = c.add_mounts();
    cm->set_container_path(m.container_path);
    cm->set_host_path(m.host_path);
    cm->set_readonly(m.read_only);
  }
  auto& labels = *c.mutable_labels();
  labels[kPodNameLabel] = pod.name;
  labels[kPodNamespaceLabel] = pod.ns;
  labels[kPodUidLabel] = pod.uid;
  labels[kContainerNameLabel] = ct.name;
  labels[kManagedByLabel] = "true";
  (*c.mutable_annotations())[kRestartCountAnnotation] = std::to_string(attempt);
  c.set_log_path(container_log_relative_path(ct.name, attempt));
  c.set_stdin(ct.stdin);
  c.set_stdin_once(ct.stdin_once);
  c.set_tty(ct.tty);
  auto* linux = c.mutable_linux();
  *linux->mutable_resources() = linux_resources(pod, ct.resources, node_memory());
  auto* sc = linux->mutable_security_context();
  const auto& s = ct.security_context;
  if (auto uid = s.run_as_user ? s.run_as_user : pod.run_as_user) sc->mutable_run_as_user()->set_value(*uid);
  if (auto gid = s.run_as_group ? s.run_as_group : pod.run_as_group) sc->mutable_run_as_group()->set_value(*gid);
  for (auto g : pod.supplemental_groups) sc->add_supplemental_groups(g);
  if (pod.fs_group) sc->add_supplemental_groups(*pod.fs_group);
  sc->set_readonly_rootfs(s.read_only_root_filesystem);
  sc->set_privileged(s.privileged);
  if (s.allow_privilege_escalation && !*s.allow_privilege_escalation) sc->set_no_new_privs(true);
  for (const auto& cap : s.capabilities_add) sc->mutable_capabilities()->add_add_capabilities(cap);
  for (const auto& cap : s.capabilities_drop) sc->mutable_capabilities()->add_drop_capabilities(cap);
  auto* ns = sc->mutable_namespace_options();
  ns->set_network(pod.host_network ? cri::NODE : cri::POD);
  ns->set_pid(pod.host_pid ? cri::NODE : cri::CONTAINER);
  ns->set_ipc(pod.host_ipc ? cri::NODE : cri::POD);
  return c;
}

}  // namespace skiff::kubelet
