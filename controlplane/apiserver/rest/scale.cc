#include "rest/scale.h"

#include "rest/object_codec.h"
#include "rest/resource_handler.h"
#include "skiff/apimachinery/selectors.h"

namespace skiff::apiserver {

using nlohmann::json;

json scale_of(const json& object) {
  const json& meta = object.at("metadata");
  json scale_meta = json::object();
  for (const char* field : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"})
    if (meta.contains(field)) scale_meta[field] = meta[field];
  json spec = object.value("spec", json::object());
  json status = object.value("status", json::object());
  json out = {{"kind", "Scale"},
              {"apiVersion", "autoscaling/v1"},
              {"metadata", scale_meta},
              {"spec", {{"replicas", spec.value("replicas", 0)}}},
              {"status", {{"replicas", status.value("replicas", 0)}}}};
  if (spec.contains("selector")) {
    auto selector = apimachinery::LabelSelector::from_json(spec["selector"]);
    if (selector) out["status"]["selector"] = selector->str();
  }
  return out;
}

HttpResponse get_scale(storage::KvStore& store, const HttpRequest&, const ResourceRequest& target) {
  auto kv = store.get(storage_key(*target.resource, target.namespace_name, target.name));
  if (!kv) return storage_failure(kv.error(), qualified(*target.resource), target.name);
  HttpResponse response;
  response.body = scale_of(decode_stored(*kv)).dump();
  return response;
}

}  // namespace skiff::apiserver
