#include "controllers/object_util.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace skiff::controllers {
namespace {
const Json kNull = nullptr;
}

const Json& field(const Json& object, std::string_view key) {
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

const Json& path(const Json& object, std::initializer_list<std::string_view> keys) {
  const Json* cur = &object;
  for (auto k : keys) {
    cur = &field(*cur, k);
    if (cur->is_null()) return kNull;
  }
  return *cur;
}

std::string str(const Json& value, std::string_view fallback) {
  return value.is_string() ? value.get<std::string>() : std::string(fallback);
}
int64_t integer(const Json& value, int64_t fallback) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) return static_cast<int64_t>(value.get<double>());
  return fallback;
}
bool boolean(const Json& value, bool fallback) { return value.is_boolean() ? value.get<bool>() : fallback; }

std::string name_of(const Json& o) { return str(path(o, {"metadata", "name"})); }
std::string namespace_of(const Json& o) { return str(path(o, {"metadata", "namespace"})); }
std::string uid_of(const Json& o) { return str(path(o, {"metadata", "uid"})); }
int64_t generation_of(const Json& o) { return integer(path(o, {"metadata", "generation"}), 0); }
const Json& labels_of(const Json& o) { return path(o, {"metadata", "labels"}); }
const Json& annotations_of(const Json& o) { return path(o, {"metadata", "annotations"}); }
std::string annotation(const Json& o, std::string_view key) { return str(field(annotations_of(o), key)); }
bool has_annotation(const Json& o, std::string_view key) { return field(annotations_of(o), key).is_string(); }
bool being_deleted(const Json& o) { return !path(o, {"metadata", "deletionTimestamp"}).is_null(); }
std::optional<Time> creation_time(const Json& o) {
  return parse_time(str(path(o, {"metadata", "creationTimestamp"})));
}

std::optional<Time> parse_time(std::string_view text) {
  if (text.size() < 19) return std::nullopt;
  std::string s(text);
  int y, mo, d, h, mi, sec;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6 ||
      consumed != 19)
    return std::nullopt;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;  // sub-second part dropped
  }
  int offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset = (oh * 60 + om) * 60 * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  using namespace std::chrono;
  auto days = sys_days(year_month_day(year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))));
  return Time(days) + hours(h) + minutes(mi) + seconds(sec) - seconds(offset);
}

std::string format_time(Time t) {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(t);
  year_month_day ymd(days);
  hh_mm_ss hms(t - days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  return buf;
}

const Json* controller_ref(const Json& o) {
  const Json& refs = path(o, {"metadata", "ownerReferences"});
  if (!refs.is_array()) return nullptr;
  for (const auto& r : refs)
    if (boolean(field(r, "controller"), false)) return &r;
  return nullptr;
}

bool controlled_by(const Json& o, const Json& owner) {
  const Json* ref = controller_ref(o);
  return ref && str(field(*ref, "uid")) == uid_of(owner) && !uid_of(owner).empty();
}

Json make_controller_ref(const Json& owner) {
  return Json{{"apiVersion", str(field(owner, "apiVersion"))},
              {"kind", str(field(owner, "kind"))},
              {"name", name_of(owner)},
              {"uid", uid_of(owner)},
              {"controller", true},
              {"blockOwnerDeletion", true}};
}

const Json* find_condition(const Json& status, std::string_view type) {
  const Json& conds = field(status, "conditions");
  if (!conds.is_array()) return nullptr;
  for (const auto& c : conds)
    if (str(field(c, "type")) == type) return &c;
  return nullptr;
}

bool set_condition(Json& status, std::string_view type, std::string_view cond_status, std::string_view reason,
                   std::string_view message, Time now, bool with_update_time) {
  if (!status.is_object()) status = Json::object();
  Json& conds = status["conditions"];
  if (!conds.is_array()) conds = Json::array();
  Json cond{{"type", type}, {"status", cond_status}, {"reason", reason}, {"message", message}};
  if (with_update_time) cond["lastUpdateTime"] = format_time(now);
  cond["lastTransitionTime"] = format_time(now);
  for (auto it = conds.begin(); it != conds.end(); ++it) {
    if (str(field(*it, "type")) != type) continue;
    if (str(field(*it, "status")) == cond_status && str(field(*it, "reason")) == reason) return false;
    if (str(field(*it, "status")) == cond_status && field(*it, "lastTransitionTime").is_string())
      cond["lastTransitionTime"] = (*it)["lastTransitionTime"];
    conds.erase(it);
    break;
  }
  conds.push_back(std::move(cond));
  return true;
}

bool remove_condition(Json& status, std::string_view type) {
  Json& conds = status["conditions"];
  if (!conds.is_array()) {
    status.erase("conditions");
    return false;
  }
  for (auto it = conds.begin(); it != conds.end(); ++it)
    if (str(field(*it, "type")) == type) {
      conds.erase(it);
      return true;
    }
  return false;
}

std::optional<int64_t> scaled_int_or_percent(const Json& value, int64_t total, bool round_up) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (!value.is_string()) return std::nullopt;
  std::string s = value.get<std::string>();
  if (s.empty() || s.back() != '%') {
    // A bare number in a string is not valid for these fields in Kubernetes.
    return std::nullopt;
  }
  s.pop_back();
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  int64_t pct = std::stoll(s);
  double v = static_cast<double>(pct) * static_cast<double>(total) / 100.0;
  return static_cast<int64_t>(round_up ? std::ceil(v) : std::floor(v));
}

}  // namespace skiff::controllers
