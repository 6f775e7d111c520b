// kubeconfig (clientcmd's format, v1) and in-cluster config.
#include "skiff/client/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "base64.h"

namespace skiff::client {

namespace {

namespace fs = std::filesystem;

// One named entry as a file defined it; base_dir resolves its relative paths.
struct Entry {
  YAML::Node node;
  std::string base_dir;
};

struct Kubeconfig {
  std::string current_context;
  std::map<std::string, Entry> clusters, users, contexts;
};

Result<std::string> read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot read ") + what + " " + path, errno);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / path).string();
}

Result<std::string> scalar(const YAML::Node& map, const char* key, const std::string& where) {
  YAML::Node v = map[key];
  if (!v || v.IsNull()) return std::string();
  if (!v.IsScalar()) return fail(where + ": " + key + " must be a string");
  return v.as<std::string>();
}

Result<bool> boolean(const YAML::Node& map, const char* key, const std::string& where) {
  YAML::Node v = map[key];
  if (!v || v.IsNull()) return false;
  bool out = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out)) return fail(where + ": " + key + " must be true or false");
  return out;
}

// clusters/users/contexts: a list of {name, <inner>: {...}}; the first definition of a name wins.
Result<void> collect(const YAML::Node& root, const char* list_key, const char* inner_key, const std::string& base_dir,
                     const std::string& file, std::map<std::string, Entry>& into) {
  YAML::Node list = root[list_key];
  if (!list || list.IsNull()) return {};
  if (!list.IsSequence()) return fail(file + ": " + list_key + " must be a list");
  size_t i = 0;
  for (const auto& item : list) {
    std::string where = file + ": " + list_key + "[" + std::to_string(i++) + "]";
    if (!item.IsMap()) return fail(where + " must be a mapping");
    YAML::Node name = item["name"];
    if (!name || !name.IsScalar() || name.as<std::string>().empty()) return fail(where + " has no name");
    YAML::Node inner = item[inner_key];
    if (inner && !inner.IsNull() && !inner.IsMap()) return fail(where + "." + inner_key + " must be a mapping");
    into.emplace(name.as<std::string>(), Entry{inner ? inner : YAML::Node(YAML::NodeType::Map), base_dir});
  }
  return {};
}

Result<void> merge_text(const std::string& text, const std::string& base_dir, const std::string& file,
                        Kubeconfig& into) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return fail(file + ": not valid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root || root.IsNull()) return {};  // empty file: contributes nothing (as clientcmd)
  if (!root.IsMap()) return fail(file + ": a kubeconfig must be a mapping");
  if (auto kind = root["kind"]; kind && kind.IsScalar() && kind.as<std::string>() != "Config") {
    return fail(file + ": kind is " + kind.as<std::string>() + ", expected Config");
  }
  try {
    auto cc = scalar(root, "current-context", file);
    if (!cc) return std::unexpected(cc.error());
    if (into.current_context.empty()) into.current_context = *cc;
    if (auto r = collect(root, "clusters", "cluster", base_dir, file, into.clusters); !r) return r;
    if (auto r = collect(root, "users", "user", base_dir, file, into.users); !r) return r;
    if (auto r = collect(root, "contexts", "context", base_dir, file, into.contexts); !r) return r;
  } catch (const YAML::Exception& e) {
    return fail(file + ": " + e.msg);
  }
  return {};
}

// A PEM from "<key>-data" (base64) or "<key>" (a file path).
Result<std::string> pem(const Entry& entry, const std::string& key, const std::string& where) {
  auto data = scalar(entry.node, (key + "-data").c_str(), where);
  if (!data) return data;
  if (!data->empty()) {
    auto decoded = detail::base64_decode(*data);
    if (!decoded) return fail(where + ": " + key + "-data is not valid base64");
    return *decoded;
  }
  auto path = scalar(entry.node, key.c_str(), where);
  if (!path) return path;
  if (path->empty()) return std::string();
  return read_file(resolve(*path, entry.base_dir), key.c_str());
}

Result<ClientConfig> select(const Kubeconfig& kc, const std::string& context_override, const std::string& file) {
  std::string context_name = context_override.empty() ? kc.current_context : context_override;
  if (context_name.empty()) return fail(file + ": no current-context is set and no context was given");
  auto ctx = kc.contexts.find(context_name);
  if (ctx == kc.contexts.end()) return fail(file + ": context \"" + context_name + "\" does not exist");
  std::string where = "context \"" + context_name + "\"";
  ClientConfig cfg;
  try {
    auto cluster_name = scalar(ctx->second.node, "cluster", where);
    if (!cluster_name) return std::unexpected(cluster_name.error());
    auto user_name = scalar(ctx->second.node, "user", where);
    if (!user_name) return std::unexpected(user_name.error());
    auto ns = scalar(ctx->second.node, "namespace", where);
    if (!ns) return std::unexpected(ns.error());
    if (!ns->empty()) cfg.namespace_ = *ns;

    auto cluster = kc.clusters.find(*cluster_name);
    if (cluster == kc.clusters.end()) {
      return fail(file + ": " + where + " names cluster \"" + *cluster_name + "\", which does not exist");
    }
    std::string cw = "cluster \"" + *cluster_name + "\"";
    auto server = scalar(cluster->second.node, "server", cw);
    if (!server) return std::unexpected(server.error());
    if (server->empty()) return fail(file + ": " + cw + " has no server");
    cfg.server = *server;
    auto ca = pem(cluster->second, "certificate-authority", cw);
    if (!ca) return std::unexpected(ca.error());
    cfg.ca_pem = *ca;
    auto insecure = boolean(cluster->second.node, "insecure-skip-tls-verify", cw);
    if (!insecure) return std::unexpected(insecure.error());
    cfg.insecure_skip_tls_verify = *insecure;
    auto sni = scalar(cluster->second.node, "tls-server-name", cw);
    if (!sni) return std::unexpected(sni.error());
    cfg.tls_server_name = *sni;

    if (!user_name->empty()) {
      auto user = kc.users.find(*user_name);
      if (user == kc.users.end()) {
        return fail(file + ": " + where + " names user \"" + *user_name + "\", which does not exist");
      }
      std::string uw = "user \"" + *user_name + "\"";
      if (user->second.node["exec"] || user->second.node["auth-provider"]) {
        return fail(file + ": " + uw + ": exec and auth-provider credentials are not supported");
      }
      auto cert = pem(user->second, "client-certificate", uw);
      if (!cert) return std::unexpected(cert.error());
      auto key = pem(user->second, "client-key", uw);
      if (!key) return std::unexpected(key.error());
      if (cert->empty() != key->empty()) return fail(file + ": " + uw + " has a client certificate without a key, or a key without a certificate");
      cfg.client_cert_pem = *cert;
      cfg.client_key_pem = *key;
      auto token = scalar(user->second.node, "token", uw);
      if (!token) return std::unexpected(token.error());
      cfg.token = *token;
      auto token_file = scalar(user->second.node, "tokenFile", uw);
      if (!token_file) return std::unexpected(token_file.error());
      cfg.token_file = resolve(*token_file, user->second.base_dir);
    }
  } catch (const YAML::Exception& e) {
    return fail(file + ": " + e.msg);
  }
  return cfg;
}

std::string parent_dir(const std::string& path) {
  auto p = fs::absolute(fs::path(path)).parent_path();
  return p.string();
}

}  // namespace

Result<ClientConfig> parse_kubeconfig(const std::string& yaml_text, const std::string& base_dir,
                                      const std::string& context) {
  Kubeconfig kc;
  if (auto r = merge_text(yaml_text, base_dir, "kubeconfig", kc); !r) return std::unexpected(r.error());
  return select(kc, context, "kubeconfig");
}

Result<ClientConfig> load_kubeconfig(const std::string& path, const std::string& context) {
  auto text = read_file(path, "kubeconfig");
  if (!text) return std::unexpected(text.error());
  Kubeconfig kc;
  if (auto r = merge_text(*text, parent_dir(path), path, kc); !r) return std::unexpected(r.error());
  return select(kc, context, path);
}

Result<ClientConfig> in_cluster_config(const InClusterPaths& paths) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !*host || !port || !*port) {
    return fail("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
  }
  ClientConfig cfg;
  std::string h = host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";  // IPv6 service address
  cfg.server = "https://" + h + ":" + port;
  cfg.token_file = paths.root + "/token";
  auto token = read_file(cfg.token_file, "service account token");
  if (!token) return std::unexpected(token.error());
  auto ca = read_file(paths.root + "/ca.crt", "service account CA");
  if (!ca) return std::unexpected(ca.error());
  cfg.ca_pem = *ca;
  if (auto ns = read_file(paths.root + "/namespace", "namespace"); ns && !ns->empty()) {
    std::string n = *ns;
    while (!n.empty() && (n.back() == '\n' || n.back() == ' ')) n.pop_back();
    if (!n.empty()) cfg.namespace_ = n;
  }
  return cfg;
}

Result<ClientConfig> load_default_config(const std::string& kubeconfig_path, const std::string& context) {
  if (!kubeconfig_path.empty()) return load_kubeconfig(kubeconfig_path, context);
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    Kubeconfig kc;
    std::stringstream list(env);
    std::string file;
    bool any = false;
    while (std::getline(list, file, ':')) {
      if (file.empty()) continue;
      auto text = read_file(file, "kubeconfig");
      if (!text) continue;  // clientcmd skips missing files in KUBECONFIG
      any = true;
      if (auto r = merge_text(*text, parent_dir(file), file, kc); !r) return std::unexpected(r.error());
    }
    if (!any) return fail(std::string("none of the files in KUBECONFIG (") + env + ") could be read");
    return select(kc, context, "KUBECONFIG");
  }
  if (const char* host = std::getenv("KUBERNETES_SERVICE_HOST"); host && *host) return in_cluster_config();
  const char* home = std::getenv("HOME");
  if (!home) return fail("no kubeconfig: give --kubeconfig, set KUBECONFIG or run in a cluster");
  return load_kubeconfig(std::string(home) + "/.kube/config", context);
}

}  // namespace skiff::client
