#include "controllers/cron_schedule.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace skiff::controllers {
namespace {
constexpr uint64_t kStar = 1ull << 63;

struct Bounds {
  int min, max;
  const char* const* names;  // indexed from min
  int name_count;
};
const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
const char* const kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

Result<int> parse_value(const std::string& text, const Bounds& b, const std::string& field) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (int i = 0; i < b.name_count; ++i)
    if (lower == b.names[i]) return b.min + i;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 6)
    return fail("failed to parse " + field + " value \"" + text + "\"");
  return std::stoi(text);
}

Result<uint64_t> parse_field(const std::string& expr, const Bounds& b, const std::string& field) {
  uint64_t bits = 0;
  for (const auto& part : split(expr, ',')) {
    auto range_step = split(part, '/');
    if (range_step.empty() || range_step.size() > 2) return fail("too many slashes in " + field + ": \"" + part + "\"");
    auto low_high = split(range_step[0], '-');
    int start, end, step = 1;
    uint64_t extra = 0;
    bool single = low_high.size() == 1;
    if (range_step[0] == "*" || range_step[0] == "?") {
      start = b.min;
      end = b.max;
      extra = kStar;
    } else {
      if (low_high.size() > 2) return fail("too many hyphens in " + field + ": \"" + part + "\"");
      auto s = parse_value(low_high[0], b, field);
      if (!s) return std::unexpected(s.error());
      start = *s;
      end = start;
      if (low_high.size() == 2) {
        auto e = parse_value(low_high[1], b, field);
        if (!e) return std::unexpected(e.error());
        end = *e;
      }
    }
    if (range_step.size() == 2) {
      if (range_step[1].empty() || range_step[1].find_first_not_of("0123456789") != std::string::npos ||
          range_step[1].size() > 6)
        return fail("failed to parse step in " + field + ": \"" + part + "\"");
      step = std::stoi(range_step[1]);
      if (step == 0) return fail("step of range should be a positive number: \"" + part + "\"");
      if (single && extra == 0) end = b.max;  // "N/step" means "N-max/step"
      if (step > 1) extra = 0;
    }
    if (start < b.min) return fail(field + " beginning of range (" + std::to_string(start) + ") below minimum (" + std::to_string(b.min) + "): \"" + part + "\"");
    if (end > b.max) return fail(field + " end of range (" + std::to_string(end) + ") above maximum (" + std::to_string(b.max) + "): \"" + part + "\"");
    if (start > end) return fail(field + " beginning of range (" + std::to_string(start) + ") beyond end of range (" + std::to_string(end) + "): \"" + part + "\"");
    for (int i = start; i <= end; i += step) bits |= 1ull << i;
    bits |= extra;
  }
  return bits;
}
}  // namespace

Result<CronSchedule> CronSchedule::parse(const std::string& raw) {
  std::string spec = raw;
  while (!spec.empty() && std::isspace(static_cast<unsigned char>(spec.front()))) spec.erase(spec.begin());
  while (!spec.empty() && std::isspace(static_cast<unsigned char>(spec.back()))) spec.pop_back();
  if (spec.empty()) return fail("empty spec string");
  if (spec.starts_with("TZ=") || spec.starts_with("CRON_TZ="))
    return fail("cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
  if (spec[0] == '@') {
    static const std::pair<const char*, const char*> kDescriptors[] = {
        {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
        {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"}};
    for (auto [name, expansion] : kDescriptors)
      if (spec == name) return parse(expansion);
    if (spec.starts_with("@every")) return fail("@every schedules are not supported: \"" + spec + "\"");
    return fail("unrecognized descriptor: " + spec);
  }
  std::vector<std::string> fields;
  std::istringstream in(spec);
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() != 5)
    return fail("expected exactly 5 fields, found " + std::to_string(fields.size()) + ": " + spec);
  CronSchedule s;
  struct {
    uint64_t* out;
    Bounds b;
    const char* name;
  } parts[] = {{&s.minute_, {0, 59, nullptr, 0}, "minute"},
               {&s.hour_, {0, 23, nullptr, 0}, "hour"},
               {&s.dom_, {1, 31, nullptr, 0}, "day of month"},
               {&s.month_, {1, 12, kMonths, 12}, "month"},
               {&s.dow_, {0, 6, kDays, 7}, "day of week"}};
  for (std::size_t i = 0; i < 5; ++i) {
    auto bits = parse_field(fields[i], parts[i].b, parts[i].name);
    if (!bits) return std::unexpected(bits.error());
    *parts[i].out = *bits;
  }
  return s;
}

bool CronSchedule::day_matches(const LocalTime& lt) const {
  bool dom = (dom_ >> lt.day) & 1, dow = (dow_ >> lt.weekday) & 1;
  if ((dom_ & kStar) || (dow_ & kStar)) return dom && dow;
  return dom || dow;
}

std::optional<Time> CronSchedule::next(Time from, const TimeZone& zone) const {
  using std::chrono::seconds;
  Time t = from + seconds(1);
  bool added = false;
  LocalTime lt = zone.to_local(t);
  const int year_limit = lt.year + 5;
  auto add_date = [&](int months, int days) {  // Go's AddDate on wall-clock fields
    LocalTime l = zone.to_local(t);
    t = zone.from_local(l.year, l.month + months, l.day + days, l.hour, l.minute, l.second);
  };
wrap:
  lt = zone.to_local(t);
  if (lt.year > year_limit) return std::nullopt;
  while (!((month_ >> lt.month) & 1)) {
    if (!added) {
      added = true;
      t = zone.from_local(lt.year, lt.month, 1, 0, 0, 0);
    }
    add_date(1, 0);
    lt = zone.to_local(t);
    if (lt.month == 1) goto wrap;
  }
  while (!day_matches(lt)) {
    if (!added) {
      added = true;
      t = zone.from_local(lt.year, lt.month, lt.day, 0, 0, 0);
    }
    add_date(0, 1);
    lt = zone.to_local(t);
    // Midnight may have moved by DST: back to it.
    if (lt.hour != 0) t += lt.hour > 12 ? seconds((24 - lt.hour) * 3600) : seconds(-lt.hour * 3600);
    lt = zone.to_local(t);
    if (lt.day == 1) goto wrap;
  }
  while (!((hour_ >> lt.hour) & 1)) {
    if (!added) {
      added = true;
      t = zone.from_local(lt.year, lt.month, lt.day, lt.hour, 0, 0);
    }
    t += seconds(3600);
    lt = zone.to_local(t);
    if (lt.hour == 0) goto wrap;
  }
  while (!((minute_ >> lt.minute) & 1)) {
    if (!added) {
      added = true;
      t -= seconds(t.time_since_epoch().count() % 60);
    }
    t += seconds(60);
    lt = zone.to_local(t);
    if (lt.minute == 0) goto wrap;
  }
  if (lt.second != 0) {  // seconds field is always 0 in the standard format
    if (!added) added = true;
    t += seconds(60 - lt.second);
    goto wrap;
  }
  return t;
}

}  // namespace skiff::controllers
