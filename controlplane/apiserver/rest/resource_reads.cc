// GET and LIST.
#include <charconv>

#include "rest/object_codec.h"
#include "rest/resource_handler.h"
#include "skiff/apimachinery/selectors.h"
#include "skiff/apimachinery/table.h"
#include "auth/service_account_tokens.h"

namespace skiff::apiserver {

using nlohmann::json;
namespace am = skiff::apimachinery;

namespace {

am::IncludeObject include_object(const HttpRequest& request) {
  auto value = request.param("includeObject").value_or("Metadata");
  if (value == "None") return am::IncludeObject::None;
  if (value == "Object") return am::IncludeObject::Object;
  return am::IncludeObject::Metadata;
}

std::optional<storage::Revision> parse_revision(const std::string& text) {
  storage::Revision value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// Continue tokens: base64url of {"rv":N,"start":"key"}, opaque to clients.
std::string encode_continue(storage::Revision revision, const std::string& next_key) {
  return base64url_encode(json{{"rv", revision}, {"start", next_key}}.dump());
}

}  // namespace

HttpResponse ResourceHandler::object_response(const ResourceRequest& target, const HttpRequest& request,
                                              unsigned status, const std::string& stored, storage::Revision revision) {
  HttpResponse response;
  response.status = status;
  if (wants_table(request.header("accept"))) {
    json object = json::parse(stored, nullptr, false);
    object["metadata"]["resourceVersion"] = std::to_string(revision);
    am::TableOptions options;
    options.include_object = include_object(request);
    options.printer_columns = target.resource->printer_columns;
    response.body = am::to_table(target.resource->gvk(), {&object}, options).dump();
    return response;
  }
  response.body = with_resource_version(stored, revision);
  return response;
}

HttpResponse ResourceHandler::get(HttpRequest& request, const ResourceRequest& target) {
  auto kv = store_.get(storage_key(*target.resource, target.namespace_name, target.name));
  if (!kv) return storage_failure(kv.error(), qualified(*target.resource), target.name);
  return object_response(target, request, 200, kv->value, kv->mod_revision);
}

HttpResponse ResourceHandler::list(HttpRequest& request, const ResourceRequest& target) {
  const auto& resource = *target.resource;
  auto gvk = resource.gvk();
  auto label_selector = am::LabelSelector::parse(request.param("labelSelector").value_or(""));
  if (!label_selector) return status_response(label_selector.error());
  auto field_selector = am::FieldSelector::parse(request.param("fieldSelector").value_or(""), gvk);
  if (!field_selector) return status_response(field_selector.error());
  bool filtering = !label_selector->empty() || !field_selector->empty();

  storage::RangeRequest range;
  range.prefix = storage_prefix(resource, target.namespace_name);
  // A field selector on metadata.name narrows the range to one key.
  std::optional<std::string> exact_name = field_selector->exact("metadata.name");
  if (auto limit = request.param("limit"); limit && !filtering) {
    auto value = parse_revision(*limit);
    if (!value) return bad_request("invalid limit: " + *limit);
    range.limit = *value;
  }
  if (auto token = request.param("continue"); token && !token->empty()) {
    auto decoded = base64url_decode(*token);
    json state = decoded ? json::parse(*decoded, nullptr, false) : json();
    if (!state.is_object() || !state.contains("start") || !state.contains("rv"))
      return bad_request("continue key is not valid: " + *token);
    range.continue_from = state["start"].get<std::string>();
    range.revision = state["rv"].get<storage::Revision>();
  } else {
    std::string rv = request.param("resourceVersion").value_or("");
    if (rv.empty()) {
      // A consistent read: the cache answers once it has caught up with the store.
      auto current = store_.current_revision();
      if (!current) return storage_failure(current.error(), qualified(resource), "");
      range.revision = *current;
    } else if (rv != "0") {
      auto value = parse_revision(rv);
      if (!value) return bad_request("invalid resource version: " + rv);
      range.revision = *value;
    }
  }

  auto page = cache_.list(range);
  if (!page) return storage_failure(page.error(), qualified(resource), "");

  std::vector<const storage::KeyValue*> selected;
  selected.reserve(page->items.size());
  std::vector<json> decoded;
  bool table = wants_table(request.header("accept"));
  if (filtering || table) decoded.reserve(page->items.size());
  for (const auto& kv : page->items) {
    if (exact_name) {
      auto slash = kv.key.rfind('/');
      if (kv.key.compare(slash + 1, std::string::npos, *exact_name) != 0) continue;
    }
    if (filtering || table) {
      json object = json::parse(kv.value, nullptr, false);
      if (!object.is_object()) continue;
      if (filtering) {
        const json& meta = object["metadata"];
        if (!label_selector->matches(meta.contains("labels") ? meta["labels"] : json())) continue;
        if (!field_selector->matches(object)) continue;
      }
      object["metadata"]["resourceVersion"] = std::to_string(kv.mod_revision);
      decoded.push_back(std::move(object));
    }
    selected.push_back(&kv);
  }

  std::string continue_token = page->more ? encode_continue(page->revision, page->next_key) : "";
  std::string list_rv = std::to_string(page->revision);
  HttpResponse response;
  if (table) {
    std::vector<const json*> objects;
    objects.reserve(decoded.size());
    for (const auto& object : decoded) objects.push_back(&object);
    am::TableOptions options;
    options.include_object = include_object(request);
    options.printer_columns = resource.printer_columns;
    options.resource_version = list_rv;
    options.continue_token = continue_token;
    response.body = am::to_table(resource.gvk(), objects, options).dump();
    return response;
  }
  std::string& body = response.body;
  std::size_t size = 128;
  for (const auto* kv : selected) size += kv->value.size() + 40;
  body.reserve(size);
  body += R"({"apiVersion":")";
  body += resource.api_version();
  body += R"(","items":[)";
  for (std::size_t i = 0; i < selected.size(); ++i) {
    if (i) body += ',';
    body += with_resource_version(selected[i]->value, selected[i]->mod_revision);
  }
  body += R"(],"kind":")";
  body += resource.list_kind();
  body += R"(","metadata":{"resourceVersion":")";
  body += list_rv;
  body += '"';
  if (!continue_token.empty()) {
    body += R"(,"continue":")";
    body += continue_token;
    body += '"';
  }
  body += "}}";
  return response;
}

}  // namespace skiff::apiserver
