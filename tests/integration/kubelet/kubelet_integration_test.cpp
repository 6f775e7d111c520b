// The kubelet against a real containerd (started by the test on a temp
// socket), real images (built and imported by the test) and skiff-cni for
// pod networking. Needs root. Every wait polls a condition with a deadline.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "kubelet/probes.h"
#include "node_env.h"

namespace skiff::kubelet::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

NodeEnv* g_env = nullptr;

class KubeletIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    NodeEnvOptions o;
    o.skiff_cni = SKIFF_CNI_BINARY;
    o.pause = SKIFF_PAUSE_BINARY;
    auto env = NodeEnv::create(o);
    if (!env) {
      setup_error_ = env.error().str();
      return;
    }
    g_env = env->release();
  }
  static void TearDownTestSuite() {
    delete g_env;
    g_env = nullptr;
  }
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (containerd, network namespaces)";
    ASSERT_NE(g_env, nullptr) << "node setup failed: " << setup_error_;
  }

  // Polls the pod's status until `pred` holds; returns the last status.
  json wait_status(const std::string& uid, const std::function<bool(const json&)>& pred,
                   std::chrono::seconds limit = 120s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    json last;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto s = g_env->kubelet().pod_status(uid)) {
        last = *s;
        if (pred(last)) return last;
      }
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "condition not reached; last status: " << last.dump(2);
    return last;
  }

  void wait_removed(const std::string& uid) {
    auto deadline = std::chrono::steady_clock::now() + 120s;
    while (!g_env->kubelet().pod_removed(uid) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(g_env->kubelet().pod_removed(uid)) << "pod " << uid << " still not removed";
  }

  static std::string condition(const json& status, const std::string& type) {
    if (!status.contains("conditions")) return "";
    for (const auto& c : status["conditions"])
      if (c["type"] == type) return c["status"];
    return "";
  }

  static const json& container_status(const json& status, const std::string& name, const char* list = "containerStatuses") {
    static const json none = json::object();
    if (!status.contains(list)) return none;
    for (const auto& c : status[list])
      if (c["name"] == name) return c;
    return none;
  }

  std::vector<std::string> sandboxes_of(const std::string& uid) {
    cri::PodSandboxFilter f;
    (*f.mutable_label_selector())["io.kubernetes.pod.uid"] = uid;
    std::vector<std::string> out;
    if (auto l = g_env->cri().list_pod_sandbox(f))
      for (const auto& sb : l->items()) out.push_back(sb.id());
    return out;
  }

  size_t leases() {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(g_env->lease_dir(), ec)) {
      std::string name = e.path().filename().string();
      if (name.starts_with(g_env->pod_cidr_prefix())) ++n;
    }
    return n;
  }

  json busybox(const std::string& name, const std::string& script) {
    return {{"name", name}, {"image", g_env->image()}, {"imagePullPolicy", "IfNotPresent"},
            {"command", {"sh", "-c", script}}};
  }

  static std::string setup_error_;
};

std::string KubeletIntegration::setup_error_;

TEST_F(KubeletIntegration, InitContainerThenTwoContainersAndExecProbeMakesReady) {
  g_env->config().config_maps["default/settings"] = {{"GREETING", "hello-from-configmap"}};
  json init = busybox("setup", "echo prepared > /work/ready");
  init["volumeMounts"] = {{{"name", "work"}, {"mountPath", "/work"}}};
  json app = busybox("app", "echo app says $GREETING; exec sleep 100000");
  app["envFrom"] = {{{"configMapRef", {{"name", "settings"}}}}};
  app["volumeMounts"] = {{{"name", "work"}, {"mountPath", "/work"}}};
  app["readinessProbe"] = {{"exec", {{"command", {"cat", "/work/ready"}}}}, {"periodSeconds", 1}};
  json side = busybox("side", "exec sleep 100000");
  side["readinessProbe"] = {{"exec", {{"command", {"true"}}}}, {"periodSeconds", 1}};
  json pod = make_pod("init-and-two", "uid-init-two", {app, side},
                      {{"initContainers", json::array({init})}, {"volumes", {{{"name", "work"}, {"emptyDir", json::object()}}}}});
  ASSERT_TRUE(g_env->kubelet().upsert_pod(pod).has_value());
  json s = wait_status("uid-init-two", [](const json& s) { return condition(s, "Ready") == "True"; });
  EXPECT_EQ(s["phase"], "Running");
  EXPECT_EQ(condition(s, "Initialized"), "True");
  EXPECT_EQ(condition(s, "ContainersReady"), "True");
  const json& init_status = container_status(s, "setup", "initContainerStatuses");
  EXPECT_EQ(init_status["state"]["terminated"]["exitCode"], 0);
  EXPECT_EQ(init_status["state"]["terminated"]["reason"], "Completed");
  for (const char* name : {"app", "side"}) {
    const json& c = container_status(s, name);
    EXPECT_TRUE(c["state"].contains("running")) << c.dump();
    EXPECT_EQ(c["ready"], true);
    EXPECT_EQ(c["restartCount"], 0);
    EXPECT_TRUE(c["containerID"].get<std::string>().starts_with("containerd://"));
    EXPECT_TRUE(c["imageID"].get<std::string>().starts_with("sha256:"));
  }
  EXPECT_TRUE(s["podIP"].get<std::string>().starts_with(g_env->pod_cidr_prefix())) << s["podIP"];

  // The container's log, through the CRI log files.
  std::string logs;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (logs.find("hello-from-configmap") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    logs.clear();
    (void)g_env->kubelet().logs("uid-init-two", "app", false, {}, [&](std::string_view l) { logs += l; });
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(logs, "app says hello-from-configmap\n");
  auto url = g_env->kubelet().exec_url("uid-init-two", "app", {"true"}, false, false, true, true);
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_TRUE(url->starts_with("http://127.0.0.1:")) << *url;

  g_env->kubelet().delete_pod("uid-init-two", 0);
  wait_removed("uid-init-two");
}

TEST_F(KubeletIntegration, CrashingContainerRestartsWithBackoff) {
  json pod = make_pod("crasher", "uid-crash", json::array({busybox("boom", "echo attempt; exit 3")}));
  ASSERT_TRUE(g_env->kubelet().upsert_pod(pod).has_value());
  // Waits for a status taken while the container waits out its backoff
  // after at least three restarts.
  json s = wait_status("uid-crash", [&](const json& s) {
    const json& c = container_status(s, "boom");
    bool crashloop = c.contains("state") && c["state"].contains("waiting") &&
                     c["state"]["waiting"].value("reason", "") == "CrashLoopBackOff";
    return crashloop && c.value("restartCount", 0) >= 3;
  });
  const json& c = container_status(s, "boom");
  EXPECT_GE(c["restartCount"].get<int>(), 3);
  EXPECT_EQ(c["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(c["ready"], false);
  EXPECT_EQ(c["lastState"]["terminated"]["exitCode"], 3);
  EXPECT_EQ(s["phase"], "Running");  // restartPolicy Always keeps the pod Running
  EXPECT_EQ(condition(s, "Ready"), "False");
  bool backoff_event = false;
  for (const auto& e : g_env->events("uid-crash")) backoff_event |= e.reason == "BackOff";
  EXPECT_TRUE(backoff_event);
  // The previous instance's log is kept.
  std::string prev;
  auto r = g_env->kubelet().logs("uid-crash", "boom", true, {}, [&](std::string_view l) { prev += l; });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(prev, "attempt\n");
  g_env->kubelet().delete_pod("uid-crash", 0);
  wait_removed("uid-crash");
  EXPECT_TRUE(sandboxes_of("uid-crash").empty());
}

TEST_F(KubeletIntegration, GracefulStopRunsPreStopThenSigtermAndLeavesNothing) {
  std::filesystem::path out = g_env->dir() / "graceful";
  std::filesystem::create_directories(out);
  json app = busybox("app",
                     "trap 'echo got-sigterm >> /out/trace; exit 0' TERM; echo started >> /out/trace; "
                     "while true; do sleep 0.2; done");
  app["volumeMounts"] = {{{"name", "out"}, {"mountPath", "/out"}}};
  app["lifecycle"] = {{"preStop", {{"exec", {{"command", {"sh", "-c", "echo prestop >> /out/trace"}}}}}}};
  json pod = make_pod("graceful", "uid-graceful", json::array({app}),
                      {{"volumes", {{{"name", "out"}, {"hostPath", {{"path", out.string()}}}}}}});
  auto links_before = host_links("sk");
  size_t leases_before = leases();
  ASSERT_TRUE(g_env->kubelet().upsert_pod(pod).has_value());
  json s = wait_status("uid-graceful", [](const json& s) { return condition(s, "Ready") == "True"; });
  auto links_running = host_links("sk");
  std::vector<std::string> ours;
  for (const auto& l : links_running)
    if (std::find(links_before.begin(), links_before.end(), l) == links_before.end()) ours.push_back(l);
  ASSERT_EQ(ours.size(), 1u) << "expected one new sk* veth for the pod";
  EXPECT_EQ(leases(), leases_before + 1);
  EXPECT_EQ(sandboxes_of("uid-graceful").size(), 1u);

  g_env->kubelet().delete_pod("uid-graceful", 10);
  wait_removed("uid-graceful");
  std::ifstream trace(out / "trace");
  std::string text((std::istreambuf_iterator<char>(trace)), {});
  EXPECT_EQ(text, "started\nprestop\ngot-sigterm\n");
  EXPECT_TRUE(sandboxes_of("uid-graceful").empty());
  auto links_after = host_links("sk");
  for (const auto& l : ours) EXPECT_EQ(std::count(links_after.begin(), links_after.end(), l), 0) << l;
  EXPECT_EQ(leases(), leases_before);
  EXPECT_FALSE(std::filesystem::exists(g_env->dir() / "kubelet" / "pods" / "uid-graceful"));
}

TEST_F(KubeletIntegration, MissingImageReportsPullErrorAndKeepsGoing) {
  // A registry address on loopback that nothing listens on: the pull fails
  // at once, and nothing leaves the machine.
  json c = {{"name", "ghost"}, {"image", "127.0.0.1:1/skiff/missing:1"}, {"imagePullPolicy", "IfNotPresent"}};
  ASSERT_TRUE(g_env->kubelet().upsert_pod(make_pod("missing-image", "uid-missing", json::array({c}))).has_value());
  json s = wait_status("uid-missing", [](const json& s) {
    const json& c = container_status(s, "ghost");
    std::string reason = c.contains("state") && c["state"].contains("waiting")
                             ? c["state"]["waiting"].value("reason", "") : "";
    return reason == "ImagePullBackOff" || reason == "ErrImagePull";
  });
  EXPECT_EQ(s["phase"], "Pending");
  bool failed_event = false;
  for (const auto& e : g_env->events("uid-missing")) failed_event |= e.reason == "Failed" && e.type == "Warning";
  EXPECT_TRUE(failed_event);
  // Later passes back off: ImagePullBackOff shows up.
  wait_status("uid-missing", [](const json& s) {
    const json& c = container_status(s, "ghost");
    return c.contains("state") && c["state"].contains("waiting") &&
           c["state"]["waiting"].value("reason", "") == "ImagePullBackOff";
  });
  g_env->kubelet().delete_pod("uid-missing", 0);
  wait_removed("uid-missing");
  EXPECT_TRUE(sandboxes_of("uid-missing").empty());
}

TEST_F(KubeletIntegration, PodGetsAnAddressFromSkiffCniAndServesHttpToTheHost) {
  json web = busybox("web", "exec httpd -f -p 8080 -h /www");
  web["ports"] = {{{"name", "http"}, {"containerPort", 8080}}};
  web["readinessProbe"] = {{"httpGet", {{"path", "/index.html"}, {"port", "http"}}}, {"periodSeconds", 1}};
  web["livenessProbe"] = {{"tcpSocket", {{"port", 8080}}}, {"periodSeconds", 1}};
  ASSERT_TRUE(g_env->kubelet().upsert_pod(make_pod("web", "uid-web", json::array({web}))).has_value());
  json s = wait_status("uid-web", [](const json& s) { return condition(s, "Ready") == "True"; });
  std::string ip = s.value("podIP", "");
  ASSERT_TRUE(ip.starts_with(g_env->pod_cidr_prefix())) << ip;
  auto probe = http_get_probe(ip, 8080, "/index.html", {}, 5s);
  EXPECT_TRUE(probe.success) << probe.message;
  // The body, too: a plain GET from the host.
  std::string body;
  std::string cmd = "busybox wget -q -O - http://" + ip + ":8080/index.html";
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[256];
    while (size_t n = fread(buf, 1, sizeof buf, p)) body.append(buf, n);
    pclose(p);
  }
  EXPECT_EQ(body, "skiff test server\n");
  EXPECT_EQ(container_status(s, "web")["restartCount"], 0);
  g_env->kubelet().delete_pod("uid-web", 0);
  wait_removed("uid-web");
}

}  // namespace
}  // namespace skiff::kubelet::testing
