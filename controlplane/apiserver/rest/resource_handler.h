// REST semantics for every registered resource: get, list, watch, create,
// update, patch, delete, deletecollection, and the status and scale
// subresources, over the revisioned store (writes, consistent reads) and its
// watch cache (lists and watches). Type-aware work (defaulting, validation,
// patches, selectors, tables) is delegated to skiff::apimachinery.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "http/http_types.h"
#include "rest/request_info.h"
#include "skiff/apimachinery/resources.h"
#include "skiff/apimachinery/types.h"
#include "status_errors.h"
#include "storage/kv_store.h"
#include "storage/watch_cache/watch_cache.h"

namespace skiff::apiserver {

// "/registry/<group or core>/<plural>/[<namespace>/]<name>"
std::string storage_key(const apimachinery::ResourceInfo& resource, std::string_view namespace_name,
                        std::string_view name);
// The prefix of a resource's objects, in one namespace ("" = all).
std::string storage_prefix(const apimachinery::ResourceInfo& resource, std::string_view namespace_name);
QualifiedResource qualified(const apimachinery::ResourceInfo& resource);

class ResourceHandler {
 public:
  ResourceHandler(storage::KvStore& store, storage::WatchCache& cache,
                  std::shared_ptr<const apimachinery::ResourceRegistry> registry);

  HttpResponse handle(HttpRequest& request, const ResourceRequest& target);

  // Creates `object` (already complete) if its key is free; for bootstrap.
  storage::Result<storage::KeyValue> create_if_missing(const apimachinery::ResourceInfo& resource,
                                                       const nlohmann::json& object);

 private:
  using Mutation = std::function<apimachinery::ApiResult<nlohmann::json>(const nlohmann::json& current)>;

  HttpResponse get(HttpRequest& request, const ResourceRequest& target);
  HttpResponse list(HttpRequest& request, const ResourceRequest& target);
  HttpResponse watch(HttpRequest& request, const ResourceRequest& target);
  HttpResponse create(HttpRequest& request, const ResourceRequest& target);
  HttpResponse update(HttpRequest& request, const ResourceRequest& target);
  HttpResponse patch(HttpRequest& request, const ResourceRequest& target);
  HttpResponse remove(HttpRequest& request, const ResourceRequest& target);
  HttpResponse remove_collection(HttpRequest& request, const ResourceRequest& target);

  // Reads the object, applies `mutate`, prepares (meta carried over,
  // generation, defaults, validation) and writes with compare-and-swap;
  // retried on a lost race unless the caller pinned a resourceVersion.
  HttpResponse update_with(HttpRequest& request, const ResourceRequest& target, const Mutation& mutate,
                           bool respond_with_scale = false);
  // Stores a new object prepared from `object`: names, uid, timestamps,
  // defaults, validation, namespace existence.
  HttpResponse create_object(HttpRequest& request, const ResourceRequest& target, nlohmann::json object);
  // Deletes one object honouring finalizers, grace and propagation; returns the response.
  HttpResponse delete_object(const ResourceRequest& target, const storage::KeyValue& current,
                             const nlohmann::json& options, bool dry_run);
  void delete_namespace_contents(const std::string& namespace_name);

  HttpResponse object_response(const ResourceRequest& target, const HttpRequest& request, unsigned status,
                               const std::string& stored, storage::Revision revision);
  std::optional<HttpResponse> check_strict_fields(const HttpRequest& request, const ResourceRequest& target,
                                                  const nlohmann::json& object, Params& warnings);

  storage::KvStore& store_;
  storage::WatchCache& cache_;
  std::shared_ptr<const apimachinery::ResourceRegistry> registry_;
};

// Table output was asked for (Accept: application/json;as=Table;g=meta.k8s.io;v=v1).
bool wants_table(std::string_view accept);
std::string now_rfc3339();
std::string new_uid();

}  // namespace skiff::apiserver
