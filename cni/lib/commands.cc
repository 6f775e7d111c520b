#include "cni/lib/commands.h"

#include <spdlog/spdlog.h>

#include "cni/lib/logging.h"
#include "cni/lib/version.h"

namespace skiff::cni {
namespace {

using nlohmann::json;

Outcome failure(const Error& e, std::string_view version) {
  spdlog::error("{} ({}){}", e.msg, static_cast<int>(e.code), e.details.empty() ? "" : ": " + e.details);
  return Outcome{1, encode_error(e, version).dump() + "\n"};
}

// The config's cniVersion when it is one we speak, so the runtime can decode the error.
std::string error_version(std::string_view stdin_text) {
  json j = json::parse(stdin_text, nullptr, false);
  if (j.is_object() && j.contains("cniVersion") && j["cniVersion"].is_string() &&
      is_supported_version(j["cniVersion"].get<std::string>()))
    return j["cniVersion"].get<std::string>();
  return std::string(kLatestVersion);
}

Outcome run(const GetEnv& getenv, std::string_view stdin_text) {
  auto env = read_environment(getenv);
  if (!env) return failure(env.error(), error_version(stdin_text));

  if (env->command == Command::kVersion) {
    // stdin is optional for VERSION; when present it must at least be JSON.
    if (stdin_text.find_first_not_of(" \t\r\n") != std::string_view::npos &&
        json::parse(stdin_text, nullptr, false).is_discarded())
      return failure({ErrorCode::kDecodeFailure, "failed to decode VERSION input: not valid JSON", ""},
                     kLatestVersion);
    return Outcome{0, cmd_version().dump() + "\n"};
  }

  auto conf = parse_netconf(stdin_text);
  if (!conf) return failure(conf.error(), error_version(stdin_text));
  apply_log_config(conf->log_file, conf->log_level);
  if (auto s = check_command_allowed(*conf, env->command); !s) return failure(s.error(), conf->cni_version);

  spdlog::info("{} container={} ifname={} netns={} network={}", command_name(env->command), env->container_id,
               env->ifname, env->netns, conf->name);
  switch (env->command) {
    case Command::kAdd: {
      auto result = cmd_add(*env, *conf);
      if (!result) return failure(result.error(), conf->cni_version);
      return Outcome{0, result->dump() + "\n"};
    }
    case Command::kDel:
      if (auto s = cmd_del(*env, *conf); !s) return failure(s.error(), conf->cni_version);
      return Outcome{0, ""};
    case Command::kCheck:
      if (auto s = cmd_check(*env, *conf); !s) return failure(s.error(), conf->cni_version);
      return Outcome{0, ""};
    case Command::kStatus:
      if (auto s = cmd_status(*conf); !s) return failure(s.error(), conf->cni_version);
      return Outcome{0, ""};
    case Command::kGc:
      if (auto s = cmd_gc(*conf); !s) return failure(s.error(), conf->cni_version);
      return Outcome{0, ""};
    case Command::kVersion: break;
  }
  return failure({ErrorCode::kInternal, "unhandled command", ""}, conf->cni_version);
}

}  // namespace

json encode_error(const Error& error, std::string_view cni_version) {
  json j = {{"cniVersion", std::string(cni_version)}, {"code", static_cast<int>(error.code)}, {"msg", error.msg}};
  if (!error.details.empty()) j["details"] = error.details;
  return j;
}

json cmd_version() {
  json versions = json::array();
  for (auto v : kSupportedVersions) versions.push_back(std::string(v));
  return {{"cniVersion", std::string(kLatestVersion)}, {"supportedVersions", versions}};
}

Outcome run_plugin(const GetEnv& getenv, std::string_view stdin_text) {
  // Last line of defence: nothing may escape as an exception (e.g. std::bad_alloc, a gRPC or json surprise).
  try {
    return run(getenv, stdin_text);
  } catch (const std::exception& e) {
    return failure({ErrorCode::kInternal, std::string("internal error: ") + e.what(), ""}, kLatestVersion);
  }
}

}  // namespace skiff::cni
