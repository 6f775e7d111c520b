// JSON patch (RFC 6902), merge patch (RFC 7386) and strategic merge patch
// (apimachinery pkg/util/strategicpatch), dispatched by apply_patch.
#include "skiff/apimachinery/patch.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "managed_fields.h"
#include "yaml_json.h"
#include "json_access.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

std::unexpected<ApiError> unprocessable(std::string message) {
  return std::unexpected(ApiError{422, "Invalid", std::move(message), {}});
}

// ---- RFC 6902 -------------------------------------------------------------

ApiResult<json::json_pointer> pointer(const json& op, const char* key) {
  auto it = op.find(key);
  if (it == op.end() || !it->is_string()) return bad_request(std::string("operation missing \"") + key + "\" string");
  try {
    return json::json_pointer(it->get<std::string>());
  } catch (const json::exception&) {
    return bad_request("invalid JSON pointer \"" + it->get<std::string>() + "\"");
  }
}

bool exists(const json& doc, const json::json_pointer& p) {
  try {
    return doc.contains(p);
  } catch (const json::exception&) {
    return false;
  }
}

ApiResult<void> add_at(json& doc, const json::json_pointer& p, json value, const std::string& op) {
  if (p.empty()) {
    doc = std::move(value);
    return {};
  }
  json::json_pointer parent = p.parent_pointer();
  if (!exists(doc, parent)) return unprocessable(op + " operation does not apply: doc is missing path: \"" + p.to_string() + "\": missing value");
  json& container = doc[parent];
  const std::string& last = p.back();
  if (container.is_object()) {
    container[last] = std::move(value);
    return {};
  }
  if (container.is_array()) {
    if (last == "-") {
      container.push_back(std::move(value));
      return {};
    }
    size_t idx = 0;
    bool numeric = !last.empty() && std::all_of(last.begin(), last.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (numeric) idx = std::stoul(last);
    if (!numeric || idx > container.size())
      return unprocessable(op + " operation does not apply: doc is missing path: \"" + p.to_string() + "\": invalid index");
    container.insert(container.begin() + static_cast<std::ptrdiff_t>(idx), std::move(value));
    return {};
  }
  return unprocessable(op + " operation does not apply: doc is missing path: \"" + p.to_string() + "\": missing value");
}

ApiResult<json> remove_at(json& doc, const json::json_pointer& p, const std::string& op) {
  if (p.empty() || !exists(doc, p))
    return unprocessable(op + " operation does not apply: doc is missing path: \"" + p.to_string() + "\": missing value");
  json& container = doc[p.parent_pointer()];
  json removed = doc[p];
  if (container.is_object()) container.erase(p.back());
  else container.erase(container.begin() + static_cast<std::ptrdiff_t>(std::stoul(p.back())));
  return removed;
}

// ---- strategic merge ------------------------------------------------------

constexpr std::string_view kPatch = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetOrder = "$setElementOrder/";
constexpr std::string_view kDeleteFromList = "$deleteFromPrimitiveList/";

bool is_directive(const std::string& key) { return !key.empty() && key[0] == '$'; }

json strip_directives(const json& v) {
  if (v.is_object()) {
    json out = json::object();
    for (const auto& [k, sub] : v.items())
      if (!is_directive(k)) out[k] = strip_directives(sub);
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const auto& item : v)
      if (!(item.is_object() && item.contains(kPatch))) out.push_back(strip_directives(item));
    return out;
  }
  return v;
}

const Schema* array_items(const Schema* s) { return s && s->type == FieldType::Array ? s->items.get() : nullptr; }

bool merges(const Schema* s) {
  return s && s->type == FieldType::Array &&
         (s->patch_strategy == PatchStrategy::Merge || s->patch_strategy == PatchStrategy::MergeRetainKeys);
}

ApiResult<json> merge_map(json orig, const json& patch, const Schema* s);

ApiResult<json> merge_list(json orig, const json& patch, const Schema* s) {
  if (!orig.is_array()) orig = json::array();
  const std::string& key = s->patch_merge_key;
  const Schema* items = array_items(s);
  if (key.empty()) {  // merged list of primitives (finalizers)
    for (const auto& v : patch) {
      if (v.is_object() && v.contains(kPatch)) continue;
      if (std::find(orig.begin(), orig.end(), v) == orig.end()) orig.push_back(v);
    }
    return orig;
  }
  for (const auto& p : patch)
    if (p.is_object() && sval(p, std::string(kPatch), "") == "replace") {
      json out = json::array();
      for (const auto& q : patch)
        if (!(q.is_object() && q.contains(kPatch))) out.push_back(strip_directives(q));
      return out;
    }
  for (const auto& p : patch) {
    if (!p.is_object()) {
      orig.push_back(p);
      continue;
    }
    auto kv = p.find(key);
    std::string directive = sval(p, std::string(kPatch), "");
    if (kv == p.end())
      return bad_request("map: " + p.dump() + " does not contain declared merge key: " + key);
    auto same = [&](const json& item) { return item.is_object() && item.contains(key) && item[key] == *kv; };
    if (directive == "delete") {
      orig.erase(std::remove_if(orig.begin(), orig.end(), same), orig.end());
      continue;
    }
    auto it = std::find_if(orig.begin(), orig.end(), same);
    if (it != orig.end()) {
      auto merged = merge_map(*it, p, items);
      if (!merged) return merged;
      *it = std::move(*merged);
    } else {
      auto merged = merge_map(json::object(), p, items);
      if (!merged) return merged;
      orig.push_back(std::move(*merged));
    }
  }
  return orig;
}

// Reorders `list` by `order` ($setElementOrder); items not named keep their
// relative place.
json reorder(const json& list, const json& order, const std::string& key) {
  if (!list.is_array() || !order.is_array()) return list;
  auto matches = [&](const json& item, const json& o) {
    if (key.empty()) return item == o;
    return item.is_object() && o.is_object() && item.contains(key) && o.contains(key) && item[key] == o[key];
  };
  json ordered = json::array();
  std::vector<bool> used(list.size(), false);
  for (const auto& o : order)
    for (size_t i = 0; i < list.size(); ++i)
      if (!used[i] && matches(list[i], o)) {
        ordered.push_back(list[i]);
        used[i] = true;
        break;
      }
  for (size_t i = 0; i < list.size(); ++i)
    if (!used[i]) ordered.insert(ordered.begin() + static_cast<std::ptrdiff_t>(std::min(i, ordered.size())), list[i]);
  return ordered;
}

ApiResult<json> merge_map(json orig, const json& patch, const Schema* s) {
  if (!orig.is_object()) orig = json::object();
  if (!patch.is_object()) return patch;
  if (auto d = patch.find(kPatch); d != patch.end()) {
    std::string directive = d->is_string() ? d->get<std::string>() : "";
    if (directive == "replace") return strip_directives(patch);
    if (directive == "delete") return json::object();
    if (directive != "merge") return bad_request("unknown patch type: " + directive + " in map: " + patch.dump());
  }
  if (auto rk = patch.find(kRetainKeys); rk != patch.end()) {
    if (!rk->is_array()) return bad_request("$retainKeys must be a list of strings");
    for (auto it = orig.begin(); it != orig.end();) {
      if (std::find(rk->begin(), rk->end(), it.key()) == rk->end()) it = orig.erase(it);
      else ++it;
    }
  }
  for (const auto& [k, v] : patch.items()) {
    if (k.rfind(kDeleteFromList, 0) != 0) continue;
    std::string field = k.substr(kDeleteFromList.size());
    if (orig.contains(field) && orig[field].is_array() && v.is_array()) {
      json& list = orig[field];
      list.erase(std::remove_if(list.begin(), list.end(),
                                [&](const json& x) { return std::find(v.begin(), v.end(), x) != v.end(); }),
                 list.end());
    }
  }
  for (const auto& [k, v] : patch.items()) {
    if (is_directive(k)) continue;
    if (v.is_null()) {
      orig.erase(k);
      continue;
    }
    const Schema* sub = s ? s->field(k) : nullptr;
    if (v.is_object()) {
      if (sval(v, std::string(kPatch), "") == "delete") {
        orig.erase(k);
        continue;
      }
      bool atomic_any = sub && (sub->type == FieldType::Any);
      auto merged = atomic_any ? ApiResult<json>(merge_patch(jval(orig, k, json::object()), v))
                               : merge_map(orig.contains(k) ? orig[k] : json::object(), v, sub);
      if (!merged) return merged;
      orig[k] = std::move(*merged);
    } else if (v.is_array()) {
      if (merges(sub)) {
        auto merged = merge_list(orig.contains(k) ? orig[k] : json::array(), v, sub);
        if (!merged) return merged;
        orig[k] = std::move(*merged);
      } else {
        orig[k] = strip_directives(v);
      }
    } else {
      orig[k] = v;
    }
  }
  for (const auto& [k, v] : patch.items()) {
    if (k.rfind(kSetOrder, 0) != 0) continue;
    std::string field = k.substr(kSetOrder.size());
    if (orig.contains(field)) {
      const Schema* sub = s ? s->field(field) : nullptr;
      orig[field] = reorder(orig[field], v, sub ? sub->patch_merge_key : "");
    }
  }
  return orig;
}

bool builtin_kind(const GroupVersionKind& gvk) { return SchemaRegistry::builtin().for_kind(gvk) != nullptr; }

}  // namespace

std::optional<PatchType> patch_type_from_content_type(std::string_view ct) {
  auto semi = ct.find(';');
  std::string t(ct.substr(0, semi));
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "application/json-patch+json") return PatchType::Json;
  if (t == "application/merge-patch+json") return PatchType::Merge;
  if (t == "application/strategic-merge-patch+json") return PatchType::StrategicMerge;
  if (t == "application/apply-patch+yaml" || t == "application/apply-patch+json" || t == "application/apply-patch+cbor")
    return PatchType::Apply;
  return std::nullopt;
}

ApiResult<json> json_patch(const json& doc, const json& ops) {
  if (!ops.is_array()) return bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  json result = doc;
  for (const auto& op : ops) {
    if (!op.is_object()) return bad_request("invalid JSON patch operation: " + op.dump());
    std::string name = sval(op, "op", "");
    auto path = pointer(op, "path");
    if (!path) return std::unexpected(path.error());
    if (name == "add" || name == "replace" || name == "test") {
      if (!op.contains("value")) return bad_request(name + " operation has no \"value\"");
    }
    if (name == "add") {
      if (auto r = add_at(result, *path, op["value"], name); !r) return std::unexpected(r.error());
    } else if (name == "remove") {
      if (auto r = remove_at(result, *path, name); !r) return std::unexpected(r.error());
    } else if (name == "replace") {
      if (path->empty()) {
        result = op["value"];
        continue;
      }
      if (!exists(result, *path))
        return unprocessable("replace operation does not apply: doc is missing key: " + path->to_string() + ": missing value");
      result[*path] = op["value"];
    } else if (name == "move" || name == "copy") {
      auto from = pointer(op, "from");
      if (!from) return std::unexpected(from.error());
      if (!exists(result, *from))
        return unprocessable(name + " operation does not apply: doc is missing from path: \"" + from->to_string() + "\": missing value");
      json value = result[*from];
      if (name == "move")
        if (auto r = remove_at(result, *from, name); !r) return std::unexpected(r.error());
      if (auto r = add_at(result, *path, std::move(value), name); !r) return std::unexpected(r.error());
    } else if (name == "test") {
      if (!exists(result, *path) || result[*path] != op["value"])
        return unprocessable("testing value " + path->to_string() + " failed: test failed");
    } else {
      return bad_request("Unexpected kind: " + name);
    }
  }
  return result;
}

json merge_patch(const json& target, const json& patch) {
  json out = target;
  out.merge_patch(patch);
  return out;
}

ApiResult<json> strategic_merge_patch(const Schema* schema, const json& original, const json& patch) {
  if (!patch.is_object()) return bad_request("strategic merge patch must be a JSON object");
  return merge_map(original, patch, schema);
}

ApiResult<json> apply_patch(PatchType type, const GroupVersionKind& gvk, const json& current, std::string_view body,
                            const ApplyOptions& opts) {
  return apply_patch(SchemaRegistry::builtin(), type, gvk, current, body, opts);
}

ApiResult<json> apply_patch(const SchemaRegistry& reg, PatchType type, const GroupVersionKind& gvk, const json& current,
                            std::string_view body, const ApplyOptions& opts) {
  if (type == PatchType::Apply) {
    if (opts.field_manager.empty())
      return bad_request("PATCH requests of type application/apply-patch+yaml require a field manager (fieldManager)");
    auto applied = parse_yaml_or_json(body);
    if (!applied) return applied;
    if (!applied->is_object()) return bad_request("apply patch body must be an object");
    if (applied->contains("metadata") && (*applied)["metadata"].is_object() &&
        (*applied)["metadata"].contains("managedFields") && !(*applied)["metadata"]["managedFields"].is_null())
      return bad_request("metadata.managedFields must be nil");
    return server_side_apply(reg.for_kind(gvk), gvk, current, *applied, opts);
  }
  if (current.is_null()) return std::unexpected(ApiError{404, "NotFound", "the object does not exist", {}});
  json patch;
  try {
    patch = json::parse(body);
  } catch (const json::exception& e) {
    return bad_request(std::string("error decoding patch: ") + e.what());
  }
  switch (type) {
    case PatchType::Json:
      return json_patch(current, patch);
    case PatchType::Merge:
      if (!patch.is_object()) return bad_request("merge patch must be a JSON object");
      return merge_patch(current, patch);
    case PatchType::StrategicMerge:
      if (!builtin_kind(gvk))
        return std::unexpected(ApiError{415, "UnsupportedMediaType",
                                        "the body of the request was in an unknown format - accepted media types "
                                        "include: application/json-patch+json, application/merge-patch+json, "
                                        "application/apply-patch+yaml",
                                        {}});
      return strategic_merge_patch(reg.for_kind(gvk), current, patch);
    case PatchType::Apply:
      break;
  }
  return bad_request("unsupported patch type");
}

}  // namespace skiff::apimachinery
