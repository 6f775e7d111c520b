#include "controllers/actions.h"

#include <atomic>
#include <cstdio>

#include "controllers/object_util.h"

namespace skiff::controllers {

std::string_view verb_name(Verb verb) {
  switch (verb) {
    case Verb::Create: return "create";
    case Verb::Update: return "update";
    case Verb::UpdateStatus: return "update-status";
    case Verb::Patch: return "patch";
    case Verb::Delete: return "delete";
    case Verb::Event: return "event";
  }
  return "?";
}

std::size_t ReconcileResult::count(Verb verb, std::string_view kind) const {
  std::size_t n = 0;
  for (const auto& a : actions)
    if (a.verb == verb && (kind.empty() || a.kind == kind)) ++n;
  return n;
}

namespace {
Action target_action(Verb verb, const Json& object) {
  Action a;
  a.verb = verb;
  a.api_version = str(field(object, "apiVersion"));
  a.kind = str(field(object, "kind"));
  a.ns = namespace_of(object);
  a.name = name_of(object);
  a.uid = uid_of(object);
  return a;
}
}  // namespace

Action make_event(const Json& involved, std::string_view type, std::string_view reason, std::string message,
                  Time now, std::string_view component) {
  // Event names are <object>.<unique hex>, as client-go's recorder makes them.
  static std::atomic<uint64_t> sequence{0};
  char suffix[32];
  uint64_t nanos = static_cast<uint64_t>(now.time_since_epoch().count()) * 1000000000ull + (sequence++ % 1000000000ull);
  std::snprintf(suffix, sizeof suffix, ".%llx", static_cast<unsigned long long>(nanos));
  std::string ns = namespace_of(involved);
  if (ns.empty()) ns = "default";
  std::string ts = format_time(now);
  Action a;
  a.verb = Verb::Event;
  a.api_version = "v1";
  a.kind = "Event";
  a.ns = ns;
  a.name = name_of(involved) + suffix;
  a.object = Json{{"apiVersion", "v1"},
                  {"kind", "Event"},
                  {"metadata", {{"name", a.name}, {"namespace", ns}}},
                  {"involvedObject",
                   {{"apiVersion", str(field(involved, "apiVersion"))},
                    {"kind", str(field(involved, "kind"))},
                    {"namespace", namespace_of(involved)},
                    {"name", name_of(involved)},
                    {"uid", uid_of(involved)},
                    {"resourceVersion", str(path(involved, {"metadata", "resourceVersion"}))}}},
                  {"type", type},
                  {"reason", reason},
                  {"message", std::move(message)},
                  {"source", {{"component", component}}},
                  {"reportingComponent", component},
                  {"reportingInstance", ""},
                  {"firstTimestamp", ts},
                  {"lastTimestamp", ts},
                  {"count", 1}};
  return a;
}

Action make_create(Json object) {
  Action a = target_action(Verb::Create, object);
  a.object = std::move(object);
  return a;
}
Action make_update(const Json& object) {
  Action a = target_action(Verb::Update, object);
  a.object = object;
  return a;
}
Action make_update_status(const Json& object) {
  Action a = target_action(Verb::UpdateStatus, object);
  a.object = object;
  return a;
}
Action make_delete(const Json& object) {
  Action a = target_action(Verb::Delete, object);
  a.object = Json{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"preconditions", {{"uid", a.uid}}}};
  return a;
}
Action make_patch(const Json& target, std::string_view patch_type, Json patch) {
  Action a = target_action(Verb::Patch, target);
  a.patch_type = patch_type;
  a.object = std::move(patch);
  return a;
}

}  // namespace skiff::controllers
