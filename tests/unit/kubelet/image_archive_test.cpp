#include "kubelet/image_archive.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "kubelet/tar_writer.h"

namespace skiff::kubelet {
namespace {

namespace fs = std::filesystem;

// Reads the members of a ustar archive: name -> content.
std::map<std::string, std::string> untar(const std::string& bytes) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos + 512 <= bytes.size()) {
    const char* h = bytes.data() + pos;
    if (h[0] == 0) break;
    std::string name(h, strnlen(h, 100));
    std::string prefix(h + 345, strnlen(h + 345, 155));
    if (!prefix.empty()) name = prefix + "/" + name;
    size_t size = std::stoul(std::string(h + 124, 11), nullptr, 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    EXPECT_EQ(sum, std::stoul(std::string(h + 148, 6), nullptr, 8)) << name;
    out[name] = bytes.substr(pos + 512, size);
    pos += 512 + (size + 511) / 512 * 512;
  }
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST(TarWriter, WritesUstarMembers) {
  TarWriter t;
  ASSERT_TRUE(t.add_directory("bin"));
  ASSERT_TRUE(t.add_file("bin/hello", "hi\n", 0755));
  ASSERT_TRUE(t.add_symlink("bin/sh", "hello"));
  std::string long_name = std::string(120, 'a') + "/file";
  ASSERT_TRUE(t.add_file(long_name, "x"));
  auto members = untar(t.finish());
  EXPECT_EQ(members.at("bin/hello"), "hi\n");
  EXPECT_TRUE(members.count("bin/"));
  EXPECT_TRUE(members.count("bin/sh"));
  EXPECT_EQ(members.at(long_name), "x");
}

TEST(ImageArchive, DockerArchiveLayoutIsReproducible) {
  fs::path dir = fs::temp_directory_path() / ("skiff-image-" + std::to_string(getpid()));
  fs::create_directories(dir);
  ImageBuild b;
  b.repo_tag = "skiff/test:1";
  b.cmd = {"/bin/app"};
  ImageEntry e;
  e.path = "bin/app";
  e.content = "#!/bin/sh\n";
  e.mode = 0755;
  b.entries.push_back(e);
  auto one = write_docker_archive(b, dir / "a.tar");
  auto two = write_docker_archive(b, dir / "b.tar");
  ASSERT_TRUE(one && two);
  EXPECT_EQ(one->image_id, two->image_id);
  EXPECT_EQ(slurp(dir / "a.tar"), slurp(dir / "b.tar"));
  auto members = untar(slurp(dir / "a.tar"));
  auto manifest = nlohmann::json::parse(members.at("manifest.json"));
  ASSERT_EQ(manifest.size(), 1u);
  EXPECT_EQ(manifest[0]["RepoTags"][0], "skiff/test:1");
  std::string config_name = manifest[0]["Config"];
  EXPECT_EQ("sha256:" + config_name.substr(0, 64), one->image_id);
  auto config = nlohmann::json::parse(members.at(config_name));
  EXPECT_EQ(config["rootfs"]["diff_ids"][0], one->layer_diff_id);
  EXPECT_EQ(config["config"]["Cmd"][0], "/bin/app");
  auto layer = untar(members.at(manifest[0]["Layers"][0].get<std::string>()));
  EXPECT_EQ(layer.at("bin/app"), "#!/bin/sh\n");
  fs::remove_all(dir);
}

TEST(ImageArchive, NormalisesNamesAsContainerd) {
  EXPECT_EQ(normalize_image_name("pause:3.9"), "docker.io/library/pause:3.9");
  EXPECT_EQ(normalize_image_name("skiff/pause:3.9"), "docker.io/skiff/pause:3.9");
  EXPECT_EQ(normalize_image_name("busybox"), "docker.io/library/busybox:latest");
  EXPECT_EQ(normalize_image_name("registry.local:5000/x/y:1"), "registry.local:5000/x/y:1");
  EXPECT_EQ(normalize_image_name("localhost/y"), "localhost/y:latest");
}

}  // namespace
}  // namespace skiff::kubelet
