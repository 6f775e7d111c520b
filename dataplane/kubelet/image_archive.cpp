#include "kubelet/image_archive.h"

#include <openssl/evp.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "kubelet/tar_writer.h"

namespace skiff::kubelet {

namespace {

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

Result<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return fail("cannot read " + p.string(), errno);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string normalize_image_name(const std::string& repo_tag) {
  std::string name = repo_tag;
  auto slash = name.find('/');
  std::string first = slash == std::string::npos ? "" : name.substr(0, slash);
  bool has_domain = !first.empty() && (first.find('.') != std::string::npos ||
                                       first.find(':') != std::string::npos || first == "localhost");
  if (!has_domain) name = (slash == std::string::npos ? "docker.io/library/" : "docker.io/") + name;
  // No tag and no digest: :latest.
  auto last = name.rfind('/');
  if (name.find(':', last) == std::string::npos && name.find('@') == std::string::npos) name += ":latest";
  return name;
}

Result<BuiltImage> write_docker_archive(const ImageBuild& image, const std::filesystem::path& out) {
  TarWriter layer;
  std::set<std::string> dirs;
  for (const auto& e : image.entries) {
    // Parent directories first, once each.
    for (size_t pos = e.path.find('/'); pos != std::string::npos; pos = e.path.find('/', pos + 1)) {
      std::string parent = e.path.substr(0, pos);
      if (dirs.insert(parent).second)
        if (auto r = layer.add_directory(parent); !r) return std::unexpected(r.error());
    }
    Result<> r;
    switch (e.kind) {
      case ImageEntry::Kind::Directory:
        if (!dirs.insert(e.path).second) continue;
        r = layer.add_directory(e.path, e.mode == 0644 ? 0755 : e.mode);
        break;
      case ImageEntry::Kind::Symlink:
        r = layer.add_symlink(e.path, e.link_target);
        break;
      case ImageEntry::Kind::File: {
        std::string content = e.content;
        if (!e.host_file.empty()) {
          auto c = read_file(e.host_file);
          if (!c) return std::unexpected(c.error());
          content = std::move(*c);
        }
        r = layer.add_file(e.path, content, e.mode);
        break;
      }
    }
    if (!r) return std::unexpected(r.error());
  }
  std::string layer_tar = layer.finish();
  std::string layer_hex = sha256_hex(layer_tar);

  nlohmann::json config_section = nlohmann::json::object();
  config_section["Env"] = image.env;
  if (!image.entrypoint.empty()) config_section["Entrypoint"] = image.entrypoint;
  if (!image.cmd.empty()) config_section["Cmd"] = image.cmd;
  if (!image.working_dir.empty()) config_section["WorkingDir"] = image.working_dir;
  nlohmann::json config = {
      {"architecture", "amd64"},
      {"os", "linux"},
      {"created", "1970-01-01T00:00:00Z"},
      {"config", config_section},
      {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + layer_hex}}}},
      {"history", {{{"created", "1970-01-01T00:00:00Z"}, {"created_by", "skiff image builder"}}}},
  };
  std::string config_bytes = config.dump();
  std::string config_hex = sha256_hex(config_bytes);

  nlohmann::json manifest = nlohmann::json::array(
      {{{"Config", config_hex + ".json"}, {"RepoTags", {image.repo_tag}}, {"Layers", {layer_hex + "/layer.tar"}}}});

  TarWriter archive;
  if (auto r = archive.add_directory(layer_hex); !r) return std::unexpected(r.error());
  if (auto r = archive.add_file(layer_hex + "/VERSION", "1.0"); !r) return std::unexpected(r.error());
  if (auto r = archive.add_file(layer_hex + "/layer.tar", layer_tar); !r) return std::unexpected(r.error());
  if (auto r = archive.add_file(config_hex + ".json", config_bytes); !r) return std::unexpected(r.error());
  if (auto r = archive.add_file("manifest.json", manifest.dump()); !r) return std::unexpected(r.error());
  std::string bytes = archive.finish();

  // Written beside and renamed: a reader never sees half an archive.
  auto tmp = out;
  tmp += ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return fail("cannot write " + tmp.string(), errno);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) return fail("cannot write " + tmp.string(), errno);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) return fail("cannot rename to " + out.string() + ": " + ec.message());
  return BuiltImage{"sha256:" + config_hex, "sha256:" + layer_hex};
}

ImageBuild pause_image(const std::string& repo_tag, const std::filesystem::path& pause_binary) {
  ImageBuild b;
  b.repo_tag = repo_tag;
  b.entrypoint = {"/pause"};
  b.env = {};
  ImageEntry e;
  e.path = "pause";
  e.host_file = pause_binary;
  e.mode = 0755;
  b.entries.push_back(e);
  return b;
}

ImageBuild busybox_image(const std::string& repo_tag, const std::filesystem::path& busybox_binary,
                         const std::string& index_content) {
  ImageBuild b;
  b.repo_tag = repo_tag;
  b.cmd = {"sh"};
  auto dir = [&](std::string p, uint32_t mode = 0755) {
    ImageEntry e;
    e.kind = ImageEntry::Kind::Directory;
    e.path = std::move(p);
    e.mode = mode;
    b.entries.push_back(e);
  };
  auto file = [&](std::string p, std::string content, uint32_t mode = 0644) {
    ImageEntry e;
    e.path = std::move(p);
    e.content = std::move(content);
    e.mode = mode;
    b.entries.push_back(e);
  };
  for (const char* d : {"bin", "dev", "etc", "proc", "sys", "var", "www"}) dir(d);
  dir("tmp", 01777);
  ImageEntry bb;
  bb.path = "bin/busybox";
  bb.host_file = busybox_binary;
  bb.mode = 0755;
  b.entries.push_back(bb);
  for (const char* applet : {"sh", "sleep", "httpd", "wget", "nc", "cat", "echo", "ls", "mkdir", "rm", "touch",
                             "true", "false", "test", "env", "id", "hostname", "kill", "ps", "printf", "grep",
                             "head", "tail", "date", "ip", "ifconfig", "nslookup", "timeout", "wc"}) {
    ImageEntry l;
    l.kind = ImageEntry::Kind::Symlink;
    l.path = std::string("bin/") + applet;
    l.link_target = "busybox";
    b.entries.push_back(l);
  }
  file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
  file("etc/group", "root:x:0:\nnogroup:x:65534:\n");
  file("www/index.html", index_content);
  return b;
}

}  // namespace skiff::kubelet
