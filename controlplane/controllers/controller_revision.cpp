#include "controllers/controller_revision.h"

#include <algorithm>

#include "controllers/names.h"
#include "controllers/object_util.h"

namespace skiff::controllers {

Json revision_patch(const Json& owner) {
  Json tmpl = path(owner, {"spec", "template"});
  if (!tmpl.is_object()) tmpl = Json::object();
  tmpl["$patch"] = "replace";
  return Json{{"spec", {{"template", tmpl}}}};
}

Json template_of_revision(const Json& revision) {
  Json t = path(revision, {"data", "spec", "template"});
  if (t.is_object()) t.erase("$patch");
  return t;
}

Revisions sync_revisions(const Json& owner, const std::string& current_name, const std::vector<std::string>& in_use,
                         const Context& ctx) {
  Revisions out;
  std::vector<Json> revs;
  for (const Json* r : ctx.store.list("ControllerRevision", namespace_of(owner)))
    if (controlled_by(*r, owner)) revs.push_back(*r);
  std::sort(revs.begin(), revs.end(), [](const Json& a, const Json& b) {
    int64_t ra = integer(field(a, "revision"), 0), rb = integer(field(b, "revision"), 0);
    return ra == rb ? name_of(a) < name_of(b) : ra < rb;
  });
  int64_t next = revs.empty() ? 1 : integer(field(revs.back(), "revision"), 0) + 1;
  Json data = revision_patch(owner);
  std::optional<int64_t> collisions;
  if (path(owner, {"status", "collisionCount"}).is_number_integer()) collisions = owner["status"]["collisionCount"].get<int64_t>();

  int equal = -1;
  for (int i = static_cast<int>(revs.size()) - 1; i >= 0; --i)
    if (field(revs[static_cast<std::size_t>(i)], "data") == data) {
      equal = i;
      break;
    }
  if (equal >= 0 && equal == static_cast<int>(revs.size()) - 1) {
    out.update = revs.back();
  } else if (equal >= 0) {
    Json& r = revs[static_cast<std::size_t>(equal)];
    r["revision"] = next;
    out.actions.push_back(make_update(r));
    out.update = r;
  } else {
    uint32_t h = fnv32a(data.dump());
    if (collisions) {
      uint32_t c = static_cast<uint32_t>(*collisions);
      char bytes[8] = {static_cast<char>(c & 0xff), static_cast<char>((c >> 8) & 0xff),
                       static_cast<char>((c >> 16) & 0xff), static_cast<char>((c >> 24) & 0xff), 0, 0, 0, 0};
      h = fnv32a(std::string_view(bytes, 8), h);
    }
    std::string hash = safe_encode(std::to_string(h));
    Json labels = path(owner, {"spec", "template", "metadata", "labels"});
    if (!labels.is_object()) labels = Json::object();
    labels[std::string(kControllerRevisionHashLabel)] = hash;
    Json rev{{"apiVersion", "apps/v1"},
             {"kind", "ControllerRevision"},
             {"metadata",
              {{"name", name_of(owner) + "-" + hash},
               {"namespace", namespace_of(owner)},
               {"labels", labels},
               {"ownerReferences", Json::array({make_controller_ref(owner)})}}},
             {"data", data},
             {"revision", next}};
    out.actions.push_back(make_create(rev));
    out.update = rev;
    revs.push_back(rev);
  }
  for (const auto& r : revs)
    if (!current_name.empty() && name_of(r) == current_name) out.current = r;
  if (out.current.is_null()) out.current = out.update;

  // History: keep live revisions (current, update, those pods run) plus the
  // newest revisionHistoryLimit others.
  int64_t limit = integer(path(owner, {"spec", "revisionHistoryLimit"}), 10);
  std::vector<const Json*> historic;
  for (const auto& r : revs) {
    std::string n = name_of(r);
    if (n == name_of(out.current) || n == name_of(out.update) ||
        std::find(in_use.begin(), in_use.end(), n) != in_use.end())
      continue;
    historic.push_back(&r);
  }
  std::sort(historic.begin(), historic.end(), [](const Json* a, const Json* b) {
    return integer(field(*a, "revision"), 0) < integer(field(*b, "revision"), 0);
  });
  std::size_t drop = historic.size() > static_cast<std::size_t>(std::max<int64_t>(0, limit))
                         ? historic.size() - static_cast<std::size_t>(std::max<int64_t>(0, limit))
                         : 0;
  std::vector<std::string> dropped;
  for (std::size_t i = 0; i < drop; ++i) {
    out.actions.push_back(make_delete(*historic[i]));
    dropped.push_back(name_of(*historic[i]));
  }
  for (auto& r : revs)
    if (std::find(dropped.begin(), dropped.end(), name_of(r)) == dropped.end()) out.all.push_back(std::move(r));
  return out;
}

}  // namespace skiff::controllers
