// skiff_client against a real `skiff server`.
#include <condition_variable>
#include <thread>

#include <gtest/gtest.h>

#include "skiff/client/client.h"
#include "skiff/client/informer.h"
#include "skiff/client/leader_election.h"
#include "skiff_server_process.h"

namespace skiff::client {
namespace {

using namespace std::chrono;
using testing::SkiffServerProcess;

// Polls `pred` every 20 ms; gives up after a generous bound so a broken
// server fails the test instead of hanging it.
template <class Pred>
bool eventually(Pred pred, seconds bound = seconds(60)) {
  auto until = steady_clock::now() + bound;
  while (steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return pred();
}

nlohmann::json config_map(const std::string& name, const std::string& suite, nlohmann::json data) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"suite", suite}}}}},
          {"data", std::move(data)}};
}

ResourceRef cm_ref(const std::string& name = "") { return {resources::configmaps(), "default", name, ""}; }

class ClientIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new SkiffServerProcess();
    std::string error;
    if (!server_->start(error)) {
      setup_error_ = new std::string(error);
      return;
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete setup_error_;
    setup_error_ = nullptr;
  }
  void SetUp() override {
    if (SkiffServerProcess::binary().empty()) GTEST_SKIP() << "SKIFF_BIN not set";
    ASSERT_EQ(setup_error_, nullptr) << *setup_error_;
    auto config = load_kubeconfig(server_->kubeconfig());
    ASSERT_TRUE(config) << config.error().str();
    auto c = Client::create(thread_.io(), *config);
    ASSERT_TRUE(c) << c.error().str();
    client_ = std::move(*c);
  }

  static SkiffServerProcess* server_;
  static std::string* setup_error_;
  ClientThread thread_;
  std::unique_ptr<Client> client_;
};
SkiffServerProcess* ClientIntegrationTest::server_ = nullptr;
std::string* ClientIntegrationTest::setup_error_ = nullptr;

TEST_F(ClientIntegrationTest, ConfigMapCrud) {
  auto created = client_->create(cm_ref(), config_map("crud", "crud", {{"a", "1"}}), "skiff-test");
  ASSERT_TRUE(created) << created.error().str();
  EXPECT_FALSE((*created)["metadata"].value("uid", "").empty());
  std::string rv1 = (*created)["metadata"].value("resourceVersion", "");
  EXPECT_FALSE(rv1.empty());

  auto dup = client_->create(cm_ref(), config_map("crud", "crud", {}));
  ASSERT_FALSE(dup);
  EXPECT_TRUE(dup.error().is_already_exists()) << dup.error().str();

  auto got = client_->get(cm_ref("crud"));
  ASSERT_TRUE(got) << got.error().str();
  EXPECT_EQ((*got)["data"]["a"], "1");

  auto listed = client_->list(cm_ref(), {.label_selector = "suite=crud"});
  ASSERT_TRUE(listed) << listed.error().str();
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0]["metadata"]["name"], "crud");
  EXPECT_FALSE(listed->resource_version.empty());

  auto merged = client_->patch(cm_ref("crud"), PatchType::Merge, R"({"data":{"b":"2"}})");
  ASSERT_TRUE(merged) << merged.error().str();
  EXPECT_EQ((*merged)["data"]["a"], "1");
  EXPECT_EQ((*merged)["data"]["b"], "2");

  auto strategic = client_->patch(cm_ref("crud"), PatchType::StrategicMerge, R"({"data":{"a":null}})");
  ASSERT_TRUE(strategic) << strategic.error().str();
  EXPECT_FALSE((*strategic)["data"].contains("a"));

  auto json_patch = client_->patch(cm_ref("crud"), PatchType::Json, R"([{"op":"add","path":"/data/c","value":"3"}])");
  ASSERT_TRUE(json_patch) << json_patch.error().str();
  EXPECT_EQ((*json_patch)["data"]["c"], "3");

  auto applied = client_->patch(
      cm_ref("crud"), PatchType::Apply,
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"crud","namespace":"default"},"data":{"d":"4"}})",
      {.field_manager = "skiff-test", .force = true});
  ASSERT_TRUE(applied) << applied.error().str();
  EXPECT_EQ((*applied)["data"]["d"], "4");

  // An update based on the first version conflicts.
  nlohmann::json stale = *created;
  stale["data"] = {{"x", "y"}};
  auto conflict = client_->update(cm_ref("crud"), stale);
  ASSERT_FALSE(conflict);
  EXPECT_TRUE(conflict.error().is_conflict()) << conflict.error().str();

  nlohmann::json fresh = *applied;
  fresh["data"] = {{"x", "y"}};
  auto updated = client_->update(cm_ref("crud"), fresh);
  ASSERT_TRUE(updated) << updated.error().str();
  EXPECT_EQ((*updated)["data"], (nlohmann::json{{"x", "y"}}));

  auto invalid = client_->create(cm_ref(), config_map("Not_A_Valid_Name", "crud", {}));
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, 422) << invalid.error().str();
  EXPECT_EQ(invalid.error().reason, "Invalid");

  auto removed = client_->remove(cm_ref("crud"));
  ASSERT_TRUE(removed) << removed.error().str();
  auto gone = client_->get(cm_ref("crud"));
  ASSERT_FALSE(gone);
  EXPECT_TRUE(gone.error().is_not_found()) << gone.error().str();
  EXPECT_EQ(gone.error().reason, "NotFound");
  auto missing_delete = client_->remove(cm_ref("crud"));
  ASSERT_FALSE(missing_delete);
  EXPECT_TRUE(missing_delete.error().is_not_found());
}

TEST_F(ClientIntegrationTest, PagedListCollectsEverything) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client_->create(cm_ref(), config_map("page-" + std::to_string(i), "paging", {})));
  }
  std::set<std::string> names;
  ListOptions options{.label_selector = "suite=paging", .limit = 2};
  int pages = 0;
  for (;;) {
    auto page = client_->list(cm_ref(), options);
    ASSERT_TRUE(page) << page.error().str();
    ASSERT_LE(page->items.size(), 5u);
    ++pages;
    for (auto& item : page->items) names.insert(item["metadata"]["name"].get<std::string>());
    if (page->continue_token.empty()) break;
    options.continue_token = page->continue_token;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(names.size(), 5u);
}

// Handler calls as strings, awaited from the test thread.
struct EventLog {
  std::mutex mu;
  std::vector<std::string> lines;
  EventHandler handler() {
    auto data = [](const ObjectPtr& o) { return o->value("data", nlohmann::json::object()).dump(); };
    return {[this, data](const ObjectPtr& o) { push("add " + object_key(*o) + " " + data(o)); },
            [this, data](const ObjectPtr& old, const ObjectPtr& now) {
              if (old != now) push("update " + object_key(*now) + " " + data(now));
            },
            [this](const DeletedObject& d) { push("delete " + d.key); }};
  }
  void push(std::string s) {
    std::lock_guard lock(mu);
    lines.push_back(std::move(s));
  }
  std::vector<std::string> get() {
    std::lock_guard lock(mu);
    return lines;
  }
  bool has(const std::string& line) {
    auto l = get();
    return std::find(l.begin(), l.end(), line) != l.end();
  }
};

TEST_F(ClientIntegrationTest, InformerSeesAddsUpdatesDeletesInOrder) {
  ASSERT_TRUE(client_->create(cm_ref(), config_map("before", "informer", {{"v", "0"}})));
  SharedInformer informer(std::make_unique<ResourceListerWatcher>(*client_, resources::configmaps(), "default",
                                                                  "suite=informer"));
  EventLog log;
  informer.add_event_handler(log.handler());
  informer.start();
  std::stop_source never;
  ASSERT_TRUE(informer.wait_for_sync(never.get_token()));
  EXPECT_EQ(log.get(), std::vector<std::string>{R"(add default/before {"v":"0"})"});

  ASSERT_TRUE(client_->create(cm_ref(), config_map("cm", "informer", {{"v", "1"}})));
  ASSERT_TRUE(client_->patch(cm_ref("cm"), PatchType::Merge, R"({"data":{"v":"2"}})"));
  ASSERT_TRUE(client_->patch(cm_ref("cm"), PatchType::Merge, R"({"data":{"v":"3"}})"));
  ASSERT_TRUE(client_->remove(cm_ref("cm")));
  ASSERT_TRUE(client_->remove(cm_ref("before")));
  ASSERT_TRUE(eventually([&] { return log.has("delete default/before"); })) << ::testing::PrintToString(log.get());
  EXPECT_EQ(log.get(), (std::vector<std::string>{
                           R"(add default/before {"v":"0"})",
                           R"(add default/cm {"v":"1"})",
                           R"(update default/cm {"v":"2"})",
                           R"(update default/cm {"v":"3"})",
                           "delete default/cm",
                           "delete default/before",
                       }));
  EXPECT_EQ(informer.store().size(), 0u);
  EXPECT_EQ(informer.reflector().lists(), 1u);
}

TEST_F(ClientIntegrationTest, SharedInformerFactoryServesTwoConsumersFromOneWatch) {
  auto factory = SharedInformerFactory::for_client(*client_, "default");
  auto first = factory->informer(resources::configmaps());
  auto second = factory->informer(resources::configmaps());
  ASSERT_EQ(first, second);
  first->add_indexer("suite", label_index("suite"));
  EventLog a, b;
  first->add_event_handler(a.handler());
  second->add_event_handler(b.handler());
  factory->start();
  std::stop_source never;
  ASSERT_TRUE(factory->wait_for_cache_sync(never.get_token()));
  ASSERT_TRUE(client_->create(cm_ref(), config_map("shared", "factory", {{"k", "v"}})));
  ASSERT_TRUE(eventually([&] { return a.has(R"(add default/shared {"k":"v"})") && b.has(R"(add default/shared {"k":"v"})"); }));
  EXPECT_EQ(first->store().by_index("suite", "factory").size(), 1u);
  EXPECT_EQ(first->reflector().watches(), 1u);
  factory->shutdown();
}

TEST_F(ClientIntegrationTest, OnlyOneLeaderAndTheOtherTakesOver) {
  auto make_config = [](const std::string& id, std::vector<std::string>& events, std::mutex& mu) {
    LeaderElectionConfig c;
    c.identity = id;
    c.lease_duration = milliseconds(3000);
    c.renew_deadline = milliseconds(2000);
    c.retry_period = milliseconds(200);
    c.on_started_leading = [&events, &mu, id](std::stop_token) {
      std::lock_guard lock(mu);
      events.push_back(id + " started");
    };
    c.on_stopped_leading = [&events, &mu, id] {
      std::lock_guard lock(mu);
      events.push_back(id + " stopped");
    };
    return c;
  };
  std::mutex mu;
  std::vector<std::string> events;
  ApiLeaseLock lock_a(*client_, "default", "skiff-client-it");
  ApiLeaseLock lock_b(*client_, "default", "skiff-client-it");
  auto a = LeaderElector::create(lock_a, make_config("candidate-a", events, mu));
  auto b = LeaderElector::create(lock_b, make_config("candidate-b", events, mu));
  ASSERT_TRUE(a && b);
  std::jthread run_a([&](std::stop_token stop) { (*a)->run(stop); });
  ASSERT_TRUE(eventually([&] { return (*a)->is_leader(); }));
  std::jthread run_b([&](std::stop_token stop) { (*b)->run(stop); });
  ASSERT_TRUE(eventually([&] { return (*b)->leader() == "candidate-a"; }));
  // b keeps campaigning across several renewals of a's lease; it never leads.
  auto lease_before = client_->get({resources::leases(), "default", "skiff-client-it", ""});
  ASSERT_TRUE(lease_before) << lease_before.error().str();
  std::string renew_before = (*lease_before)["spec"].value("renewTime", "");
  ASSERT_TRUE(eventually([&] {
    auto l = client_->get({resources::leases(), "default", "skiff-client-it", ""});
    return l && (*l)["spec"].value("renewTime", "") != renew_before;
  }));
  EXPECT_FALSE((*b)->is_leader());
  EXPECT_TRUE((*a)->is_leader());

  run_a.request_stop();
  run_a.join();
  ASSERT_TRUE(eventually([&] { return (*b)->is_leader(); }));
  auto lease = client_->get({resources::leases(), "default", "skiff-client-it", ""});
  ASSERT_TRUE(lease) << lease.error().str();
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "candidate-b");
  EXPECT_GE((*lease)["spec"].value("leaseTransitions", 0), 1);
  run_b.request_stop();
  run_b.join();
  std::lock_guard l(mu);
  // a releases before its on_stopped_leading runs (as client-go), so b may
  // start before a's stop is reported; each one's own order is fixed.
  auto at = [&](const std::string& e) { return std::find(events.begin(), events.end(), e) - events.begin(); };
  ASSERT_EQ(events.size(), 4u) << ::testing::PrintToString(events);
  EXPECT_LT(at("candidate-a started"), at("candidate-a stopped"));
  EXPECT_LT(at("candidate-a started"), at("candidate-b started"));
  EXPECT_LT(at("candidate-b started"), at("candidate-b stopped"));
}

// Its own server: this one is stopped and started again.
TEST(ClientRestartTest, WatchSurvivesAServerRestart) {
  if (SkiffServerProcess::binary().empty()) GTEST_SKIP() << "SKIFF_BIN not set";
  SkiffServerProcess server;
  std::string error;
  ASSERT_TRUE(server.start(error)) << error;
  auto config = load_kubeconfig(server.kubeconfig());
  ASSERT_TRUE(config) << config.error().str();
  ClientThread thread;
  auto client = Client::create(thread.io(), *config);
  ASSERT_TRUE(client) << client.error().str();
  Client& c = **client;

  InformerOptions options;
  options.reflector.initial_backoff = milliseconds(100);
  options.reflector.max_backoff = milliseconds(1000);
  SharedInformer informer(std::make_unique<ResourceListerWatcher>(c, resources::configmaps(), "default",
                                                                  "suite=restart"),
                          options);
  EventLog log;
  informer.add_event_handler(log.handler());
  informer.start();
  ASSERT_TRUE(c.create(cm_ref(), config_map("x", "restart", {{"n", "1"}})));
  ASSERT_TRUE(eventually([&] { return informer.store().get("default/x") != nullptr; }));
  auto watches_before = informer.reflector().watches();

  server.stop();
  ASSERT_TRUE(server.start(error)) << error;  // same data dir and port: same CA and kubeconfig
  auto created = c.create(cm_ref(), config_map("y", "restart", {{"n", "2"}}));
  ASSERT_TRUE(created) << "create after restart: " << created.error().str();
  ASSERT_TRUE(c.remove(cm_ref("x")));
  ASSERT_TRUE(eventually([&] {
    return informer.store().get("default/y") != nullptr && informer.store().get("default/x") == nullptr;
  })) << ::testing::PrintToString(log.get());
  EXPECT_GT(informer.reflector().watches(), watches_before);  // it reconnected
  EXPECT_EQ(informer.store().size(), 1u);
  EXPECT_TRUE(log.has(R"(add default/y {"n":"2"})"));
  EXPECT_TRUE(log.has("delete default/x"));
  informer.stop();
}

}  // namespace
}  // namespace skiff::client
