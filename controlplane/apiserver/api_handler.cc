#include "api_handler.h"

#include <spdlog/spdlog.h>

#include "rest/object_codec.h"
#include "skiff/apimachinery/schema.h"

namespace skiff::apiserver {

using nlohmann::json;

namespace {

HttpResponse text(std::string body) { return HttpResponse{200, "text/plain; charset=utf-8", std::move(body), {}, nullptr}; }
HttpResponse json_body(std::string body, std::string content_type = "application/json") {
  return HttpResponse{200, std::move(content_type), std::move(body), {}, nullptr};
}

bool is_health_path(std::string_view path) {
  return path == "/healthz" || path == "/livez" || path == "/readyz" || path.starts_with("/healthz/") ||
         path.starts_with("/livez/") || path.starts_with("/readyz/");
}

// A client that accepts neither JSON nor anything: 406 as kube does for e.g. protobuf-only.
bool accepts_json(std::string_view accept) {
  if (accept.empty()) return true;
  return accept.find("json") != std::string_view::npos || accept.find("*/*") != std::string_view::npos ||
         accept.find("yaml") != std::string_view::npos || accept.find("application/*") != std::string_view::npos;
}

}  // namespace

std::string version_json() {
  return json{{"major", "1"},
              {"minor", "32"},
              {"gitVersion", "v1.32.0-skiff"},
              {"gitCommit", "skiff"},
              {"gitTreeState", "clean"},
              {"buildDate", "2026-01-01T00:00:00Z"},
              {"goVersion", "go1.23.0"},
              {"compiler", "gc"},
              {"platform", "linux/amd64"}}
      .dump();
}

ApiHandler::ApiHandler(storage::KvStore& store, storage::WatchCache& cache,
                       std::shared_ptr<const apimachinery::ResourceRegistry> registry, Authenticator authenticator,
                       std::string server_address)
    : registry_(std::move(registry)),
      authenticator_(std::move(authenticator)),
      authorizer_(cache),
      discovery_(*registry_, std::move(server_address)),
      openapi_(std::make_shared<apimachinery::OpenApiV3>(
          apimachinery::OpenApiV3::build(*registry_, apimachinery::SchemaRegistry::builtin()))),
      resources_(store, cache, registry_) {}

HttpResponse ApiHandler::handle(HttpRequest& request) {
  const std::string& path = request.path;
  if (is_health_path(path)) return text("ok");
  if (path == "/version" || path == "/version/") return json_body(version_json());

  auto authn = authenticator_.authenticate(request);
  if (authn.outcome != Authentication::Outcome::Authenticated) {
    spdlog::debug("apiserver: {} {} {}: unauthorized", request.remote, request.method, path);
    return unauthorized();
  }
  request.user = authn.user;

  ResourceRequest target;
  auto match = parse_resource_path(*registry_, request.method, path, request.flag("watch"), target);
  if (match == PathMatch::NotApi) return non_resource(request);
  if (match == PathMatch::UnknownResource) return path_not_found(path);
  if (!accepts_json(request.header("accept"))) return not_acceptable("only application/json is served");

  AuthorizationAttributes attributes{request.user,         target.verb,      true, target.resource->group,
                                     target.resource->plural, target.subresource, target.namespace_name, target.name, ""};
  auto decision = authorizer_.authorize(attributes);
  if (!decision.allowed) {
    auto response = forbidden(forbidden_message(attributes));
    return response;
  }
  spdlog::debug("apiserver: {} {} {} {}", request.user.name, request.method, path, target.verb);
  if (target.resource->group == "authorization.k8s.io" || target.resource->group == "authentication.k8s.io")
    return access_review(request, target);
  return resources_.handle(request, target);
}

HttpResponse ApiHandler::non_resource(HttpRequest& request) {
  const std::string& path = request.path;
  AuthorizationAttributes attributes{request.user, "get", false, "", "", "", "", "", path};
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed(request.method);
  if (!authorizer_.authorize(attributes).allowed) return forbidden(forbidden_message(attributes));

  std::string accept = request.header("accept");
  if (path == "/api" || path == "/api/") {
    if (wants_aggregated_discovery(accept)) return json_body(discovery_.aggregated_core(), std::string(kAggregatedDiscoveryType));
    return json_body(discovery_.api_versions());
  }
  if (path == "/apis" || path == "/apis/") {
    if (wants_aggregated_discovery(accept))
      return json_body(discovery_.aggregated_groups(), std::string(kAggregatedDiscoveryType));
    return json_body(discovery_.api_group_list());
  }
  if (path.starts_with("/api/")) {
    if (const auto* list = discovery_.resource_list(std::string_view(path).substr(5))) return json_body(*list);
    return path_not_found(path);
  }
  if (path.starts_with("/apis/")) {
    std::string_view rest = std::string_view(path).substr(6);
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (const auto* list = discovery_.resource_list(rest)) return json_body(*list);
    if (const auto* group = discovery_.group(rest)) return json_body(*group);
    return path_not_found(path);
  }
  if (path == "/openapi/v3" || path == "/openapi/v3/") return json_body(openapi_->index());
  if (path.starts_with("/openapi/v3/")) {
    if (const auto* document = openapi_->document(std::string_view(path).substr(12))) return json_body(*document);
    return path_not_found(path);
  }
  return path_not_found(path);
}

HttpResponse ApiHandler::access_review(HttpRequest& request, const ResourceRequest& target) {
  const std::string& plural = target.resource->plural;
  if (target.verb != "create") return method_not_allowed(request.method);
  auto body = decode_body(request.body, request.header("content-type"));
  if (!body) return status_response(body.error());
  json review = std::move(*body);
  if (!review.is_object()) return bad_request("the body of the request was not a JSON object");
  review["apiVersion"] = target.resource->api_version();
  review["kind"] = target.resource->kind;
  if (!review.contains("metadata")) review["metadata"] = json::object();
  const json& spec = review.value("spec", json::object());

  if (plural == "selfsubjectaccessreviews") {
    AuthorizationAttributes attributes;
    attributes.user = request.user;
    if (spec.contains("resourceAttributes")) {
      const json& ra = spec["resourceAttributes"];
      attributes.verb = ra.value("verb", "");
      attributes.group = ra.value("group", "");
      attributes.resource = ra.value("resource", "");
      attributes.subresource = ra.value("subresource", "");
      attributes.namespace_name = ra.value("namespace", "");
      attributes.name = ra.value("name", "");
    } else if (spec.contains("nonResourceAttributes")) {
      attributes.resource_request = false;
      attributes.verb = spec["nonResourceAttributes"].value("verb", "");
      attributes.path = spec["nonResourceAttributes"].value("path", "");
    } else {
      return bad_request("SelfSubjectAccessReview: spec.resourceAttributes or spec.nonResourceAttributes is required");
    }
    auto decision = authorizer_.authorize(attributes);
    review["status"] = {{"allowed", decision.allowed}};
    if (!decision.reason.empty()) review["status"]["reason"] = decision.reason;
    return HttpResponse{201, "application/json", review.dump(), {}, nullptr};
  }
  if (plural == "selfsubjectrulesreviews") {
    std::string ns = spec.value("namespace", "");
    json resource_rules = json::array(), non_resource_rules = json::array();
    for (const auto& rule : authorizer_.rules_for(request.user, ns)) {
      if (rule.contains("nonResourceURLs"))
        non_resource_rules.push_back({{"verbs", rule.value("verbs", json::array())},
                                      {"nonResourceURLs", rule["nonResourceURLs"]}});
      else
        resource_rules.push_back({{"verbs", rule.value("verbs", json::array())},
                                  {"apiGroups", rule.value("apiGroups", json::array())},
                                  {"resources", rule.value("resources", json::array())},
                                  {"resourceNames", rule.value("resourceNames", json::array())}});
    }
    review["status"] = {{"resourceRules", resource_rules}, {"nonResourceRules", non_resource_rules}, {"incomplete", false}};
    return HttpResponse{201, "application/json", review.dump(), {}, nullptr};
  }
  if (plural == "selfsubjectreviews") {
    review["status"] = {{"userInfo", {{"username", request.user.name}, {"uid", request.user.uid}, {"groups", request.user.groups}}}};
    return HttpResponse{201, "application/json", review.dump(), {}, nullptr};
  }
  if (plural == "tokenreviews") {
    HttpRequest probe;
    probe.headers.emplace_back("authorization", "Bearer " + spec.value("token", ""));
    auto result = authenticator_.authenticate(probe);
    bool ok = result.outcome == Authentication::Outcome::Authenticated;
    review["status"] = {{"authenticated", ok}};
    if (ok)
      review["status"]["user"] = {{"username", result.user.name}, {"uid", result.user.uid}, {"groups", result.user.groups}};
    return HttpResponse{201, "application/json", review.dump(), {}, nullptr};
  }
  // subjectaccessreviews: answer for the named user.
  if (plural == "subjectaccessreviews" || plural == "localsubjectaccessreviews") {
    AuthorizationAttributes attributes;
    attributes.user.name = spec.value("user", "");
    for (const auto& group : spec.value("groups", json::array()))
      if (group.is_string()) attributes.user.groups.push_back(group.get<std::string>());
    const json& ra = spec.value("resourceAttributes", json::object());
    attributes.verb = ra.value("verb", "");
    attributes.group = ra.value("group", "");
    attributes.resource = ra.value("resource", "");
    attributes.subresource = ra.value("subresource", "");
    attributes.namespace_name = ra.value("namespace", target.namespace_name);
    attributes.name = ra.value("name", "");
    review["status"] = {{"allowed", authorizer_.authorize(attributes).allowed}};
    return HttpResponse{201, "application/json", review.dump(), {}, nullptr};
  }
  return path_not_found(request.path);
}

}  // namespace skiff::apiserver
