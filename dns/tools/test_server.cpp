// skiff-dns-test-server: the cluster DNS server fed from a directory of
// manifests (Service, EndpointSlice, Pod, Namespace), for tests and
// benchmarks until the agent embeds DnsServer. SIGHUP reloads the
// directory (objects gone from it are deleted); SIGINT/SIGTERM stop.
// Prints "ready udp=ADDR:PORT tcp=... http=..." on stdout once serving.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <malloc.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "skiff/dns/server.h"
#include "skiff/kube/object_cache.h"
#include "skiff/kube/parse.h"

namespace fs = std::filesystem;
namespace kube = skiff::kube;

namespace {

struct Loaded {
  std::set<std::pair<kube::Kind, std::string>> keys;
};

// Reads every manifest in `dir` into the cache; returns the keys it holds.
Loaded load_dir(const std::string& dir, kube::ObjectCache& cache, const Loaded& previous) {
  Loaded now;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    auto ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) files.push_back(e.path());
  }
  if (ec) spdlog::error("manifests: {}: {}", dir, ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto docs = kube::read_manifest_file(f.string());
    for (const auto& err : docs.errors) spdlog::error("manifests: {}", err.str());
    for (const auto& obj : docs.objects) {
      const std::string kind = obj.is_object() ? obj.value("kind", "") : "";
      auto report = [&](const kube::ParseError& e) { spdlog::error("manifests: {}", e.str()); };
      if (kind == "Service") {
        if (auto s = kube::parse_service(obj)) {
          now.keys.insert({kube::Kind::Service, s->meta.key()});
          cache.upsert(std::move(*s));
        } else report(s.error());
      } else if (kind == "EndpointSlice") {
        if (auto s = kube::parse_endpoint_slice(obj)) {
          now.keys.insert({kube::Kind::EndpointSlice, s->meta.key()});
          cache.upsert(std::move(*s));
        } else report(s.error());
      } else if (kind == "Pod") {
        if (auto p = kube::parse_pod(obj)) {
          now.keys.insert({kube::Kind::Pod, p->meta.key()});
          cache.upsert(std::move(*p));
        } else report(p.error());
      } else if (kind == "Namespace") {
        if (auto n = kube::parse_namespace(obj)) {
          now.keys.insert({kube::Kind::Namespace, n->meta.key()});
          cache.upsert(std::move(*n));
        } else report(n.error());
      }
    }
  }
  for (const auto& k : previous.keys)
    if (!now.keys.contains(k)) cache.erase(k.first, k.second);
  return now;
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"skiff cluster DNS test server (manifest-fed)"};
  std::string manifests, config_path, listen, http, level = "info";
  std::vector<std::string> upstreams;
  int sync_delay_ms = 0;
  app.add_option("--manifests", manifests, "directory of Service/EndpointSlice/Pod/Namespace manifests")->required();
  app.add_option("--config", config_path, "YAML config file");
  app.add_option("--listen", listen, "UDP+TCP address:port (overrides config)");
  app.add_option("--http", http, "health/metrics address:port (overrides config)");
  app.add_option("--upstream", upstreams, "upstream resolver address[:port] (overrides config)");
  app.add_option("--sync-delay-ms", sync_delay_ms, "mark the cache synced only after this delay (tests; -1: never)");
  app.add_option("--log-level", level, "trace, debug, info, warn, error");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("dns"));  // stdout carries the ready line
  spdlog::set_level(spdlog::level::from_str(level));

  skiff::dns::DnsConfig cfg;
  if (!config_path.empty()) {
    auto c = skiff::dns::load_config(config_path);
    if (!c) {
      std::cerr << c.error() << "\n";
      return 2;
    }
    cfg = *c;
  }
  if (!listen.empty()) cfg.listen = listen;
  if (!http.empty()) cfg.http_listen = http;
  if (!upstreams.empty()) cfg.upstreams = upstreams;

  boost::asio::io_context io(1);
  kube::ObjectCache cache;
  Loaded loaded = load_dir(manifests, cache, {});
  cache.commit();
  // Hand the parse-time JSON documents' memory back to the OS: a static
  // manifest load is a one-off peak the informer path does not have.
  malloc_trim(0);
  const long rss_objects = rss_kb();
  skiff::dns::DnsServer server(io, cfg, cache);
  malloc_trim(0);
  spdlog::info("memory: {} MB RSS with the object cache, {} MB with the DNS index", rss_objects / 1024,
               rss_kb() / 1024);
  if (auto ok = server.start(); !ok) {
    std::cerr << ok.error() << "\n";
    return 1;
  }
  boost::asio::steady_timer sync_timer(io);
  if (sync_delay_ms == 0) {
    cache.mark_synced();
  } else if (sync_delay_ms > 0) {
    sync_timer.expires_after(std::chrono::milliseconds(sync_delay_ms));
    sync_timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) cache.mark_synced();
    });
  }
  auto u = server.udp_endpoint();
  auto h = server.http_endpoint();
  auto t = server.tcp_endpoint();
  std::cout << "ready udp=" << u.address().to_string() << ":" << u.port() << " tcp=" << t.address().to_string() << ":"
            << t.port() << " http=" << h.address().to_string() << ":" << h.port() << std::endl;

  boost::asio::signal_set stop_signals(io, SIGINT, SIGTERM);
  stop_signals.async_wait([&](const boost::system::error_code&, int) {
    server.stop();
    io.stop();
  });
  boost::asio::signal_set hup(io, SIGHUP);
  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      loaded = load_dir(manifests, cache, loaded);
      cache.commit();
      spdlog::info("manifests reloaded: {} objects", loaded.keys.size());
      std::cout << "reloaded " << loaded.keys.size() << std::endl;
      wait_hup();
    });
  };
  wait_hup();
  io.run();
  return 0;
}
