#include "manifest_source.h"

#include <spdlog/spdlog.h>
#include <sys/inotify.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "skiff/kube/parse.h"

namespace skiff::agent {
namespace fs = std::filesystem;
namespace asio = boost::asio;

ManifestSource::ManifestSource(asio::io_context& io, std::string dir, kube::ObjectCache& cache)
    : dir_(std::move(dir)), cache_(cache), inotify_(io), debounce_(io) {}

Result<> ManifestSource::start() {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return fail("manifests directory " + dir_ + " does not exist");
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return fail_errno("inotify_init1");
  inotify_.assign(fd);
  uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE;
  if (inotify_add_watch(fd, dir_.c_str(), mask) < 0) return fail_errno("watch " + dir_);
  rescan();
  cache_.mark_synced();
  cache_.commit();
  arm_watch();
  return {};
}

void ManifestSource::arm_watch() {
  inotify_.async_read_some(asio::buffer(buffer_), [this](boost::system::error_code ec, size_t) {
    if (ec) return;  // closed on shutdown
    schedule_rescan();
    arm_watch();
  });
}

// Editors and `cp` produce bursts of events; one re-read after they settle.
void ManifestSource::schedule_rescan() {
  debounce_.expires_after(std::chrono::milliseconds(20));
  debounce_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    rescan();
    cache_.commit();
  });
}

namespace {

template <class T>
std::string key_of(const T& obj) {
  return obj.meta.key();
}

bool is_manifest(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

}  // namespace

size_t ManifestSource::rescan() {
  size_t problems = 0;
  std::set<std::pair<kube::Kind, std::string>> seen;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec))
    if (entry.is_regular_file() && is_manifest(entry.path())) files.push_back(entry.path());
  std::sort(files.begin(), files.end());

  for (const auto& file : files) {
    auto docs = kube::read_manifest_file(file.string());
    for (const auto& err : docs.errors) {
      spdlog::warn("manifest {}", err.str());
      ++problems;
    }
    for (const auto& obj : docs.objects) {
      const std::string kind = obj.value("kind", "");
      const auto& meta = obj.value("metadata", nlohmann::json::object());
      std::string ns = meta.is_object() ? meta.value("namespace", "default") : "default";
      std::string name = meta.is_object() ? meta.value("name", "") : "";
      auto apply = [&](kube::Kind k, auto parsed, bool namespaced) {
        std::string key = namespaced ? ns + "/" + name : name;
        if (!parsed) {
          spdlog::warn("{} (in {}); keeping its last good version, if any", parsed.error().str(),
                       file.filename().string());
          ++problems;
          if (!name.empty()) seen.emplace(k, key);  // not deleted because of a typo
          return;
        }
        key = key_of(*parsed);
        seen.emplace(k, key);
        std::string text = obj.dump();
        auto& last = applied_[{k, key}];
        if (last == text) return;
        last = std::move(text);
        cache_.upsert(std::move(*parsed));
      };
      if (kind == "Service") {
        apply(kube::Kind::Service, kube::parse_service(obj), true);
      } else if (kind == "EndpointSlice") {
        apply(kube::Kind::EndpointSlice, kube::parse_endpoint_slice(obj), true);
      } else if (kind == "Pod") {
        apply(kube::Kind::Pod, kube::parse_pod(obj), true);
      } else if (kind == "Namespace") {
        apply(kube::Kind::Namespace, kube::parse_namespace(obj), false);
      }
      // Other kinds (Deployments, NetworkPolicies, ...) are not this source's concern.
    }
  }
  for (auto it = applied_.begin(); it != applied_.end();) {
    if (!seen.contains(it->first)) {
      cache_.erase(it->first.first, it->first.second);
      it = applied_.erase(it);
    } else {
      ++it;
    }
  }
  return problems;
}

}  // namespace skiff::agent
