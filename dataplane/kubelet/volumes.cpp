#include "kubelet/volumes.h"

#include <sys/stat.h>

#include <fstream>

namespace skiff::kubelet {

namespace fs = std::filesystem;

namespace {

const char* plugin_dir(Volume::Kind k) {
  switch (k) {
    case Volume::Kind::EmptyDir: return "kubernetes.io~empty-dir";
    case Volume::Kind::ConfigMap: return "kubernetes.io~configmap";
    case Volume::Kind::Secret: return "kubernetes.io~secret";
    case Volume::Kind::Projected: return "kubernetes.io~projected";
    case Volume::Kind::PersistentVolumeClaim: return "kubernetes.io~local-path";
    default: return "kubernetes.io~unsupported";
  }
}

// Written beside and renamed, so a container never reads half a file.
Result<> write_file(const fs::path& path, const std::string& content, int32_t mode) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return fail("cannot create " + path.parent_path().string() + ": " + ec.message());
  fs::path tmp = path;
  tmp += ".skiff-tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!f) return fail("cannot write " + tmp.string(), errno);
  }
  chmod(tmp.c_str(), static_cast<mode_t>(mode & 07777));
  fs::rename(tmp, path, ec);
  if (ec) return fail("cannot rename " + tmp.string() + ": " + ec.message());
  return {};
}

Result<> write_files(const fs::path& dir, const std::vector<VolumeFile>& files) {
  for (const auto& f : files)
    if (auto r = write_file(dir / f.path, f.content, f.mode); !r) return r;
  return {};
}

}  // namespace

fs::path pod_directory(const fs::path& root, const std::string& uid) { return root / "pods" / uid; }

fs::path volume_host_path(const fs::path& root, const std::string& uid, const Volume& v) {
  if (v.kind == Volume::Kind::HostPath) return v.host_path;
  return pod_directory(root, uid) / "volumes" / plugin_dir(v.kind) / v.name;
}

Result<std::vector<VolumeFile>> key_files(const std::map<std::string, std::string>& data,
                                          const std::vector<KeyToPath>& items, int32_t default_mode,
                                          const std::string& what) {
  std::vector<VolumeFile> out;
  if (items.empty()) {
    for (const auto& [k, v] : data) out.push_back({k, v, default_mode});
    return out;
  }
  for (const auto& it : items) {
    auto d = data.find(it.key);
    if (d == data.end()) return fail("couldn't find key " + it.key + " in " + what);
    out.push_back({it.path, d->second, it.mode.value_or(default_mode)});
  }
  return out;
}

Result<std::map<std::string, fs::path>> prepare_volumes(const PodSpec& pod, const VolumeContext& ctx) {
  std::map<std::string, fs::path> out;
  std::error_code ec;
  for (const auto& v : pod.volumes) {
    fs::path dir = volume_host_path(ctx.root, pod.uid, v);
    switch (v.kind) {
      case Volume::Kind::EmptyDir:
        fs::create_directories(dir, ec);
        if (ec) return fail("volume " + v.name + ": cannot create " + dir.string() + ": " + ec.message());
        // Containers running as any user may write into an emptyDir.
        chmod(dir.c_str(), 0777);
        break;
      case Volume::Kind::HostPath:
        if (v.host_path_type == "DirectoryOrCreate") {
          fs::create_directories(dir, ec);
        } else if (v.host_path_type == "Directory" && !fs::is_directory(dir, ec)) {
          return fail("volume " + v.name + ": hostPath " + dir.string() + " is not a directory");
        } else if (v.host_path_type == "File" && !fs::is_regular_file(dir, ec)) {
          return fail("volume " + v.name + ": hostPath " + dir.string() + " is not a file");
        } else if (v.host_path_type == "FileOrCreate" && !fs::exists(dir, ec)) {
          if (auto r = write_file(dir, "", 0644); !r) return std::unexpected(r.error());
        }
        break;
      case Volume::Kind::ConfigMap:
      case Volume::Kind::Secret: {
        bool cm = v.kind == Volume::Kind::ConfigMap;
        std::string what = std::string(cm ? "configmap" : "secret") + " \"" + v.source_name + "\"";
        if (!ctx.config) return fail("volume " + v.name + ": no source for " + what);
        auto data = cm ? ctx.config->config_map(pod.ns, v.source_name) : ctx.config->secret(pod.ns, v.source_name);
        fs::create_directories(dir, ec);
        if (!data) {
          if (v.optional) break;
          return fail("volume " + v.name + ": " + what + " not found");
        }
        auto files = key_files(*data, v.items, v.default_mode, what);
        if (!files) return fail("volume " + v.name + ": " + files.error().message);
        if (auto r = write_files(dir, *files); !r) return std::unexpected(r.error());
        break;
      }
      case Volume::Kind::Projected: {
        fs::create_directories(dir, ec);
        for (const auto& src : v.projected) {
          if (src.kind == ProjectedSource::Kind::ServiceAccountToken) {
            if (!ctx.token) return fail("volume " + v.name + ": no ServiceAccount token source");
            auto token = ctx.token(pod, src.token_audience, src.token_expiration_seconds);
            if (!token) return fail("volume " + v.name + ": token: " + token.error().message);
            if (auto r = write_file(dir / src.token_path, *token, v.default_mode); !r)
              return std::unexpected(r.error());
          } else if (src.kind == ProjectedSource::Kind::DownwardApi) {
            for (const auto& [path, field_path] : src.downward_items) {
              auto value = pod_field(pod, ctx.facts, field_path);
              if (!value) return fail("volume " + v.name + ": unsupported fieldPath " + field_path);
              if (auto r = write_file(dir / path, *value, v.default_mode); !r) return std::unexpected(r.error());
            }
          } else {
            bool cm = src.kind == ProjectedSource::Kind::ConfigMap;
            std::string what = std::string(cm ? "configmap" : "secret") + " \"" + src.name + "\"";
            auto data = !ctx.config ? std::nullopt
                        : cm        ? ctx.config->config_map(pod.ns, src.name)
                                    : ctx.config->secret(pod.ns, src.name);
            if (!data) {
              if (src.optional) continue;
              return fail("volume " + v.name + ": " + what + " not found");
            }
            auto files = key_files(*data, src.items, v.default_mode, what);
            if (!files) return fail("volume " + v.name + ": " + files.error().message);
            if (auto r = write_files(dir, *files); !r) return std::unexpected(r.error());
          }
        }
        break;
      }
      case Volume::Kind::PersistentVolumeClaim:
        return fail("volume " + v.name + ": persistentVolumeClaim volumes are not supported by this kubelet yet");
      case Volume::Kind::Unsupported:
        return fail("volume " + v.name + ": unsupported volume type " + v.unsupported_kind);
    }
    out[v.name] = dir;
  }
  return out;
}

Result<std::vector<HostMount>> container_mounts(const ContainerSpec& c, const PodSpec& pod,
                                                const std::map<std::string, fs::path>& volumes) {
  std::vector<HostMount> out;
  for (const auto& m : c.volume_mounts) {
    auto it = volumes.find(m.name);
    if (it == volumes.end()) return fail("container " + c.name + ": volumeMount " + m.name + " names no volume");
    const Volume* vol = nullptr;
    for (const auto& v : pod.volumes)
      if (v.name == m.name) vol = &v;
    fs::path host = it->second;
    if (!m.sub_path.empty()) {
      if (m.sub_path.starts_with("/") || m.sub_path.find("..") != std::string::npos)
        return fail("container " + c.name + ": subPath must be relative without '..': " + m.sub_path);
      host /= m.sub_path;
      std::error_code ec;
      if (!fs::exists(host, ec)) fs::create_directories(host, ec);
    }
    bool ro = m.read_only || (vol && (vol->kind == Volume::Kind::ConfigMap || vol->kind == Volume::Kind::Secret ||
                                      vol->kind == Volume::Kind::Projected));
    out.push_back({m.mount_path, host.string(), ro});
  }
  return out;
}

void remove_pod_directory(const fs::path& root, const std::string& uid) {
  if (uid.empty()) return;
  std::error_code ec;
  // hostPath volumes are not under the pod directory, and remove_all does
  // not follow symlinks: nothing outside is touched.
  fs::remove_all(pod_directory(root, uid), ec);
}

}  // namespace skiff::kubelet
