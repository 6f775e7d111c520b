#include "controllers/owner_claims.h"

#include "controllers/object_util.h"

namespace skiff::controllers {

Json adopt_patch(const Json& owner, const Json& object) {
  return Json{{"metadata", {{"ownerReferences", Json::array({make_controller_ref(owner)})}, {"uid", uid_of(object)}}}};
}

Json release_patch(const Json& owner, const Json& object) {
  return Json{{"metadata",
               {{"ownerReferences", Json::array({Json{{"$patch", "delete"}, {"uid", uid_of(owner)}}})},
                {"uid", uid_of(object)}}}};
}

Claimed claim_objects(const Json& owner, const LabelSelector& selector, const std::vector<const Json*>& candidates) {
  Claimed out;
  const bool owner_deleting = being_deleted(owner);
  for (const Json* o : candidates) {
    const Json* ref = controller_ref(*o);
    bool match = selector.matches(labels_of(*o));
    if (ref) {
      if (str(field(*ref, "uid")) != uid_of(owner)) continue;  // someone else's
      if (match) {
        out.objects.push_back(o);
      } else if (!owner_deleting && !being_deleted(*o)) {
        out.patches.push_back(make_patch(*o, kStrategicMergePatch, release_patch(owner, *o)));
      }
      continue;
    }
    if (owner_deleting || !match || being_deleted(*o)) continue;
    out.patches.push_back(make_patch(*o, kStrategicMergePatch, adopt_patch(owner, *o)));
    out.objects.push_back(o);
  }
  return out;
}

}  // namespace skiff::controllers
