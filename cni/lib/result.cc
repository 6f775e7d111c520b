#include "cni/lib/result.h"

#include "cni/lib/version.h"

namespace skiff::cni {
namespace {

using nlohmann::json;

bool has_ip_version_field(std::string_view version) {
  auto v = SpecVersion::parse(version);
  return v && *v < SpecVersion{1, 0, 0};
}

json encode_interface(const ResultInterface& i, std::string_view version) {
  json j = {{"name", i.name}};
  if (!i.mac.empty()) j["mac"] = i.mac;
  if (!i.sandbox.empty()) j["sandbox"] = i.sandbox;
  auto v = SpecVersion::parse(version);
  if (i.mtu > 0 && v && *v >= SpecVersion{1, 1, 0}) j["mtu"] = i.mtu;
  return j;
}

json encode_ip(const ResultIp& ip, std::string_view version, int index_offset) {
  json j = {{"address", ip.address.str()}};
  if (has_ip_version_field(version)) j["version"] = "4";
  if (ip.gateway) j["gateway"] = ip.gateway->str();
  if (ip.interface) j["interface"] = *ip.interface + index_offset;
  return j;
}

json encode_route(const ResultRoute& r) {
  json j = {{"dst", r.dst.str()}};
  if (r.gw) j["gw"] = r.gw->str();
  return j;
}

Result<Ipv4Cidr> field_cidr(const json& obj, const char* key, const std::string& path) {
  if (!obj.contains(key) || !obj[key].is_string())
    return fail(ErrorCode::kInvalidConfig, "invalid prevResult: " + path + "." + key + " must be a string");
  auto c = Ipv4Cidr::parse(obj[key].get<std::string>());
  if (!c)
    return fail(ErrorCode::kInvalidConfig,
                "invalid prevResult: " + path + "." + key + " \"" + obj[key].get<std::string>() + "\" is not a CIDR");
  return *c;
}

}  // namespace

json encode_result(const CniResult& result, std::string_view version) {
  json j = {{"cniVersion", std::string(version)}};
  j["interfaces"] = json::array();
  for (const auto& i : result.interfaces) j["interfaces"].push_back(encode_interface(i, version));
  j["ips"] = json::array();
  for (const auto& ip : result.ips) j["ips"].push_back(encode_ip(ip, version, 0));
  j["routes"] = json::array();
  for (const auto& r : result.routes) j["routes"].push_back(encode_route(r));
  if (!result.dns.empty()) j["dns"] = result.dns.to_json();
  return j;
}

json merge_into_prev_result(json prev, const CniResult& ours, std::string_view version) {
  prev["cniVersion"] = std::string(version);
  for (const char* key : {"interfaces", "ips", "routes"})
    if (!prev.contains(key) || !prev[key].is_array()) prev[key] = json::array();
  int offset = static_cast<int>(prev["interfaces"].size());
  for (const auto& i : ours.interfaces) prev["interfaces"].push_back(encode_interface(i, version));
  for (const auto& ip : ours.ips) prev["ips"].push_back(encode_ip(ip, version, offset));
  for (const auto& r : ours.routes) prev["routes"].push_back(encode_route(r));
  if (!ours.dns.empty()) prev["dns"] = ours.dns.to_json();
  return prev;
}

static Result<CniResult> decode_result_fields(const json& j) {
  CniResult out;
  if (!j.is_object()) return fail(ErrorCode::kInvalidConfig, "invalid prevResult: must be an object");
  if (auto it = j.find("interfaces"); it != j.end() && it->is_array()) {
    for (const auto& i : *it) {
      if (!i.is_object() || !i.contains("name") || !i["name"].is_string())
        return fail(ErrorCode::kInvalidConfig, "invalid prevResult: interfaces entries need a string \"name\"");
      ResultInterface ri{i["name"].get<std::string>(), i.value("mac", ""), i.value("sandbox", ""), i.value("mtu", 0)};
      out.interfaces.push_back(ri);
    }
  }
  if (auto it = j.find("ips"); it != j.end() && it->is_array()) {
    for (size_t n = 0; n < it->size(); ++n) {
      const json& ip = (*it)[n];
      std::string path = "ips[" + std::to_string(n) + "]";
      if (!ip.is_object()) return fail(ErrorCode::kInvalidConfig, "invalid prevResult: " + path + " must be an object");
      if (ip.contains("address") && ip["address"].is_string() && looks_like_ipv6(ip["address"].get<std::string>()))
        continue;
      auto addr = field_cidr(ip, "address", path);
      if (!addr) return std::unexpected(addr.error());
      ResultIp r{*addr, std::nullopt, std::nullopt};
      if (ip.contains("gateway") && ip["gateway"].is_string()) r.gateway = Ipv4::parse(ip["gateway"].get<std::string>());
      if (ip.contains("interface") && ip["interface"].is_number_integer()) r.interface = ip["interface"].get<int>();
      out.ips.push_back(r);
    }
  }
  if (auto it = j.find("routes"); it != j.end() && it->is_array()) {
    for (size_t n = 0; n < it->size(); ++n) {
      const json& r = (*it)[n];
      std::string path = "routes[" + std::to_string(n) + "]";
      if (!r.is_object()) return fail(ErrorCode::kInvalidConfig, "invalid prevResult: " + path + " must be an object");
      if (r.contains("dst") && r["dst"].is_string() && looks_like_ipv6(r["dst"].get<std::string>())) continue;
      auto dst = field_cidr(r, "dst", path);
      if (!dst) return std::unexpected(dst.error());
      ResultRoute route{*dst, std::nullopt};
      if (r.contains("gw") && r["gw"].is_string()) route.gw = Ipv4::parse(r["gw"].get<std::string>());
      out.routes.push_back(route);
    }
  }
  return out;
}

Result<CniResult> decode_result(const json& j) {
  // value() throws on a field of the wrong type; keep that inside.
  try {
    return decode_result_fields(j);
  } catch (const json::exception& e) {
    return fail(ErrorCode::kInvalidConfig, "invalid prevResult: a field has the wrong type", e.what());
  }
}

}  // namespace skiff::cni
