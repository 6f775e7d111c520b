// ControllerRefManager: which dependents an owner controls. Matching orphans
// are adopted, owned objects whose labels no longer match are released, and
// objects controlled by someone else are left alone.
#pragma once
#include <vector>

#include "controllers/actions.h"
#include "controllers/label_selector.h"

namespace skiff::controllers {

struct Claimed {
  std::vector<const Json*> objects;  // controlled by the owner after the patches below
  std::vector<Action> patches;       // adopt / release
};

Claimed claim_objects(const Json& owner, const LabelSelector& selector, const std::vector<const Json*>& candidates);

// Patch bodies (strategic merge on ownerReferences, keyed by uid).
Json adopt_patch(const Json& owner, const Json& object);
Json release_patch(const Json& owner, const Json& object);

}  // namespace skiff::controllers
