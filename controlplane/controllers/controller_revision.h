// ControllerRevisions as StatefulSet and DaemonSet keep them: data is the
// strategic-merge patch {"spec":{"template":{...,"$patch":"replace"}}}, the
// name <owner>-<hash of data and collision count>, revision numbers
// increasing; an equal older revision is reused with the next number (a
// rollback), and history beyond revisionHistoryLimit is truncated.
#pragma once
#include <vector>

#include "controllers/actions.h"

namespace skiff::controllers {

inline constexpr std::string_view kControllerRevisionHashLabel = "controller.kubernetes.io/hash";

struct Revisions {
  Json current;  // the revision the current replicas run
  Json update;   // the revision of the present template
  std::vector<Action> actions;  // create/update of revisions, history truncation
  std::vector<Json> all;        // owned revisions after the actions
};

// `owner_kind`: "StatefulSet" / "DaemonSet"; `current_name` from
// status.currentRevision (or empty); `in_use`: revision names pods still run.
Revisions sync_revisions(const Json& owner, const std::string& current_name, const std::vector<std::string>& in_use,
                         const Context& ctx);

// The pod template a revision holds.
Json template_of_revision(const Json& revision);
Json revision_patch(const Json& owner);

}  // namespace skiff::controllers
