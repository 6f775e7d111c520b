// Small accessors over Kubernetes objects held as JSON: metadata, times,
// owner references, conditions, int-or-percent values. Missing fields read as
// their API defaults so the controllers never throw on sparse objects.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controllers/actions.h"

namespace skiff::controllers {

const Json& field(const Json& object, std::string_view key);  // null when absent
const Json& path(const Json& object, std::initializer_list<std::string_view> keys);

std::string str(const Json& value, std::string_view fallback = {});
int64_t integer(const Json& value, int64_t fallback);
bool boolean(const Json& value, bool fallback);

std::string name_of(const Json& object);
std::string namespace_of(const Json& object);
std::string uid_of(const Json& object);
int64_t generation_of(const Json& object);
const Json& labels_of(const Json& object);       // object or null
const Json& annotations_of(const Json& object);  // object or null
std::string annotation(const Json& object, std::string_view key);
bool has_annotation(const Json& object, std::string_view key);
bool being_deleted(const Json& object);  // metadata.deletionTimestamp set
std::optional<Time> creation_time(const Json& object);

// RFC 3339 ("2026-11-23T12:15:13Z", fractions and offsets accepted).
std::optional<Time> parse_time(std::string_view text);
std::string format_time(Time t);

// Owner references.
const Json* controller_ref(const Json& object);  // the ownerReference with controller=true
bool controlled_by(const Json& object, const Json& owner);
Json make_controller_ref(const Json& owner);  // controller=true, blockOwnerDeletion=true

// Conditions (status.conditions by type).
const Json* find_condition(const Json& status, std::string_view type);
// Sets a condition as Kubernetes' SetXCondition helpers do: an identical
// status+reason is left alone (returns false); a same-status change keeps the
// old lastTransitionTime. `with_update_time` adds lastUpdateTime (apps/v1
// Deployment conditions have it, most others do not).
bool set_condition(Json& status, std::string_view type, std::string_view cond_status,
                   std::string_view reason, std::string_view message, Time now,
                   bool with_update_time = false);
bool remove_condition(Json& status, std::string_view type);

// intstr.GetScaledValueFromIntOrPercent: "25%" of total, rounded up or down.
// Invalid values yield nullopt.
std::optional<int64_t> scaled_int_or_percent(const Json& value, int64_t total, bool round_up);

}  // namespace skiff::controllers
