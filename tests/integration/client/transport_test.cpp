// The client's HTTPS transport against a scripted local endpoint
// (stream_server.py): streaming before the end of a chunked body, retries,
// headers, TLS name checks. The API semantics are tested against skiff server
// in client_integration_test.cpp.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "skiff/client/client.h"

namespace skiff::client {
namespace {

using namespace std::chrono;
namespace fs = std::filesystem;

template <class Pred>
bool eventually(Pred pred, seconds bound = seconds(60)) {
  auto until = steady_clock::now() + bound;
  while (steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return pred();
}

class TransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "skiff-client-tt-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir_ + "/key.pem -out " + dir_ +
                      "/cert.pem -days 1 -subj /CN=skiff-test -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
                      ">/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl req failed";
    std::ifstream in(dir_ + "/cert.pem");
    std::stringstream ss;
    ss << in.rdbuf();
    ca_ = ss.str();
    for (int attempt = 0; attempt < 5 && !started(); ++attempt) start_server();
    ASSERT_TRUE(started()) << "stream_server.py did not start";
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  bool started() const { return pid_ > 0; }
  void start_server() {
    port_ = 20000 + static_cast<int>(::getpid() % 20000) + attempt_++ * 7;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(1);
      ::dup2(fds[1], 1);
      std::string port = std::to_string(port_), cert = dir_ + "/cert.pem", key = dir_ + "/key.pem";
      ::execl(SKIFF_TEST_PYTHON, SKIFF_TEST_PYTHON, SKIFF_STREAM_SERVER, port.c_str(), cert.c_str(), key.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    char buf[16] = {};
    ssize_t n = ::read(fds[0], buf, sizeof buf - 1);  // "ready", or EOF if it died (port taken)
    ::close(fds[0]);
    if (n > 0 && std::string(buf).starts_with("ready")) {
      pid_ = pid;
    } else {
      ::waitpid(pid, nullptr, 0);
    }
  }
  std::unique_ptr<Client> client(ClientConfig cfg = {}) {
    cfg.server = "https://127.0.0.1:" + std::to_string(port_);
    if (cfg.ca_pem.empty()) cfg.ca_pem = ca_;
    auto c = Client::create(thread_.io(), cfg, RetryPolicy{.max_attempts = 5, .initial_backoff = milliseconds(10)});
    EXPECT_TRUE(c) << c.error().str();
    return c ? std::move(*c) : nullptr;
  }

  std::string dir_, ca_;
  int port_ = 0, attempt_ = 0;
  pid_t pid_ = -1;
  ClientThread thread_;
};

TEST_F(TransportTest, WatchEventsArriveBeforeTheStreamEnds) {
  auto c = client();
  ASSERT_TRUE(c);
  std::mutex mu;
  std::vector<std::string> seen;
  std::jthread watcher([&] {
    auto r = c->watch({{"", "v1", "watch"}, "", "", ""}, {}, [&](WatchEvent&& ev) {
      std::lock_guard lock(mu);
      seen.push_back(std::string(to_string(ev.type)) + " " + ev.resource_version());
    }, std::stop_token{});
    EXPECT_TRUE(r) << r.error().str();
  });
  // The server holds the stream open after the first event until released.
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mu);
    return seen.size() == 1;
  }));
  ASSERT_TRUE(c->request({.path = "/release"}));
  watcher.join();
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED 1", "MODIFIED 2"}));
}

TEST_F(TransportTest, WatchStopsOnRequest) {
  auto c = client();
  ASSERT_TRUE(c);
  std::stop_source stop;
  std::atomic<int> events{0};
  std::jthread watcher([&] {
    auto r = c->watch({{"", "v1", "watch"}, "", "", ""}, {}, [&](WatchEvent&&) { ++events; }, stop.get_token());
    EXPECT_TRUE(r);
  });
  ASSERT_TRUE(eventually([&] { return events.load() == 1; }));
  stop.request_stop();
  watcher.join();  // returns although the server still holds the stream
  EXPECT_EQ(events.load(), 1);
}

TEST_F(TransportTest, GetIsRetriedOn503AndPostIsNot) {
  auto c = client();
  ASSERT_TRUE(c);
  auto post = c->request({.method = HttpMethod::Post, .path = "/flaky", .body = "{}"});
  ASSERT_FALSE(post);
  EXPECT_EQ(post.error().code, 503);
  EXPECT_EQ(post.error().message, "try again");
  auto get = c->request({.path = "/flaky"});
  ASSERT_TRUE(get) << get.error().str();
  auto counts = c->request({.path = "/counts"});
  ASSERT_TRUE(counts);
  auto j = nlohmann::json::parse(counts->body);
  EXPECT_EQ(j["POST /flaky"], 1);
  EXPECT_EQ(j["GET /flaky"], 3);  // 503, 503, 200
}

TEST_F(TransportTest, ThrottledGetWaitsAndRetries) {
  auto c = client();
  ASSERT_TRUE(c);
  auto r = c->request({.path = "/throttled"});
  ASSERT_TRUE(r) << r.error().str();
  EXPECT_EQ(nlohmann::json::parse(r->body)["attempt"], 2);
}

TEST_F(TransportTest, HeadersBodyAndPooledConnections) {
  ClientConfig cfg;
  cfg.token = "s3cret";
  auto c = client(cfg);
  ASSERT_TRUE(c);
  for (int i = 0; i < 5; ++i) {  // several requests over the kept-alive connection
    auto r = c->patch({{"apps", "v1", "deployments"}, "ns", "web", "scale"}, PatchType::Merge,
                      R"({"spec":{"replicas":3}})");
    ASSERT_TRUE(r) << r.error().str();
    EXPECT_EQ((*r)["method"], "PATCH");
    EXPECT_EQ((*r)["path"], "/apis/apps/v1/namespaces/ns/deployments/web/scale");
    EXPECT_EQ((*r)["content_type"], "application/merge-patch+json");
    EXPECT_EQ((*r)["authorization"], "Bearer s3cret");
    EXPECT_EQ((*r)["body"], R"({"spec":{"replicas":3}})");
  }
}

TEST_F(TransportTest, ServerNameIsChecked) {
  ClientConfig wrong;
  wrong.tls_server_name = "not-the-server.example";
  auto c = client(wrong);
  ASSERT_TRUE(c);
  auto r = c->request({.path = "/x", .retry = false});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is_connection_error());
  EXPECT_NE(r.error().message.find("certificate verify failed"), std::string::npos) << r.error().message;

  ClientConfig named;
  named.tls_server_name = "localhost";  // in the certificate's SANs
  auto ok = client(named);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->request({.path = "/x"}));

  ClientConfig insecure;
  insecure.insecure_skip_tls_verify = true;
  insecure.ca_pem = "-";  // not used when not verifying
  insecure.tls_server_name = "not-the-server.example";
  auto c3 = client(insecure);
  ASSERT_TRUE(c3);
  EXPECT_TRUE(c3->request({.path = "/x"}));
}

TEST_F(TransportTest, BadServerUrlsAndTlsMaterialAreRefused) {
  ClientThread t;
  ClientConfig cfg;
  cfg.server = "http://127.0.0.1:1";
  EXPECT_FALSE(Client::create(t.io(), cfg));
  cfg.server = "https://127.0.0.1:notaport";
  EXPECT_FALSE(Client::create(t.io(), cfg));
  cfg.server = "https://127.0.0.1:443";
  cfg.ca_pem = "not a pem";
  auto r = Client::create(t.io(), cfg);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("certificate authority"), std::string::npos);
}

TEST_F(TransportTest, ConnectionRefusedIsAConnectionError) {
  ClientThread t;
  ClientConfig cfg;
  cfg.server = "https://127.0.0.1:1";
  auto c = Client::create(t.io(), cfg, RetryPolicy{.max_attempts = 2, .initial_backoff = milliseconds(1)});
  ASSERT_TRUE(c);
  auto r = (*c)->request({.path = "/"});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is_connection_error());
  EXPECT_NE(r.error().message.find("cannot connect"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace skiff::client
