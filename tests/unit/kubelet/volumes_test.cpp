#include "kubelet/volumes.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace skiff::kubelet {
namespace {

namespace fs = std::filesystem;

struct Source : ConfigSource {
  std::optional<std::map<std::string, std::string>> config_map(const std::string& ns,
                                                               const std::string& name) const override {
    if (ns == "shop" && name == "cfg") return std::map<std::string, std::string>{{"a.conf", "A"}, {"b.conf", "B"}};
    return std::nullopt;
  }
  std::optional<std::map<std::string, std::string>> secret(const std::string& ns,
                                                           const std::string& name) const override {
    if (ns == "shop" && name == "sec") return std::map<std::string, std::string>{{"password", "hunter2"}};
    return std::nullopt;
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

class Volumes : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("skiff-volumes-" + std::to_string(getpid()));
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  PodSpec pod(const nlohmann::json& volumes, const nlohmann::json& mounts) {
    nlohmann::json p = {{"metadata", {{"name", "web"}, {"namespace", "shop"}, {"uid", "uid-1"}}},
                        {"spec",
                         {{"volumes", volumes},
                          {"containers", {{{"name", "app"}, {"image", "i:1"}, {"volumeMounts", mounts}}}}}}};
    auto r = parse_pod(p);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return *r;
  }
  fs::path root_;
};

TEST_F(Volumes, LayoutUnderThePodDirectory) {
  Volume v;
  v.name = "data";
  v.kind = Volume::Kind::EmptyDir;
  EXPECT_EQ(volume_host_path("/var/lib/k", "u1", v), "/var/lib/k/pods/u1/volumes/kubernetes.io~empty-dir/data");
  v.kind = Volume::Kind::ConfigMap;
  EXPECT_EQ(volume_host_path("/var/lib/k", "u1", v), "/var/lib/k/pods/u1/volumes/kubernetes.io~configmap/data");
  v.kind = Volume::Kind::Secret;
  EXPECT_EQ(volume_host_path("/var/lib/k", "u1", v), "/var/lib/k/pods/u1/volumes/kubernetes.io~secret/data");
  v.kind = Volume::Kind::HostPath;
  v.host_path = "/srv/x";
  EXPECT_EQ(volume_host_path("/var/lib/k", "u1", v), "/srv/x");
}

TEST_F(Volumes, WritesConfigMapSecretAndProjectedFilesAndMountsThem) {
  PodSpec p = pod(
      {{{"name", "scratch"}, {"emptyDir", nlohmann::json::object()}},
       {{"name", "cfg"}, {"configMap", {{"name", "cfg"}, {"items", {{{"key", "a.conf"}, {"path", "conf/a"}}}}}}},
       {{"name", "sec"}, {"secret", {{"secretName", "sec"}, {"defaultMode", 0400}}}},
       {{"name", "token"},
        {"projected", {{"sources", {{{"serviceAccountToken", {{"path", "token"}}}},
                                    {{"downwardAPI", {{"items", {{{"path", "name"}, {"fieldRef", {{"fieldPath", "metadata.name"}}}}}}}}}}}}}}},
      {{{"name", "scratch"}, {"mountPath", "/scratch"}},
       {{"name", "cfg"}, {"mountPath", "/etc/app"}},
       {{"name", "scratch"}, {"mountPath", "/cache"}, {"subPath", "cache"}},
       {{"name", "token"}, {"mountPath", "/var/run/secrets/kubernetes.io/serviceaccount"}}});
  Source src;
  VolumeContext ctx;
  ctx.root = root_;
  ctx.config = &src;
  ctx.token = [](const PodSpec& pod, const std::string&, int64_t) -> Result<std::string> {
    return "token-for-" + pod.name;
  };
  auto vols = prepare_volumes(p, ctx);
  ASSERT_TRUE(vols) << vols.error().message;
  fs::path base = root_ / "pods" / "uid-1" / "volumes";
  EXPECT_TRUE(fs::is_directory(base / "kubernetes.io~empty-dir" / "scratch"));
  EXPECT_EQ(slurp(base / "kubernetes.io~configmap" / "cfg" / "conf" / "a"), "A");
  EXPECT_FALSE(fs::exists(base / "kubernetes.io~configmap" / "cfg" / "b.conf"));
  fs::path pw = base / "kubernetes.io~secret" / "sec" / "password";
  EXPECT_EQ(slurp(pw), "hunter2");
  struct stat st {};
  ASSERT_EQ(stat(pw.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0400u);
  EXPECT_EQ(slurp(base / "kubernetes.io~projected" / "token" / "token"), "token-for-web");
  EXPECT_EQ(slurp(base / "kubernetes.io~projected" / "token" / "name"), "web");

  auto mounts = container_mounts(p.containers[0], p, *vols);
  ASSERT_TRUE(mounts) << mounts.error().message;
  ASSERT_EQ(mounts->size(), 4u);
  EXPECT_EQ((*mounts)[0].container_path, "/scratch");
  EXPECT_FALSE((*mounts)[0].read_only);
  EXPECT_TRUE((*mounts)[1].read_only);  // configMap volumes are read-only
  EXPECT_EQ((*mounts)[2].host_path, (base / "kubernetes.io~empty-dir" / "scratch" / "cache").string());
  EXPECT_TRUE(fs::is_directory((*mounts)[2].host_path));

  remove_pod_directory(root_, "uid-1");
  EXPECT_FALSE(fs::exists(root_ / "pods" / "uid-1"));
}

TEST_F(Volumes, MissingSourcesAndBadMounts) {
  Source src;
  VolumeContext ctx;
  ctx.root = root_;
  ctx.config = &src;
  PodSpec missing = pod({{{"name", "cfg"}, {"configMap", {{"name", "absent"}}}}}, nlohmann::json::array());
  auto r = prepare_volumes(missing, ctx);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("configmap \"absent\" not found"), std::string::npos);
  PodSpec optional = pod({{{"name", "cfg"}, {"configMap", {{"name", "absent"}, {"optional", true}}}}},
                         nlohmann::json::array());
  EXPECT_TRUE(prepare_volumes(optional, ctx));
  PodSpec unknown = pod(nlohmann::json::array(), {{{"name", "nope"}, {"mountPath", "/x"}}});
  auto m = container_mounts(unknown.containers[0], unknown, {});
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("names no volume"), std::string::npos);
  PodSpec escape = pod({{{"name", "s"}, {"emptyDir", nlohmann::json::object()}}},
                       {{{"name", "s"}, {"mountPath", "/x"}, {"subPath", "../../etc"}}});
  auto vols = prepare_volumes(escape, ctx);
  ASSERT_TRUE(vols);
  EXPECT_FALSE(container_mounts(escape.containers[0], escape, *vols));
  PodSpec gce = pod({{{"name", "g"}, {"gcePersistentDisk", {{"pdName", "x"}}}}}, nlohmann::json::array());
  auto unsupported = prepare_volumes(gce, ctx);
  ASSERT_FALSE(unsupported);
  EXPECT_NE(unsupported.error().message.find("gcePersistentDisk"), std::string::npos);
}

}  // namespace
}  // namespace skiff::kubelet
