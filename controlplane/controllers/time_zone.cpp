#include "controllers/time_zone.h"

#include <algorithm>
#include <climits>
#include <fstream>
#include <iterator>

namespace skiff::controllers {
namespace {
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {  // proleptic Gregorian, 1970-01-01 = 0
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t be64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return static_cast<int64_t>(v);
}
int32_t be32(const unsigned char* p) {
  return static_cast<int32_t>((uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]);
}
}  // namespace

std::shared_ptr<const TimeZone> TimeZone::utc() {
  static auto zone = [] {
    auto z = std::make_shared<TimeZone>();
    z->name_ = "UTC";
    return z;
  }();
  return zone;
}

Result<std::shared_ptr<const TimeZone>> TimeZone::load(const std::string& name, const std::string& dir) {
  if (name.empty() || name == "UTC" || name == "Etc/UTC") return utc();
  if (name.front() == '/' || name.find("..") != std::string::npos || name.find('\\') != std::string::npos)
    return fail("invalid time zone name \"" + name + "\"");
  std::ifstream in(dir + "/" + name, std::ios::binary);
  if (!in) return fail("unknown time zone " + name);
  std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&] { return fail("time zone " + name + ": not a TZif file"); };
  if (data.size() < 44 || std::string(data.begin(), data.begin() + 4) != "TZif") return bad();
  auto counts = [&](std::size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = be32(&data[at + 20 + 4 * static_cast<std::size_t>(i)]);
  };
  // counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  int64_t c[6];
  counts(0, c);
  std::size_t at = 44;
  bool v2 = data[4] >= '2';
  int time_size = 4;
  if (v2) {
    at += static_cast<std::size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (data.size() < at + 44 || std::string(data.begin() + static_cast<long>(at), data.begin() + static_cast<long>(at) + 4) != "TZif")
      return bad();
    counts(at, c);
    at += 44;
    time_size = 8;
  }
  const int64_t timecnt = c[3], typecnt = c[4];
  std::size_t need = at + static_cast<std::size_t>(timecnt * time_size + timecnt + typecnt * 6);
  if (typecnt < 1 || data.size() < need) return bad();
  auto zone = std::make_shared<TimeZone>();
  zone->name_ = name;
  std::vector<int> type_offsets;
  std::vector<bool> type_dst;
  std::size_t types_at = at + static_cast<std::size_t>(timecnt * time_size + timecnt);
  for (int64_t i = 0; i < typecnt; ++i) {
    type_offsets.push_back(be32(&data[types_at + static_cast<std::size_t>(i) * 6]));
    type_dst.push_back(data[types_at + static_cast<std::size_t>(i) * 6 + 4] != 0);
  }
  for (int64_t i = 0; i < timecnt; ++i) {
    std::size_t p = at + static_cast<std::size_t>(i * time_size);
    int64_t t = time_size == 8 ? be64(&data[p]) : be32(&data[p]);
    unsigned idx = data[at + static_cast<std::size_t>(timecnt * time_size + i)];
    if (idx >= type_offsets.size()) return bad();
    zone->transitions_.push_back(t);
    zone->offsets_after_.push_back(type_offsets[idx]);
  }
  // Before the first transition: the first standard-time type (Go's rule).
  zone->initial_offset_ = type_offsets[0];
  for (std::size_t i = 0; i < type_dst.size(); ++i)
    if (!type_dst[i]) {
      zone->initial_offset_ = type_offsets[i];
      break;
    }
  return std::shared_ptr<const TimeZone>(std::move(zone));
}

TimeZone::Span TimeZone::lookup(int64_t utc) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
  if (it == transitions_.begin())
    return {initial_offset_, INT64_MIN, transitions_.empty() ? INT64_MAX : transitions_.front()};
  std::size_t i = static_cast<std::size_t>(it - transitions_.begin()) - 1;
  // After the last transition the last offset holds (TZif files written
  // "fat" list transitions to 2037; the POSIX footer rule is not read).
  return {offsets_after_[i], transitions_[i], i + 1 < transitions_.size() ? transitions_[i + 1] : INT64_MAX};
}

LocalTime TimeZone::to_local(Time t) const {
  int64_t utc = t.time_since_epoch().count();
  int offset = lookup(utc).offset;
  int64_t local = utc + offset;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int64_t secs = local - days * 86400;
  std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  LocalTime lt;
  lt.year = static_cast<int>(ymd.year());
  lt.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  lt.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  lt.hour = static_cast<int>(secs / 3600);
  lt.minute = static_cast<int>(secs / 60 % 60);
  lt.second = static_cast<int>(secs % 60);
  lt.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  lt.offset = offset;
  return lt;
}

Time TimeZone::from_local(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
                          int64_t second) const {
  // Normalise the month into the year, then count days and seconds.
  int64_t m0 = month - 1;
  year += m0 >= 0 ? m0 / 12 : (m0 - 11) / 12;
  m0 -= (m0 >= 0 ? m0 / 12 : (m0 - 11) / 12) * 12;
  int64_t unix = (days_from_civil(year, m0 + 1, 1) + day - 1) * 86400 + hour * 3600 + minute * 60 + second;
  // Go: look up the offset as if the wall time were UTC, and look again if
  // the result falls outside that offset's span.
  Span s = lookup(unix);
  if (s.offset != 0) {
    int64_t utc = unix - s.offset;
    int offset = s.offset;
    if (utc < s.start || utc >= s.end) offset = lookup(utc).offset;
    unix -= offset;
  }
  return Time(std::chrono::seconds(unix));
}

}  // namespace skiff::controllers
