// Standard five-field cron schedules as CronJob accepts them (robfig/cron v3
// ParseStandard): minute hour day-of-month month day-of-week, with lists,
// ranges, steps, month and weekday names, "?" and the @yearly/@annually,
// @monthly, @weekly, @daily/@midnight, @hourly descriptors. Next() follows
// robfig's search, including its behaviour across DST changes.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "controllers/time_zone.h"
#include "skiff/util/result.h"

namespace skiff::controllers {

class CronSchedule {
 public:
  static Result<CronSchedule> parse(const std::string& spec);

  // The first activation strictly after `t` in `zone`, or nullopt when none
  // within five years (e.g. "0 0 30 2 *").
  std::optional<Time> next(Time t, const TimeZone& zone) const;

 private:
  bool day_matches(const LocalTime& lt) const;
  uint64_t minute_ = 0, hour_ = 0, dom_ = 0, month_ = 0, dow_ = 0;
};

}  // namespace skiff::controllers
