// Server-side apply and managedFields, modelled on structured-merge-diff:
// field sets are FieldsV1 trees ("f:name", "k:{...}" list-map items, "v:"
// set members, "." the node itself), list semantics come from the schema.
#include "managed_fields.h"

#include <chrono>
#include <ctime>
#include "json_access.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

const Schema* child_schema(const Schema* s, const std::string& key) { return s ? s->field(key) : nullptr; }
const Schema* item_schema(const Schema* s) { return s && s->type == FieldType::Array ? s->items.get() : nullptr; }
bool is_list_map(const Schema* s) { return s && s->type == FieldType::Array && s->list_type == ListType::Map && !s->list_map_keys.empty(); }
bool is_set(const Schema* s) { return s && s->type == FieldType::Array && s->list_type == ListType::Set; }

// The key object of a list-map item, key fields defaulted from the schema.
json item_key(const Schema* list, const json& item) {
  json key = json::object();
  const Schema* items = item_schema(list);
  for (const auto& k : list->list_map_keys) {
    if (item.is_object() && item.contains(k) && !item[k].is_null()) {
      key[k] = item[k];
    } else if (const Schema* ks = child_schema(items, k); ks && ks->default_value) {
      key[k] = *ks->default_value;
    }
  }
  return key;
}

std::string item_token(const Schema* list, const json& item) { return "k:" + item_key(list, item).dump(); }

// Every field of `v` as a tree.
json field_set(const Schema* s, const json& v) {
  json tree = json::object();
  if (v.is_object()) {
    for (const auto& [k, sub] : v.items()) tree["f:" + k] = field_set(child_schema(s, k), sub);
    if (s && s->type == FieldType::Map && !v.empty()) tree["."] = json::object();
  } else if (v.is_array()) {
    if (is_list_map(s)) {
      for (const auto& item : v) {
        json child = field_set(item_schema(s), item);
        child["."] = json::object();
        tree[item_token(s, item)] = std::move(child);
      }
    } else if (is_set(s)) {
      for (const auto& item : v) tree["v:" + item.dump()] = json::object();
    }
  }
  return tree;
}

// Fields set in `now` that are absent or different in `before`.
json changed_set(const Schema* s, const json* before, const json& now) {
  if (!before || before->is_null()) return field_set(s, now);
  if (now.is_object() && before->is_object()) {
    json tree = json::object();
    for (const auto& [k, sub] : now.items()) {
      const json* b = before->contains(k) ? &(*before)[k] : nullptr;
      if (b && *b == sub) continue;
      const Schema* cs = child_schema(s, k);
      json c = changed_set(cs, b, sub);
      // Only removals below a map or keyed list: nothing set here.
      bool structural = (sub.is_object() && b && b->is_object() && !sub.empty()) ||
                        (sub.is_array() && b && b->is_array() && (is_list_map(cs) || is_set(cs)));
      if (c.empty() && structural) continue;
      tree["f:" + k] = std::move(c);
    }
    if (s && s->type == FieldType::Map && !now.empty() && before->empty()) tree["."] = json::object();
    return tree;
  }
  if (now.is_array() && before->is_array() && (is_list_map(s) || is_set(s))) {
    json tree = json::object();
    for (const auto& item : now) {
      if (is_set(s)) {
        if (std::find(before->begin(), before->end(), item) == before->end()) tree["v:" + item.dump()] = json::object();
        continue;
      }
      json key = item_key(s, item);
      const json* match = nullptr;
      for (const auto& b : *before)
        if (item_key(s, b) == key) match = &b;
      if (match && *match == item) continue;
      json c = changed_set(item_schema(s), match, item);
      if (!match) c["."] = json::object();
      tree["k:" + key.dump()] = std::move(c);
    }
    return tree;
  }
  return json::object();  // a changed leaf
}

void tree_union(json& a, const json& b) {
  for (const auto& [k, v] : b.items()) {
    if (!a.contains(k)) a[k] = v;
    else tree_union(a[k], v);
  }
}

json tree_subtract(const json& a, const json& b) {
  json out = json::object();
  for (const auto& [k, v] : a.items()) {
    auto it = b.find(k);
    if (it == b.end()) {
      out[k] = v;
      continue;
    }
    if (v.empty() || it->empty()) continue;
    json rest = tree_subtract(v, *it);
    if (!rest.empty()) out[k] = std::move(rest);
  }
  return out;
}

json tree_intersect(const json& a, const json& b) {
  json out = json::object();
  for (const auto& [k, v] : a.items()) {
    auto it = b.find(k);
    if (it == b.end()) continue;
    if (v.empty() || it->empty()) {
      out[k] = json::object();
      continue;
    }
    json both = tree_intersect(v, *it);
    if (!both.empty()) out[k] = std::move(both);
  }
  return out;
}

void leaf_paths(const json& tree, std::vector<std::string>& prefix, std::vector<std::vector<std::string>>& out) {
  for (const auto& [k, v] : tree.items()) {
    prefix.push_back(k);
    if (v.empty()) out.push_back(prefix);
    else leaf_paths(v, prefix, out);
    prefix.pop_back();
  }
}

void add_path(json& tree, const std::vector<std::string>& path) {
  json* cur = &tree;
  for (const auto& k : path) {
    if (!cur->contains(k)) (*cur)[k] = json::object();
    cur = &(*cur)[k];
  }
}

// Resolves one tree key below value `v` of schema `s`.
const json* resolve(const json& v, const Schema* s, const std::string& key, const Schema** child) {
  *child = nullptr;
  if (key == ".") {
    *child = s;
    return &v;
  }
  if (key.rfind("f:", 0) == 0) {
    std::string name = key.substr(2);
    *child = child_schema(s, name);
    if (!v.is_object() || !v.contains(name)) return nullptr;
    return &v[name];
  }
  if (!v.is_array()) return nullptr;
  *child = item_schema(s);
  if (key.rfind("k:", 0) == 0 && is_list_map(s)) {
    json want = json::parse(key.substr(2), nullptr, false);
    for (const auto& item : v)
      if (item_key(s, item) == want) return &item;
  }
  if (key.rfind("v:", 0) == 0) {
    json want = json::parse(key.substr(2), nullptr, false);
    for (const auto& item : v)
      if (item == want) return &item;
  }
  return nullptr;
}

const json* resolve_path(const json& root, const Schema* s, const std::vector<std::string>& path) {
  const json* cur = &root;
  for (const auto& k : path) {
    const Schema* next = nullptr;
    cur = resolve(*cur, s, k, &next);
    if (!cur) return nullptr;
    s = next;
  }
  return cur;
}

// ".spec.containers[name=\"web\"].image", as structured-merge-diff prints paths.
std::string path_string(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& k : path) {
    if (k == ".") continue;
    if (k.rfind("f:", 0) == 0) {
      out += "." + k.substr(2);
    } else if (k.rfind("k:", 0) == 0) {
      json key = json::parse(k.substr(2), nullptr, false);
      out += "[";
      bool first = true;
      if (key.is_object())
        for (const auto& [n, v] : key.items()) {
          out += (first ? "" : ",") + n + "=" + v.dump();
          first = false;
        }
      out += "]";
    } else if (k.rfind("v:", 0) == 0) {
      out += "[=" + k.substr(2) + "]";
    }
  }
  return out;
}

// Applies `applied` onto `live` (maps merged, list-maps by key, sets united,
// everything else replaced).
json apply_merge(const json& live, const json& applied, const Schema* s) {
  if (applied.is_object() && live.is_object() && !(s && s->type == FieldType::Any && false)) {
    json out = live;
    for (const auto& [k, v] : applied.items()) {
      if (v.is_null()) {
        out.erase(k);
        continue;
      }
      out[k] = out.contains(k) ? apply_merge(out[k], v, child_schema(s, k)) : v;
    }
    return out;
  }
  if (applied.is_array() && live.is_array()) {
    if (is_list_map(s)) {
      json out = live;
      for (const auto& item : applied) {
        json key = item_key(s, item);
        auto it = std::find_if(out.begin(), out.end(), [&](const json& l) { return item_key(s, l) == key; });
        if (it != out.end()) *it = apply_merge(*it, item, item_schema(s));
        else out.push_back(item);
      }
      return out;
    }
    if (is_set(s)) {
      json out = live;
      for (const auto& item : applied)
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
      return out;
    }
  }
  return applied;
}

// Removes the fields of `tree` from `v`, keeping nodes others still own.
void remove_fields(json& v, const Schema* s, const json& tree, const json& others) {
  for (const auto& [k, sub] : tree.items()) {
    if (k == ".") continue;
    const Schema* cs = nullptr;
    const json* target = resolve(v, s, k, &cs);
    if (!target) continue;
    const json& other_sub = others.contains(k) ? others[k] : json::object();
    bool whole = sub.empty() || (sub.contains(".") && !others.contains(k));
    if (whole) {
      if (k.rfind("f:", 0) == 0) {
        v.erase(k.substr(2));
      } else if (v.is_array()) {
        for (auto it = v.begin(); it != v.end(); ++it)
          if (&*it == target) {
            v.erase(it);
            break;
          }
      }
      continue;
    }
    remove_fields(const_cast<json&>(*target), cs, sub, other_sub);
  }
}

std::string now_rfc3339(const ApplyOptions& opts) {
  if (!opts.now.empty()) return opts.now;
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The part of an object whose fields are tracked for `subresource`.
json tracked(const json& obj, const std::string& subresource) {
  if (!obj.is_object()) return json::object();
  json out = obj;
  out.erase("apiVersion");
  out.erase("kind");
  if (subresource == "status") {
    json only = json::object();
    if (obj.contains("status")) only["status"] = obj["status"];
    return only;
  }
  out.erase("status");
  if (out.contains("metadata") && out["metadata"].is_object()) {
    json& m = out["metadata"];
    for (const char* f : {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
                          "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"})
      m.erase(f);
    if (m.empty()) out.erase("metadata");
  }
  return out;
}

json managed_entries(const json& obj) {
  if (obj.is_object() && obj.contains("metadata") && obj["metadata"].is_object()) {
    const json& m = obj["metadata"];
    if (m.contains("managedFields") && m["managedFields"].is_array()) return m["managedFields"];
  }
  return json::array();
}

void store_entries(json& obj, json entries) {
  json kept = json::array();
  for (auto& e : entries)
    if (e.contains("fieldsV1") && e["fieldsV1"].is_object() && !e["fieldsV1"].empty()) kept.push_back(std::move(e));
  json& meta = obj["metadata"];
  if (!meta.is_object()) meta = json::object();
  if (kept.empty()) meta.erase("managedFields");
  else meta["managedFields"] = std::move(kept);
}

bool same_entry(const json& e, const std::string& manager, const char* op, const std::string& subresource) {
  return sval(e, "manager", "") == manager && sval(e, "operation", "") == op && sval(e, "subresource", "") == subresource;
}

json make_entry(const std::string& manager, const char* op, const GroupVersionKind& gvk, const ApplyOptions& opts,
                json fields) {
  json e = {{"manager", manager}, {"operation", op}, {"apiVersion", gvk.api_version()},
            {"time", now_rfc3339(opts)}, {"fieldsType", "FieldsV1"}, {"fieldsV1", std::move(fields)}};
  if (!opts.subresource.empty()) e["subresource"] = opts.subresource;
  return e;
}

}  // namespace

ApiResult<json> server_side_apply(const Schema* schema, const GroupVersionKind& gvk, const json& current,
                                  const json& applied, const ApplyOptions& opts) {
  json applied_set = field_set(schema, tracked(applied, opts.subresource));
  if (current.is_null()) {
    json obj = applied;
    store_entries(obj, json::array({make_entry(opts.field_manager, "Apply", gvk, opts, applied_set)}));
    return obj;
  }
  json entries = managed_entries(current);
  // Conflicts: fields other managers own, set here to a different value.
  std::vector<FieldCause> conflicts;
  std::vector<json> conflict_trees(entries.size(), json::object());
  json previous = json::object();
  json others = json::object();
  for (size_t i = 0; i < entries.size(); ++i) {
    const json& e = entries[i];
    json fields = jval(e, "fieldsV1", json::object());
    if (same_entry(e, opts.field_manager, "Apply", opts.subresource)) {
      previous = fields;
      continue;
    }
    json common = tree_intersect(applied_set, fields);
    std::vector<std::vector<std::string>> leaves;
    std::vector<std::string> prefix;
    leaf_paths(common, prefix, leaves);
    for (const auto& path : leaves) {
      if (path.back() == "." || path.back().rfind("k:", 0) == 0 || path.back().rfind("v:", 0) == 0) continue;
      const json* a = resolve_path(applied, schema, path);
      const json* l = resolve_path(current, schema, path);
      if (a && l && *a == *l) continue;
      if (!a && !l) continue;
      add_path(conflict_trees[i], path);
      conflicts.push_back({"FieldManagerConflict",
                           "conflict with \"" + sval(e, "manager", "") + "\"" +
                               (sval(e, "operation", "") == "Update" ? " using " + sval(e, "apiVersion", "") : ""),
                           path_string(path)});
    }
  }
  if (!conflicts.empty() && !opts.force) {
    std::string msg = "Apply failed with " + std::to_string(conflicts.size()) +
                      (conflicts.size() == 1 ? " conflict: " : " conflicts: ");
    for (size_t i = 0; i < conflicts.size(); ++i)
      msg += (i ? "\n" : "") + conflicts[i].message + ": " + conflicts[i].field;
    return std::unexpected(ApiError{409, "Conflict", msg, conflicts});
  }
  json new_entries = json::array();
  for (size_t i = 0; i < entries.size(); ++i) {
    json e = entries[i];
    if (same_entry(e, opts.field_manager, "Apply", opts.subresource)) continue;
    if (!conflict_trees[i].empty()) e["fieldsV1"] = tree_subtract(jval(e, "fieldsV1", json::object()), conflict_trees[i]);
    tree_union(others, jval(e, "fieldsV1", json::object()));
    new_entries.push_back(std::move(e));
  }
  json obj = apply_merge(current, applied, schema);
  // Fields this manager applied before, dropped now and owned by nobody else, go.
  json removed = tree_subtract(tree_subtract(previous, applied_set), others);
  if (!removed.empty()) remove_fields(obj, schema, removed, others);
  json entry = make_entry(opts.field_manager, "Apply", gvk, opts, applied_set);
  // Keep the manager's place in the list.
  bool placed = false;
  json ordered = json::array();
  size_t j = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (same_entry(entries[i], opts.field_manager, "Apply", opts.subresource)) {
      ordered.push_back(entry);
      placed = true;
    } else {
      ordered.push_back(new_entries[j++]);
    }
  }
  if (!placed) ordered.push_back(entry);
  store_entries(obj, std::move(ordered));
  return obj;
}

void compute_managed_fields(const GroupVersionKind& gvk, const json* old, json& updated, const ApplyOptions& opts) {
  compute_managed_fields(SchemaRegistry::builtin(), gvk, old, updated, opts);
}

void compute_managed_fields(const SchemaRegistry& reg, const GroupVersionKind& gvk, const json* old, json& updated,
                            const ApplyOptions& opts) {
  if (opts.field_manager.empty() || !updated.is_object()) return;
  const Schema* schema = reg.for_kind(gvk);
  json entries = managed_entries(updated);
  // After an Apply patch the apply entry is already current: recording the
  // same change as an Update would take the fields away from it.
  json old_entries = old ? managed_entries(*old) : json::array();
  for (const auto& e : entries)
    if (same_entry(e, opts.field_manager, "Apply", opts.subresource) &&
        std::find(old_entries.begin(), old_entries.end(), e) == old_entries.end())
      return;
  if (entries.empty() && old) entries = managed_entries(*old);
  json now_tracked = tracked(updated, opts.subresource);
  json before_tracked = old ? tracked(*old, opts.subresource) : json();
  json current_set = field_set(schema, now_tracked);
  json changed = changed_set(schema, old ? &before_tracked : nullptr, now_tracked);
  json out = json::array();
  bool found = false;
  for (auto& e : entries) {
    json fields = tree_intersect(jval(e, "fieldsV1", json::object()), current_set);
    bool mine = same_entry(e, opts.field_manager, "Update", opts.subresource) &&
                sval(e, "apiVersion", "") == gvk.api_version();
    if (mine) {
      tree_union(fields, changed);
      e["time"] = now_rfc3339(opts);
      found = true;
    } else if (sval(e, "subresource", "") == opts.subresource) {
      fields = tree_subtract(fields, changed);
    }
    e["fieldsV1"] = std::move(fields);
    out.push_back(std::move(e));
  }
  if (!found && !changed.empty()) out.push_back(make_entry(opts.field_manager, "Update", gvk, opts, changed));
  store_entries(updated, std::move(out));
}

}  // namespace skiff::apimachinery
