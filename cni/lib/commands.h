// The plugin's commands. run_plugin() is the whole binary minus main(): it
// reads the environment and stdin as a runtime provides them and returns what
// to print and the exit status, so tests can drive it in-process.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cni/lib/config.h"
#include "cni/lib/environment.h"
#include "cni/lib/error.h"

namespace skiff::cni {

struct Outcome {
  int exit_code = 0;
  std::string stdout_text;  // a result, version info, or the error JSON
};

Outcome run_plugin(const GetEnv& getenv, std::string_view stdin_text);

// The error object of SPEC.md "Error".
nlohmann::json encode_error(const Error& error, std::string_view cni_version);

Result<nlohmann::json> cmd_add(const Environment& env, const NetConf& conf);
Status cmd_del(const Environment& env, const NetConf& conf);
Status cmd_check(const Environment& env, const NetConf& conf);
Status cmd_status(const NetConf& conf);
Status cmd_gc(const NetConf& conf);
nlohmann::json cmd_version();

}  // namespace skiff::cni
