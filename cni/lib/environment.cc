#include "cni/lib/environment.h"

#include <algorithm>
#include <cctype>
#include <ranges>

namespace skiff::cni {
namespace {

struct Requirement {
  bool container_id, netns, ifname;
};

Requirement required_for(Command c) {
  switch (c) {
    case Command::kAdd:
    case Command::kCheck: return {true, true, true};
    case Command::kDel: return {true, false, true};  // the netns may already be gone
    default: return {false, false, false};
  }
}

// Same alphabet as the reference implementation: it ends up in file names.
bool is_valid_container_id(std::string_view id) {
  if (id.empty() || !std::isalnum(static_cast<unsigned char>(id[0]))) return false;
  return std::ranges::all_of(id, [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || c == '_' || c == '.' || c == '-';
  });
}

Result<std::map<std::string, std::string>> parse_args(std::string_view text) {
  std::map<std::string, std::string> out;
  for (auto part : std::views::split(text, ';')) {
    std::string_view pair(part.begin(), part.end());
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return fail(ErrorCode::kInvalidEnvironment,
                  "CNI_ARGS: invalid pair \"" + std::string(pair) + "\" (expected KEY=VALUE)");
    out[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
  }
  return out;
}

}  // namespace

std::string_view command_name(Command c) {
  switch (c) {
    case Command::kAdd: return "ADD";
    case Command::kDel: return "DEL";
    case Command::kCheck: return "CHECK";
    case Command::kStatus: return "STATUS";
    case Command::kGc: return "GC";
    case Command::kVersion: return "VERSION";
  }
  return "?";
}

bool is_valid_ifname(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  return std::ranges::none_of(name, [](char c) {
    return c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) || c == '\0';
  });
}

Result<Environment> read_environment(const GetEnv& getenv) {
  auto var = [&](const char* name) -> std::string {
    const char* v = getenv(name);
    return v ? std::string(v) : std::string();
  };

  Environment env;
  std::string command = var("CNI_COMMAND");
  if (command.empty())
    return fail(ErrorCode::kInvalidEnvironment, "required environment variables missing: CNI_COMMAND");
  static constexpr Command kAll[] = {Command::kAdd,    Command::kDel, Command::kCheck,
                                     Command::kStatus, Command::kGc,  Command::kVersion};
  auto known = std::ranges::find_if(kAll, [&](Command c) { return command_name(c) == command; });
  if (known == std::end(kAll))
    return fail(ErrorCode::kInvalidEnvironment, "unknown CNI_COMMAND \"" + command + "\"",
                "expected one of ADD, DEL, CHECK, STATUS, GC, VERSION");
  env.command = *known;

  env.container_id = var("CNI_CONTAINERID");
  env.netns = var("CNI_NETNS");
  env.ifname = var("CNI_IFNAME");

  Requirement need = required_for(env.command);
  std::string missing;
  auto require = [&](bool needed, const std::string& value, const char* name) {
    if (needed && value.empty()) missing += (missing.empty() ? "" : ", ") + std::string(name);
  };
  require(need.container_id, env.container_id, "CNI_CONTAINERID");
  require(need.netns, env.netns, "CNI_NETNS");
  require(need.ifname, env.ifname, "CNI_IFNAME");
  if (!missing.empty())
    return fail(ErrorCode::kInvalidEnvironment, "required environment variables missing: " + missing,
                std::string(command_name(env.command)) + " needs CNI_CONTAINERID, CNI_IFNAME" +
                    (need.netns ? " and CNI_NETNS" : ""));

  if (!env.container_id.empty() && !is_valid_container_id(env.container_id))
    return fail(ErrorCode::kInvalidEnvironment, "invalid CNI_CONTAINERID \"" + env.container_id + "\"",
                "must start with a letter or digit and contain only letters, digits, '_', '.', '-'");
  if (!env.ifname.empty() && !is_valid_ifname(env.ifname))
    return fail(ErrorCode::kInvalidEnvironment, "invalid CNI_IFNAME \"" + env.ifname + "\"",
                "an interface name has 1 to 15 bytes and no '/', ':' or whitespace");
  if (!env.netns.empty() && env.netns.front() != '/')
    return fail(ErrorCode::kInvalidEnvironment, "invalid CNI_NETNS \"" + env.netns + "\": not an absolute path");

  auto args = parse_args(var("CNI_ARGS"));
  if (!args) return std::unexpected(args.error());
  env.args = std::move(*args);

  const std::string path = var("CNI_PATH");
  for (auto part : std::views::split(path, ':')) {
    std::string dir(part.begin(), part.end());
    if (!dir.empty()) env.path.push_back(std::move(dir));
  }
  return env;
}

}  // namespace skiff::cni
