#include "api_server.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "api_handler.h"
#include "http/https_server.h"
#include "rbac/authorizer.h"
#include "skiff/apimachinery/defaulting.h"
#include "storage/store_factory.h"
#include "tls/certificates.h"

namespace skiff::apiserver {

using nlohmann::json;

namespace {

std::string first_node_ipv4() {
  std::string out = "127.0.0.1";
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* it = list; it; it = it->ifa_next) {
    if (!it->ifa_addr || it->ifa_addr->sa_family != AF_INET || (it->ifa_flags & IFF_LOOPBACK) || !(it->ifa_flags & IFF_UP))
      continue;
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(it->ifa_addr)->sin_addr, buf, sizeof buf);
    out = buf;
    break;
  }
  freeifaddrs(list);
  return out;
}

json with_meta(json object) {
  json& meta = object["metadata"];
  meta["uid"] = new_uid();
  meta["creationTimestamp"] = now_rfc3339();
  return object;
}

}  // namespace

struct ApiServer::Impl {
  ApiServerOptions options;
  ClusterPki pki;
  std::unique_ptr<storage::KvStore> store;
  std::unique_ptr<storage::WatchCache> cache;
  std::shared_ptr<const apimachinery::ResourceRegistry> registry;
  std::unique_ptr<ApiHandler> handler;
  std::unique_ptr<HttpsServer> https;

  void bootstrap(std::uint16_t port) {
    auto& resources = handler->resources();
    auto find = [&](const std::string& group, const std::string& plural) {
      return registry->find(apimachinery::GroupVersionResource{group, group.empty() ? "v1" : "v1", plural});
    };
    if (const auto* namespaces = find("", "namespaces")) {
      for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
        json ns = with_meta({{"apiVersion", "v1"},
                             {"kind", "Namespace"},
                             {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/metadata.name", name}}}}},
                             {"spec", {{"finalizers", {"kubernetes"}}}},
                             {"status", {{"phase", "Active"}}}});
        if (auto r = resources.create_if_missing(*namespaces, ns); !r)
          spdlog::warn("apiserver: bootstrap namespace {}: {}", name, r.error().describe());
      }
    }
    for (auto object : bootstrap_rbac_objects()) {
      std::string plural = object["kind"] == "ClusterRole" ? "clusterroles" : "clusterrolebindings";
      if (const auto* resource = find("rbac.authorization.k8s.io", plural))
        (void)resources.create_if_missing(*resource, with_meta(std::move(object)));
    }
    // The kubernetes Service in default, pointing at this server.
    if (const auto* services = find("", "services")) {
      json service = with_meta({{"apiVersion", "v1"},
                                {"kind", "Service"},
                                {"metadata",
                                 {{"name", "kubernetes"},
                                  {"namespace", "default"},
                                  {"labels", {{"component", "apiserver"}, {"provider", "kubernetes"}}}}},
                                {"spec",
                                 {{"type", "ClusterIP"},
                                  {"clusterIP", "10.96.0.1"},
                                  {"clusterIPs", {"10.96.0.1"}},
                                  {"ports", {{{"name", "https"}, {"port", 443}, {"protocol", "TCP"}, {"targetPort", port}}}},
                                  {"sessionAffinity", "None"},
                                  {"ipFamilies", {"IPv4"}},
                                  {"ipFamilyPolicy", "SingleStack"},
                                  {"internalTrafficPolicy", "Cluster"}}},
                                {"status", {{"loadBalancer", json::object()}}}});
      (void)resources.create_if_missing(*services, service);
    }
    if (const auto* slices = registry->find(apimachinery::GroupVersionResource{"discovery.k8s.io", "v1", "endpointslices"})) {
      json slice = with_meta({{"apiVersion", "discovery.k8s.io/v1"},
                              {"kind", "EndpointSlice"},
                              {"metadata",
                               {{"name", "kubernetes"},
                                {"namespace", "default"},
                                {"labels", {{"kubernetes.io/service-name", "kubernetes"},
                                            {"endpointslice.kubernetes.io/managed-by", "endpointslicemirroring-controller.k8s.io"}}}}},
                              {"addressType", "IPv4"},
                              {"endpoints", {{{"addresses", {first_node_ipv4()}}, {"conditions", {{"ready", true}}}}}},
                              {"ports", {{{"name", "https"}, {"port", port}, {"protocol", "TCP"}}}}});
      (void)resources.create_if_missing(*slices, slice);
    }
  }
};

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiServer::~ApiServer() { stop(); }

Result<std::unique_ptr<ApiServer>> ApiServer::start(const ApiServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return fail("create data dir " + options.data_dir + ": " + ec.message());

  auto pki = ensure_cluster_pki({options.data_dir, {}, {}});
  if (!pki) return std::unexpected(pki.error());
  impl->pki = *pki;

  std::unordered_map<std::string, UserInfo> tokens;
  if (!options.token_auth_file.empty()) {
    auto loaded = Authenticator::load_token_file(options.token_auth_file);
    if (!loaded) return std::unexpected(loaded.error());
    tokens = std::move(*loaded);
  }
  auto sa_tokens = ServiceAccountTokens::from_key_file(impl->pki.service_account_key);
  if (!sa_tokens) return std::unexpected(sa_tokens.error());

  auto store = storage::open_store({options.datastore_endpoint, options.data_dir});
  if (!store) return fail("open the datastore: " + store.error().describe());
  impl->store = std::move(*store);
  auto cache = storage::WatchCache::start(*impl->store, {.prefix = "/registry/"});
  if (!cache) return fail("start the watch cache: " + cache.error().describe());
  impl->cache = std::move(*cache);

  impl->registry = std::make_shared<const apimachinery::ResourceRegistry>(apimachinery::ResourceRegistry::builtin());
  impl->handler = std::make_unique<ApiHandler>(*impl->store, *impl->cache, impl->registry,
                                               Authenticator(std::move(tokens), *sa_tokens),
                                               options.bind_address + ":" + std::to_string(options.https_port));

  HttpsServerOptions http;
  http.bind_address = options.bind_address;
  http.port = options.https_port;
  http.cert_file = impl->pki.serving_cert;
  http.key_file = impl->pki.serving_key;
  http.client_ca_file = impl->pki.ca_cert;
  http.worker_threads = options.worker_threads;
  ApiHandler* handler = impl->handler.get();
  impl->https = std::make_unique<HttpsServer>(http, [handler](HttpRequest& request) { return handler->handle(request); });
  if (auto started = impl->https->start(); !started) return std::unexpected(started.error());
  std::uint16_t port = impl->https->port();

  impl->bootstrap(port);

  std::string host = options.bind_address == "0.0.0.0" || options.bind_address == "::" ? "127.0.0.1" : options.bind_address;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  if (auto written = write_kubeconfig(impl->pki.admin_kubeconfig, "https://" + host + ":" + std::to_string(port), impl->pki);
      !written)
    return std::unexpected(written.error());
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

std::uint16_t ApiServer::port() const { return impl_->https->port(); }
const std::string& ApiServer::kubeconfig_path() const { return impl_->pki.admin_kubeconfig; }

void ApiServer::stop() {
  if (!impl_) return;
  if (impl_->https) impl_->https->stop();
  impl_->https.reset();
  impl_->handler.reset();
  impl_->cache.reset();
  impl_->store.reset();
}

}  // namespace skiff::apiserver
