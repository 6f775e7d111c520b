// Internal helpers of the Table printers: timestamps, ages, safe access.
#pragma once
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace skiff::apimachinery::table {

using json = nlohmann::json;
using Clock = std::chrono::system_clock;

std::optional<Clock::time_point> parse_time(const json& v);  // RFC 3339
// "5m10s" since `t`; "<unknown>" for a missing time.
std::string age(const json& timestamp, Clock::time_point now);
const json& at(const json& obj, std::initializer_list<const char*> path);  // null json if absent
std::string str(const json& obj, std::initializer_list<const char*> path, const std::string& dflt = "");
int64_t num(const json& obj, std::initializer_list<const char*> path, int64_t dflt = 0);
std::string join(const std::vector<std::string>&, const std::string& sep);
std::string label_selector_string(const json& selector);  // LabelSelector JSON -> "app=web"; "<none>"
std::string map_selector_string(const json& m);           // map -> "a=b,c=d"; "<none>"
// CRD printer column JSONPath subset: .a.b, [0], [?(@.type=="Ready")]
json json_path(const json& obj, const std::string& path);

}  // namespace skiff::apimachinery::table
