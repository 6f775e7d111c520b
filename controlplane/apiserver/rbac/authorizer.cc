#include "rbac/authorizer.h"

#include <algorithm>

namespace skiff::apiserver {

using nlohmann::json;

namespace {

bool has(const json& list, std::string_view value) {
  if (!list.is_array()) return false;
  for (const auto& item : list)
    if (item.is_string() && (item.get<std::string>() == "*" || item.get<std::string>() == value)) return true;
  return false;
}

bool path_matches(const json& urls, std::string_view path) {
  if (!urls.is_array()) return false;
  for (const auto& item : urls) {
    if (!item.is_string()) continue;
    std::string url = item.get<std::string>();
    if (url == "*" || url == path) return true;
    if (!url.empty() && url.back() == '*' && path.starts_with(std::string_view(url).substr(0, url.size() - 1))) return true;
  }
  return false;
}

bool rule_allows(const json& rule, const AuthorizationAttributes& a) {
  if (!has(rule.value("verbs", json::array()), a.verb)) return false;
  if (!a.resource_request) return path_matches(rule.value("nonResourceURLs", json::array()), a.path);
  if (!has(rule.value("apiGroups", json::array()), a.group)) return false;
  std::string resource = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  const json& resources = rule.value("resources", json::array());
  bool resource_ok = has(resources, resource);
  if (!resource_ok && !a.subresource.empty() && resources.is_array())
    for (const auto& r : resources)
      if (r == "*/" + a.subresource) resource_ok = true;
  if (!resource_ok) return false;
  const json& names = rule.value("resourceNames", json::array());
  if (names.is_array() && !names.empty() && !has(names, a.name)) return false;
  return true;
}

bool subject_matches(const json& subject, const UserInfo& user, std::string_view binding_namespace) {
  std::string kind = subject.value("kind", "");
  std::string name = subject.value("name", "");
  if (kind == "User") return name == user.name;
  if (kind == "Group") return user.in_group(name);
  if (kind == "ServiceAccount") {
    std::string ns = subject.value("namespace", std::string(binding_namespace));
    return user.name == "system:serviceaccount:" + ns + ":" + name;
  }
  return false;
}

std::vector<json> list_objects(storage::WatchCache& cache, const std::string& prefix) {
  std::vector<json> out;
  auto page = cache.list({prefix, 0, "", 0});
  if (!page) return out;
  for (const auto& kv : page->items) {
    json object = json::parse(kv.value, nullptr, false);
    if (object.is_object()) out.push_back(std::move(object));
  }
  return out;
}

constexpr const char* kRbacPrefix = "/registry/rbac.authorization.k8s.io/";

// Rules of the role a binding references (ClusterRole, or Role in the binding's namespace).
json role_rules(storage::WatchCache& cache, const json& binding) {
  const json& ref = binding.value("roleRef", json::object());
  std::string kind = ref.value("kind", "");
  std::string name = ref.value("name", "");
  std::string key;
  if (kind == "ClusterRole")
    key = std::string(kRbacPrefix) + "clusterroles/" + name;
  else if (kind == "Role")
    key = std::string(kRbacPrefix) + "roles/" + binding["metadata"].value("namespace", "") + "/" + name;
  else
    return json::array();
  auto kv = cache.get(key);
  if (!kv) return json::array();
  json role = json::parse(kv->value, nullptr, false);
  return role.is_object() ? role.value("rules", json::array()) : json::array();
}

template <class Visit>
void for_each_rule(storage::WatchCache& cache, const UserInfo& user, const std::string& namespace_name, Visit&& visit) {
  for (const auto& binding : list_objects(cache, std::string(kRbacPrefix) + "clusterrolebindings/")) {
    bool bound = false;
    for (const auto& subject : binding.value("subjects", json::array())) bound = bound || subject_matches(subject, user, "");
    if (!bound) continue;
    for (const auto& rule : role_rules(cache, binding))
      if (visit(rule)) return;
  }
  if (namespace_name.empty()) return;
  for (const auto& binding : list_objects(cache, std::string(kRbacPrefix) + "rolebindings/" + namespace_name + "/")) {
    bool bound = false;
    for (const auto& subject : binding.value("subjects", json::array()))
      bound = bound || subject_matches(subject, user, namespace_name);
    if (!bound) continue;
    for (const auto& rule : role_rules(cache, binding))
      if (visit(rule)) return;
  }
}

json cluster_role(const std::string& name, json rules) {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "ClusterRole"},
          {"metadata",
           {{"name", name},
            {"labels", {{"kubernetes.io/bootstrapping", "rbac-defaults"}}},
            {"annotations", {{"rbac.authorization.kubernetes.io/autoupdate", "true"}}}}},
          {"rules", std::move(rules)}};
}

json cluster_role_binding(const std::string& name, const std::string& role, json subjects) {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "ClusterRoleBinding"},
          {"metadata",
           {{"name", name},
            {"labels", {{"kubernetes.io/bootstrapping", "rbac-defaults"}}},
            {"annotations", {{"rbac.authorization.kubernetes.io/autoupdate", "true"}}}}},
          {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", role}}},
          {"subjects", std::move(subjects)}};
}

json group_subject(const std::string& group) {
  return {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Group"}, {"name", group}};
}

}  // namespace

Decision RbacAuthorizer::authorize(const AuthorizationAttributes& a) const {
  if (a.user.in_group("system:masters")) return {true, "system:masters"};
  bool allowed = false;
  for_each_rule(cache_, a.user, a.namespace_name, [&](const json& rule) {
    allowed = rule_allows(rule, a);
    return allowed;
  });
  return {allowed, allowed ? "RBAC: allowed" : ""};
}

std::vector<json> RbacAuthorizer::rules_for(const UserInfo& user, const std::string& namespace_name) const {
  std::vector<json> out;
  if (user.in_group("system:masters")) {
    out.push_back({{"verbs", {"*"}}, {"apiGroups", {"*"}}, {"resources", {"*"}}});
    out.push_back({{"verbs", {"*"}}, {"nonResourceURLs", {"*"}}});
    return out;
  }
  for_each_rule(cache_, user, namespace_name, [&](const json& rule) {
    out.push_back(rule);
    return false;
  });
  return out;
}

std::string forbidden_message(const AuthorizationAttributes& a) {
  if (!a.resource_request)
    return "forbidden: User \"" + a.user.name + "\" cannot " + a.verb + " path \"" + a.path + "\"";
  std::string resource = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  std::string qualified = a.group.empty() ? resource : resource + "." + a.group;
  std::string message = qualified;
  if (!a.name.empty()) message += " \"" + a.name + "\"";
  message += " is forbidden: User \"" + a.user.name + "\" cannot " + a.verb + " resource \"" + resource +
             "\" in API group \"" + a.group + "\"";
  message += a.namespace_name.empty() ? " at the cluster scope" : " in the namespace \"" + a.namespace_name + "\"";
  return message;
}

std::vector<json> bootstrap_rbac_objects() {
  const json read = {"get", "list", "watch"};
  const json write = {"create", "delete", "deletecollection", "patch", "update"};
  json all_write = read;
  for (const auto& verb : write) all_write.push_back(verb);
  json view_rules = json::array({
      {{"apiGroups", {""}},
       {"resources",
        {"configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "pods/log",
         "pods/status", "replicationcontrollers", "replicationcontrollers/scale", "replicationcontrollers/status",
         "serviceaccounts", "services", "services/status", "bindings", "events", "limitranges", "namespaces/status",
         "resourcequotas", "resourcequotas/status", "namespaces"}},
       {"verbs", read}},
      {{"apiGroups", {"apps"}},
       {"resources",
        {"controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
         "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
         "statefulsets/scale", "statefulsets/status"}},
       {"verbs", read}},
      {{"apiGroups", {"batch"}}, {"resources", {"cronjobs", "cronjobs/status", "jobs", "jobs/status"}}, {"verbs", read}},
      {{"apiGroups", {"autoscaling"}},
       {"resources", {"horizontalpodautoscalers", "horizontalpodautoscalers/status"}},
       {"verbs", read}},
      {{"apiGroups", {"networking.k8s.io"}}, {"resources", {"ingresses", "ingresses/status", "networkpolicies"}}, {"verbs", read}},
      {{"apiGroups", {"discovery.k8s.io"}}, {"resources", {"endpointslices"}}, {"verbs", read}},
      {{"apiGroups", {"policy"}}, {"resources", {"poddisruptionbudgets", "poddisruptionbudgets/status"}}, {"verbs", read}},
  });
  json edit_rules = json::array({
      {{"apiGroups", {""}},
       {"resources",
        {"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "pods/eviction", "configmaps", "endpoints",
         "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets",
         "serviceaccounts", "services", "services/proxy", "serviceaccounts/token"}},
       {"verbs", all_write}},
      {{"apiGroups", {"apps"}},
       {"resources",
        {"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale",
         "statefulsets", "statefulsets/scale"}},
       {"verbs", all_write}},
      {{"apiGroups", {"batch"}}, {"resources", {"cronjobs", "jobs"}}, {"verbs", all_write}},
      {{"apiGroups", {"autoscaling"}}, {"resources", {"horizontalpodautoscalers"}}, {"verbs", all_write}},
      {{"apiGroups", {"networking.k8s.io"}}, {"resources", {"ingresses", "networkpolicies"}}, {"verbs", all_write}},
      {{"apiGroups", {"discovery.k8s.io"}}, {"resources", {"endpointslices"}}, {"verbs", all_write}},
      {{"apiGroups", {"coordination.k8s.io"}}, {"resources", {"leases"}}, {"verbs", all_write}},
  });
  for (const auto& rule : view_rules) edit_rules.push_back(rule);
  json admin_rules = edit_rules;
  admin_rules.push_back({{"apiGroups", {"rbac.authorization.k8s.io"}},
                         {"resources", {"rolebindings", "roles"}},
                         {"verbs", all_write}});
  admin_rules.push_back({{"apiGroups", {"authorization.k8s.io"}}, {"resources", {"localsubjectaccessreviews"}}, {"verbs", {"create"}}});

  std::vector<json> out;
  out.push_back(cluster_role("cluster-admin", json::array({{{"apiGroups", {"*"}}, {"resources", {"*"}}, {"verbs", {"*"}}},
                                                            {{"nonResourceURLs", {"*"}}, {"verbs", {"*"}}}})));
  out.push_back(cluster_role("admin", admin_rules));
  out.push_back(cluster_role("edit", edit_rules));
  out.push_back(cluster_role("view", view_rules));
  out.push_back(cluster_role(
      "system:basic-user",
      json::array({{{"apiGroups", {"authorization.k8s.io"}},
                    {"resources", {"selfsubjectaccessreviews", "selfsubjectrulesreviews"}},
                    {"verbs", {"create"}}},
                   {{"apiGroups", {"authentication.k8s.io"}}, {"resources", {"selfsubjectreviews"}}, {"verbs", {"create"}}}})));
  out.push_back(cluster_role("system:discovery",
                             json::array({{{"nonResourceURLs",
                                            {"/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                                             "/openapi/*", "/readyz", "/version", "/version/"}},
                                           {"verbs", {"get"}}}})));
  out.push_back(cluster_role(
      "system:public-info-viewer",
      json::array({{{"nonResourceURLs", {"/healthz", "/livez", "/readyz", "/version", "/version/"}}, {"verbs", {"get"}}}})));
  out.push_back(cluster_role_binding("cluster-admin", "cluster-admin", json::array({group_subject("system:masters")})));
  out.push_back(cluster_role_binding("system:basic-user", "system:basic-user",
                                     json::array({group_subject("system:authenticated")})));
  out.push_back(cluster_role_binding("system:discovery", "system:discovery",
                                     json::array({group_subject("system:authenticated")})));
  out.push_back(cluster_role_binding(
      "system:public-info-viewer", "system:public-info-viewer",
      json::array({group_subject("system:authenticated"), group_subject("system:unauthenticated")})));
  return out;
}

}  // namespace skiff::apiserver
