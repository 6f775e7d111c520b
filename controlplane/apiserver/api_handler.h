// The request pipeline of the API server: health and version endpoints,
// authentication, authorization (RBAC), discovery, OpenAPI, access reviews,
// then the REST handler of the resource the URL names.
#pragma once

#include <memory>
#include <string>

#include "auth/authenticator.h"
#include "discovery.h"
#include "http/http_types.h"
#include "rbac/authorizer.h"
#include "rest/resource_handler.h"
#include "skiff/apimachinery/openapi.h"
#include "skiff/apimachinery/resources.h"

namespace skiff::apiserver {

class ApiHandler {
 public:
  ApiHandler(storage::KvStore& store, storage::WatchCache& cache,
             std::shared_ptr<const apimachinery::ResourceRegistry> registry, Authenticator authenticator,
             std::string server_address);

  HttpResponse handle(HttpRequest& request);
  ResourceHandler& resources() { return resources_; }

 private:
  HttpResponse non_resource(HttpRequest& request);
  HttpResponse access_review(HttpRequest& request, const ResourceRequest& target);

  std::shared_ptr<const apimachinery::ResourceRegistry> registry_;
  Authenticator authenticator_;
  RbacAuthorizer authorizer_;
  DiscoveryDocuments discovery_;
  std::shared_ptr<const apimachinery::OpenApiV3> openapi_;
  ResourceHandler resources_;
};

// The /version document (gitVersion v1.32-compatible).
std::string version_json();

}  // namespace skiff::apiserver
