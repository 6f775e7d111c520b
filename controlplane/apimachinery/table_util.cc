#include "table_util.h"

#include <ctime>

#include "skiff/apimachinery/selectors.h"
#include "skiff/apimachinery/table.h"

namespace skiff::apimachinery {

// pkg/util/duration HumanDuration.
std::string human_duration(std::chrono::seconds d) {
  int64_t seconds = d.count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return std::to_string(seconds) + "s";
  int64_t minutes = seconds / 60;
  if (minutes < 10) {
    int64_t s = seconds % 60;
    return s == 0 ? std::to_string(minutes) + "m" : std::to_string(minutes) + "m" + std::to_string(s) + "s";
  }
  if (minutes < 180) return std::to_string(minutes) + "m";
  int64_t hours = seconds / 3600;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return m == 0 ? std::to_string(hours) + "h" : std::to_string(hours) + "h" + std::to_string(m) + "m";
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    int64_t h = hours % 24;
    return h == 0 ? std::to_string(hours / 24) + "d" : std::to_string(hours / 24) + "d" + std::to_string(h) + "h";
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    int64_t dy = (hours / 24) % 365;
    return dy == 0 ? std::to_string(hours / 24 / 365) + "y"
                   : std::to_string(hours / 24 / 365) + "y" + std::to_string(dy) + "d";
  }
  return std::to_string(hours / 24 / 365) + "y";
}

namespace table {

std::optional<Clock::time_point> parse_time(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  std::tm tm{};
  int offset_sign = 0, oh = 0, om = 0;
  if (s.size() < 19) return std::nullopt;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 6)
    return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.')
    while (++pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {}
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    offset_sign = s[pos] == '+' ? 1 : -1;
    std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &oh, &om);
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t t = timegm(&tm) - offset_sign * (oh * 3600 + om * 60);
  return Clock::from_time_t(t);
}

std::string age(const json& timestamp, Clock::time_point now) {
  auto t = parse_time(timestamp);
  if (!t) return "<unknown>";
  return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *t));
}

const json& at(const json& obj, std::initializer_list<const char*> path) {
  static const json null_json;
  const json* cur = &obj;
  for (const char* k : path) {
    if (!cur->is_object()) return null_json;
    auto it = cur->find(k);
    if (it == cur->end()) return null_json;
    cur = &*it;
  }
  return *cur;
}

std::string str(const json& obj, std::initializer_list<const char*> path, const std::string& dflt) {
  const json& v = at(obj, path);
  return v.is_string() ? v.get<std::string>() : dflt;
}

int64_t num(const json& obj, std::initializer_list<const char*> path, int64_t dflt) {
  const json& v = at(obj, path);
  return v.is_number() ? v.get<int64_t>() : dflt;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::string label_selector_string(const json& selector) {
  if (selector.is_null()) return "<none>";
  auto sel = LabelSelector::from_json(selector);
  if (!sel) return "<error>";
  std::string s = sel->str();
  return s.empty() ? "<none>" : s;
}

std::string map_selector_string(const json& m) {
  if (!m.is_object() || m.empty()) return "<none>";
  std::vector<std::string> parts;
  for (const auto& [k, v] : m.items()) parts.push_back(k + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
  return join(parts, ",");
}

json json_path(const json& obj, const std::string& path) {
  std::string p = path;
  if (!p.empty() && p.front() == '{' && p.back() == '}') p = p.substr(1, p.size() - 2);
  const json* cur = &obj;
  size_t i = 0;
  if (i < p.size() && p[i] == '.') ++i;
  while (i < p.size() && cur) {
    if (p[i] == '[') {
      size_t close = p.find(']', i);
      if (close == std::string::npos) return nullptr;
      std::string inner = p.substr(i + 1, close - i - 1);
      i = close + 1;
      if (!cur->is_array()) return nullptr;
      if (inner.rfind("?(@.", 0) == 0) {
        size_t eq = inner.find("==");
        if (eq == std::string::npos) return nullptr;
        std::string key = inner.substr(4, eq - 4);
        std::string want = inner.substr(eq + 2);
        if (!want.empty() && want.back() == ')') want.pop_back();
        if (want.size() >= 2 && (want.front() == '"' || want.front() == '\'')) want = want.substr(1, want.size() - 2);
        const json* found = nullptr;
        for (const auto& item : *cur)
          if (item.is_object() && item.contains(key) && item[key].is_string() && item[key] == want) {
            found = &item;
            break;
          }
        cur = found;
      } else {
        try {
          size_t idx = std::stoul(inner);
          cur = idx < cur->size() ? &(*cur)[idx] : nullptr;
        } catch (...) {
          return nullptr;
        }
      }
    } else {
      if (p[i] == '.') ++i;
      size_t end = p.find_first_of(".[", i);
      std::string key = p.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? p.size() : end;
      if (!cur->is_object() || !cur->contains(key)) return nullptr;
      cur = &(*cur)[key];
    }
  }
  return cur ? *cur : json();
}

}  // namespace table
}  // namespace skiff::apimachinery
