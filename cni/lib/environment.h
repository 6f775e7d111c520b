// The CNI_* environment variables a runtime sets, read and validated once.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cni/lib/error.h"

namespace skiff::cni {

enum class Command { kAdd, kDel, kCheck, kStatus, kGc, kVersion };

std::string_view command_name(Command c);

struct Environment {
  Command command = Command::kVersion;
  std::string container_id;  // CNI_CONTAINERID
  std::string netns;         // CNI_NETNS (a path; may be empty on DEL)
  std::string ifname;        // CNI_IFNAME
  std::map<std::string, std::string> args;  // CNI_ARGS, K=V;K2=V2
  std::vector<std::string> path;            // CNI_PATH, ':'-separated

  std::string arg(const std::string& key) const {
    auto it = args.find(key);
    return it == args.end() ? std::string() : it->second;
  }
};

// getenv is injected so tests need not touch the process environment.
using GetEnv = std::function<const char*(const char*)>;

// Checks the variables each command requires (SPEC.md "Parameters") and
// their syntax; failures are code 4 naming the variables.
Result<Environment> read_environment(const GetEnv& getenv);

// Interface names the kernel accepts: 1..15 bytes, not "." or "..", no '/', ':' or whitespace.
bool is_valid_ifname(std::string_view name);

}  // namespace skiff::cni
