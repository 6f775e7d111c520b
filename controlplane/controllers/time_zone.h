// IANA time zones read from the system's TZif files (/usr/share/zoneinfo),
// with Go's time.Date semantics for turning local wall-clock fields into an
// instant, so that cron schedules step through DST changes as
// kube-controller-manager's (robfig/cron) do. libstdc++ 12 has no tzdb.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "controllers/actions.h"
#include "skiff/util/result.h"

namespace skiff::controllers {

struct LocalTime {
  int year, month, day, hour, minute, second;  // month 1-12, day 1-31
  int weekday;                                 // 0 = Sunday
  int offset;                                  // seconds east of UTC
};

class TimeZone {
 public:
  static std::shared_ptr<const TimeZone> utc();
  // An IANA name ("Europe/Berlin"); fails on unknown or malformed names.
  static Result<std::shared_ptr<const TimeZone>> load(const std::string& name,
                                                      const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

  const std::string& name() const { return name_; }
  LocalTime to_local(Time t) const;
  // time.Date(year, month, day, hour, min, sec, 0, loc): fields may overflow
  // and are normalised; wall times in a DST gap or overlap resolve as Go does.
  Time from_local(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute, int64_t second) const;

 private:
  struct Span {
    int offset;
    int64_t start, end;  // [start, end) in UTC seconds
  };
  Span lookup(int64_t utc) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // UTC seconds
  std::vector<int> offsets_after_;    // offset in force from transitions_[i]
  int initial_offset_ = 0;
};

}  // namespace skiff::controllers
