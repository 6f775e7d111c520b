// The built-in resources with the names, scope, short names, categories and
// verbs of Kubernetes 1.32 (what `kubectl api-resources -o wide` shows).
#include "skiff/apimachinery/resources.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace skiff::apimachinery {
namespace {

using Verbs = std::vector<std::string>;
const Verbs kAll{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
const Verbs kNoCollection{"create", "delete", "get", "list", "patch", "update", "watch"};
const Verbs kCreateOnly{"create"};
const Verbs kReadOnly{"get", "list"};
const Verbs kGetPatchUpdate{"get", "patch", "update"};

SubresourceInfo status_of(const std::string& group, const std::string& version, const std::string& kind) {
  return {"status", {group, version, kind}, kGetPatchUpdate};
}
SubresourceInfo scale() { return {"scale", {"autoscaling", "v1", "Scale"}, kGetPatchUpdate}; }

struct Builder {
  std::vector<ResourceInfo>& out;
  ResourceInfo& add(std::string group, std::string version, std::string kind, std::string plural,
                    bool namespaced, std::vector<std::string> short_names = {},
                    std::vector<std::string> categories = {}, Verbs verbs = kAll) {
    ResourceInfo r;
    r.group = std::move(group);
    r.version = std::move(version);
    r.kind = std::move(kind);
    r.plural = std::move(plural);
    r.singular = r.kind;
    std::transform(r.singular.begin(), r.singular.end(), r.singular.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    r.namespaced = namespaced;
    r.short_names = std::move(short_names);
    r.categories = std::move(categories);
    r.verbs = std::move(verbs);
    out.push_back(std::move(r));
    return out.back();
  }
};

std::vector<ResourceInfo> builtin_resources() {
  std::vector<ResourceInfo> out;
  out.reserve(64);
  Builder b{out};
  const std::vector<std::string> all{"all"};
  // core/v1
  b.add("", "v1", "Binding", "bindings", true, {}, {}, kCreateOnly);
  b.add("", "v1", "ComponentStatus", "componentstatuses", false, {"cs"}, {}, kReadOnly);
  b.add("", "v1", "ConfigMap", "configmaps", true, {"cm"});
  b.add("", "v1", "Endpoints", "endpoints", true, {"ep"});
  b.add("", "v1", "Event", "events", true, {"ev"});
  b.add("", "v1", "LimitRange", "limitranges", true, {"limits"});
  b.add("", "v1", "Namespace", "namespaces", false, {"ns"}, {}, kNoCollection).subresources = {
      status_of("", "v1", "Namespace"), {"finalize", {"", "v1", "Namespace"}, {"update"}}};
  b.add("", "v1", "Node", "nodes", false, {"no"}).subresources = {
      status_of("", "v1", "Node"),
      {"proxy", {"", "v1", "NodeProxyOptions"}, {"create", "delete", "get", "patch", "update"}}};
  b.add("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, {"pvc"}).subresources = {
      status_of("", "v1", "PersistentVolumeClaim")};
  b.add("", "v1", "PersistentVolume", "persistentvolumes", false, {"pv"}).subresources = {
      status_of("", "v1", "PersistentVolume")};
  b.add("", "v1", "Pod", "pods", true, {"po"}, all).subresources = {
      {"attach", {"", "v1", "PodAttachOptions"}, {"create", "get"}},
      {"binding", {"", "v1", "Binding"}, kCreateOnly},
      {"ephemeralcontainers", {"", "v1", "Pod"}, kGetPatchUpdate},
      {"eviction", {"policy", "v1", "Eviction"}, kCreateOnly},
      {"exec", {"", "v1", "PodExecOptions"}, {"create", "get"}},
      {"log", {"", "v1", "Pod"}, {"get"}},
      {"portforward", {"", "v1", "PodPortForwardOptions"}, {"create", "get"}},
      {"proxy", {"", "v1", "PodProxyOptions"}, {"create", "delete", "get", "patch", "update"}},
      status_of("", "v1", "Pod")};
  b.add("", "v1", "PodTemplate", "podtemplates", true);
  b.add("", "v1", "ReplicationController", "replicationcontrollers", true, {"rc"}, all).subresources = {
      scale(), status_of("", "v1", "ReplicationController")};
  b.add("", "v1", "ResourceQuota", "resourcequotas", true, {"quota"}).subresources = {
      status_of("", "v1", "ResourceQuota")};
  b.add("", "v1", "Secret", "secrets", true);
  b.add("", "v1", "ServiceAccount", "serviceaccounts", true, {"sa"}).subresources = {
      {"token", {"authentication.k8s.io", "v1", "TokenRequest"}, kCreateOnly}};
  b.add("", "v1", "Service", "services", true, {"svc"}, all).subresources = {
      {"proxy", {"", "v1", "ServiceProxyOptions"}, {"create", "delete", "get", "patch", "update"}},
      status_of("", "v1", "Service")};
  // apps/v1
  b.add("apps", "v1", "ControllerRevision", "controllerrevisions", true);
  b.add("apps", "v1", "DaemonSet", "daemonsets", true, {"ds"}, all).subresources = {
      status_of("apps", "v1", "DaemonSet")};
  b.add("apps", "v1", "Deployment", "deployments", true, {"deploy"}, all).subresources = {
      scale(), status_of("apps", "v1", "Deployment")};
  b.add("apps", "v1", "ReplicaSet", "replicasets", true, {"rs"}, all).subresources = {
      scale(), status_of("apps", "v1", "ReplicaSet")};
  b.add("apps", "v1", "StatefulSet", "statefulsets", true, {"sts"}, all).subresources = {
      scale(), status_of("apps", "v1", "StatefulSet")};
  // authentication / authorization: create-only reviews
  b.add("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false, {}, {}, kCreateOnly);
  b.add("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", false, {}, {}, kCreateOnly);
  b.add("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", true, {}, {},
        kCreateOnly);
  b.add("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, {}, {},
        kCreateOnly);
  b.add("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, {}, {},
        kCreateOnly);
  b.add("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", false, {}, {},
        kCreateOnly);
  // autoscaling/v2, batch/v1
  b.add("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, {"hpa"}, all)
      .subresources = {status_of("autoscaling", "v2", "HorizontalPodAutoscaler")};
  b.add("batch", "v1", "CronJob", "cronjobs", true, {"cj"}, all).subresources = {
      status_of("batch", "v1", "CronJob")};
  b.add("batch", "v1", "Job", "jobs", true, {}, all).subresources = {status_of("batch", "v1", "Job")};
  // the rest, in group order
  b.add("coordination.k8s.io", "v1", "Lease", "leases", true);
  b.add("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true);
  b.add("events.k8s.io", "v1", "Event", "events", true, {"ev"});
  b.add("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false);
  b.add("networking.k8s.io", "v1", "Ingress", "ingresses", true, {"ing"}).subresources = {
      status_of("networking.k8s.io", "v1", "Ingress")};
  b.add("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, {"netpol"});
  b.add("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false);
  b.add("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false);
  b.add("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true);
  b.add("rbac.authorization.k8s.io", "v1", "Role", "roles", true);
  b.add("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, {"pc"});
  b.add("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, {"sc"});
  b.add("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false,
        {"crd", "crds"}, {"api-extensions"})
      .subresources = {status_of("apiextensions.k8s.io", "v1", "CustomResourceDefinition")};
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const SubresourceInfo* ResourceInfo::subresource(std::string_view name) const {
  for (const auto& s : subresources)
    if (s.name == name) return &s;
  return nullptr;
}

bool ResourceInfo::has_verb(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

ResourceRegistry ResourceRegistry::builtin() {
  static const std::vector<ResourceInfo> resources = builtin_resources();
  ResourceRegistry r;
  r.resources_ = resources;
  return r;
}

const ResourceInfo* ResourceRegistry::find(const GroupVersionResource& gvr) const {
  for (const auto& r : resources_)
    if (r.plural == gvr.resource && r.group == gvr.group && r.version == gvr.version) return &r;
  return nullptr;
}

const ResourceInfo* ResourceRegistry::find(const GroupVersionKind& gvk) const {
  for (const auto& r : resources_)
    if (r.kind == gvk.kind && r.group == gvk.group && r.version == gvk.version) return &r;
  return nullptr;
}

std::vector<const ResourceInfo*> ResourceRegistry::find_by_name(std::string_view name,
                                                                std::optional<std::string_view> group) const {
  std::vector<const ResourceInfo*> out;
  for (const auto& r : resources_) {
    if (group && r.group != *group) continue;
    bool hit = iequals(r.plural, name) || iequals(r.singular, name) || iequals(r.kind, name);
    for (const auto& s : r.short_names) hit = hit || iequals(s, name);
    if (hit) out.push_back(&r);
  }
  // Core group first (as kubectl's RESTMapper prefers), built-ins before custom.
  std::stable_sort(out.begin(), out.end(), [](const ResourceInfo* a, const ResourceInfo* b) {
    return std::make_tuple(!a->group.empty(), a->custom) < std::make_tuple(!b->group.empty(), b->custom);
  });
  return out;
}

std::vector<std::pair<std::string, std::string>> ResourceRegistry::group_versions() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : resources_) {
    std::pair<std::string, std::string> gv{r.group, r.version};
    if (std::find(out.begin(), out.end(), gv) == out.end()) out.push_back(gv);
  }
  return out;
}

std::vector<const ResourceInfo*> ResourceRegistry::in_group_version(std::string_view group,
                                                                    std::string_view version) const {
  std::vector<const ResourceInfo*> out;
  for (const auto& r : resources_)
    if (r.group == group && r.version == version) out.push_back(&r);
  return out;
}

ApiResult<void> ResourceRegistry::add_custom(ResourceInfo info) {
  if (info.plural.empty() || info.kind.empty() || info.version.empty() || info.group.empty())
    return bad_request("custom resource needs group, version, kind and plural");
  info.custom = true;
  for (auto& r : resources_) {
    if (r.group == info.group && r.version == info.version && r.plural == info.plural) {
      if (!r.custom)
        return std::unexpected(ApiError{409, "Conflict",
                                        "resource " + info.plural + "." + info.group + " is built in", {}});
      r = std::move(info);
      return {};
    }
  }
  resources_.push_back(std::move(info));
  return {};
}

bool ResourceRegistry::remove_custom(const GroupVersionResource& gvr) {
  auto it = std::find_if(resources_.begin(), resources_.end(), [&](const ResourceInfo& r) {
    return r.custom && r.group == gvr.group && r.version == gvr.version && r.plural == gvr.resource;
  });
  if (it == resources_.end()) return false;
  resources_.erase(it);
  return true;
}

}  // namespace skiff::apimachinery
