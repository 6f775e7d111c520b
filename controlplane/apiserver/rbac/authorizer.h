// Authorization: kube's RBAC over Role, ClusterRole, RoleBinding and
// ClusterRoleBinding objects read from the watch cache, with
// system:masters allowed everything (as kube's superuser group).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/user_info.h"
#include "storage/watch_cache/watch_cache.h"

namespace skiff::apiserver {

struct AuthorizationAttributes {
  UserInfo user;
  std::string verb;  // get list watch create update patch delete deletecollection (or HTTP verb lower-cased for non-resource)
  bool resource_request = true;
  std::string group;
  std::string resource;
  std::string subresource;
  std::string namespace_name;
  std::string name;
  std::string path;  // non-resource requests
};

struct Decision {
  bool allowed = false;
  std::string reason;
};

class RbacAuthorizer {
 public:
  explicit RbacAuthorizer(storage::WatchCache& cache) : cache_(cache) {}
  Decision authorize(const AuthorizationAttributes& attributes) const;
  // Rules that apply to the user in a namespace (SelfSubjectRulesReview).
  std::vector<nlohmann::json> rules_for(const UserInfo& user, const std::string& namespace_name) const;

 private:
  storage::WatchCache& cache_;
};

// kube's message: `pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"`.
std::string forbidden_message(const AuthorizationAttributes& attributes);

// The default cluster roles and bindings kube bootstraps (cluster-admin,
// admin, edit, view, system:basic-user, system:discovery, system:public-info-viewer).
std::vector<nlohmann::json> bootstrap_rbac_objects();

}  // namespace skiff::apiserver
