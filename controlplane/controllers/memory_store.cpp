#include "controllers/memory_store.h"

#include "controllers/names.h"
#include "controllers/object_util.h"

namespace skiff::controllers {
namespace {
std::string key(std::string_view ns, std::string_view name) {
  std::string k(ns);
  k += '/';
  k += name;
  return k;
}

// Strategic merge of metadata.ownerReferences (merge key uid, $patch: delete);
// everything else as a JSON merge patch.
void apply_patch(Json& target, Json patch, std::string_view type) {
  if (type == kStrategicMergePatch) {
    Json* refs_patch = nullptr;
    if (patch.contains("metadata") && patch["metadata"].contains("ownerReferences"))
      refs_patch = &patch["metadata"]["ownerReferences"];
    if (refs_patch && refs_patch->is_array()) {
      Json& refs = target["metadata"]["ownerReferences"];
      if (!refs.is_array()) refs = Json::array();
      for (const auto& r : *refs_patch) {
        std::string uid = str(field(r, "uid"));
        Json merged = Json::array();
        bool found = false;
        for (auto& existing : refs) {
          if (str(field(existing, "uid")) != uid) {
            merged.push_back(existing);
            continue;
          }
          found = true;
          if (str(field(r, "$patch")) == "delete") continue;
          existing.merge_patch(r);
          merged.push_back(existing);
        }
        if (!found && str(field(r, "$patch")) != "delete") merged.push_back(r);
        refs = std::move(merged);
      }
      if (refs.empty()) target["metadata"].erase("ownerReferences");
      patch["metadata"].erase("ownerReferences");
    }
    if (patch.contains("metadata")) patch["metadata"].erase("uid");  // precondition, not a change
  }
  target.merge_patch(patch);
}
}  // namespace

std::vector<const Json*> MemoryStore::list(std::string_view kind, std::string_view ns) const {
  std::vector<const Json*> out;
  auto it = kinds_.find(kind);
  if (it == kinds_.end()) return out;
  if (ns.empty()) {
    for (const auto& [k, v] : it->second) out.push_back(&v);
    return out;
  }
  std::string prefix = key(ns, "");
  for (auto o = it->second.lower_bound(prefix); o != it->second.end() && o->first.starts_with(prefix); ++o)
    out.push_back(&o->second);
  return out;
}

const Json* MemoryStore::get(std::string_view kind, std::string_view ns, std::string_view name) const {
  auto it = kinds_.find(kind);
  if (it == kinds_.end()) return nullptr;
  auto o = it->second.find(key(ns, name));
  return o == it->second.end() ? nullptr : &o->second;
}

Json* MemoryStore::get_mutable(std::string_view kind, std::string_view ns, std::string_view name) {
  return const_cast<Json*>(get(kind, ns, name));
}

Json& MemoryStore::put(Json object, Time now) {
  Json& meta = object["metadata"];
  if (!meta.contains("uid")) meta["uid"] = "uid-" + std::to_string(next_uid_++);
  if (!meta.contains("creationTimestamp")) meta["creationTimestamp"] = format_time(now);
  if (!meta.contains("generation")) meta["generation"] = 1;
  meta["resourceVersion"] = std::to_string(++resource_version_);
  std::string k = key(namespace_of(object), name_of(object));
  Json& slot = kinds_[str(field(object, "kind"))][k];
  slot = std::move(object);
  return slot;
}

bool MemoryStore::erase(std::string_view kind, std::string_view ns, std::string_view name) {
  auto it = kinds_.find(kind);
  return it != kinds_.end() && it->second.erase(key(ns, name)) > 0;
}

std::size_t MemoryStore::size(std::string_view kind) const {
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? 0 : it->second.size();
}

Result<> MemoryStore::apply(const Action& a, Time now) {
  std::string what = a.kind + " " + a.ns + "/" + a.name;
  switch (a.verb) {
    case Verb::Create: {
      Json object = a.object;
      if (name_of(object).empty()) {
        std::string prefix = str(path(object, {"metadata", "generateName"}));
        if (prefix.empty()) return fail("create " + a.kind + ": no name and no generateName");
        do {
          object["metadata"]["name"] = prefix + generated_names_.suffix();
        } while (get(a.kind, namespace_of(object), name_of(object)));
      }
      if (get(a.kind, namespace_of(object), name_of(object)))
        return fail(a.kind + " \"" + name_of(object) + "\" already exists (AlreadyExists)");
      object["metadata"].erase("uid");
      object["metadata"].erase("creationTimestamp");
      object["metadata"].erase("generation");
      put(std::move(object), now);
      return {};
    }
    case Verb::Event: {
      put(a.object, now);
      return {};
    }
    case Verb::Update:
    case Verb::UpdateStatus: {
      Json* cur = get_mutable(a.kind, a.ns, a.name);
      if (!cur) return fail(what + " not found (NotFound)");
      std::string rv = str(path(a.object, {"metadata", "resourceVersion"}));
      if (!rv.empty() && rv != str(path(*cur, {"metadata", "resourceVersion"})))
        return fail(what + ": the object has been modified (Conflict)");
      Json next = *cur;
      if (a.verb == Verb::UpdateStatus) {
        next["status"] = field(a.object, "status");
      } else {
        Json status = field(*cur, "status");
        next = a.object;
        next["status"] = status;
        if (status.is_null()) next.erase("status");
        next["metadata"]["uid"] = (*cur)["metadata"]["uid"];
        next["metadata"]["creationTimestamp"] = (*cur)["metadata"]["creationTimestamp"];
        int64_t gen = generation_of(*cur);
        next["metadata"]["generation"] = field(next, "spec") != field(*cur, "spec") ? gen + 1 : gen;
      }
      next["metadata"]["resourceVersion"] = std::to_string(++resource_version_);
      *cur = std::move(next);
      return {};
    }
    case Verb::Patch: {
      Json* cur = get_mutable(a.kind, a.ns, a.name);
      if (!cur) return fail(what + " not found (NotFound)");
      if (!a.uid.empty() && uid_of(*cur) != a.uid) return fail(what + ": uid precondition failed (Conflict)");
      Json before_spec = field(*cur, "spec");
      apply_patch(*cur, a.object, a.patch_type);
      if (field(*cur, "spec") != before_spec) (*cur)["metadata"]["generation"] = generation_of(*cur) + 1;
      (*cur)["metadata"]["resourceVersion"] = std::to_string(++resource_version_);
      // The last finalizer of an object being deleted removed: it goes.
      const Json& finalizers = path(*cur, {"metadata", "finalizers"});
      if (being_deleted(*cur) && (!finalizers.is_array() || finalizers.empty())) erase(a.kind, a.ns, a.name);
      return {};
    }
    case Verb::Delete: {
      Json* cur = get_mutable(a.kind, a.ns, a.name);
      if (!cur) return fail(what + " not found (NotFound)");
      if (!a.uid.empty() && uid_of(*cur) != a.uid) return fail(what + ": uid precondition failed (Conflict)");
      const Json& finalizers = path(*cur, {"metadata", "finalizers"});
      if (finalizers.is_array() && !finalizers.empty()) {
        if (!being_deleted(*cur)) (*cur)["metadata"]["deletionTimestamp"] = format_time(now);
        return {};
      }
      erase(a.kind, a.ns, a.name);
      return {};
    }
  }
  return fail("unknown verb");
}

std::size_t MemoryStore::apply_all(const std::vector<Action>& actions, Time now) {
  std::size_t failed = 0;
  for (const auto& a : actions)
    if (!apply(a, now)) ++failed;
  return failed;
}

}  // namespace skiff::controllers
