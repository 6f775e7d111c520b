#include <gtest/gtest.h>

#include "fake_lister_watcher.h"
#include "skiff/client/informer.h"

namespace skiff::client {
namespace {

using testing::event;
using testing::FakeListerWatcher;
using testing::object;
using testing::WatchSession;
using T = WatchEventType;

// Records handler calls as "add ns/a 1", "update ns/a 1->2", "delete ns/b 3 unknown".
struct Recorder {
  std::mutex mu;
  std::vector<std::string> calls;
  static std::string rv(const ObjectPtr& o) { return (*o)["metadata"].value("resourceVersion", ""); }
  EventHandler handler() {
    return {
        [this](const ObjectPtr& o) { push("add " + object_key(*o) + " " + rv(o)); },
        [this](const ObjectPtr& old, const ObjectPtr& now) {
          push("update " + object_key(*now) + " " + rv(old) + "->" + rv(now));
        },
        [this](const DeletedObject& d) {
          push("delete " + d.key + " " + rv(d.object) + (d.final_state_unknown ? " unknown" : ""));
        },
    };
  }
  void push(std::string s) {
    std::lock_guard lock(mu);
    calls.push_back(std::move(s));
  }
  std::vector<std::string> get() {
    std::lock_guard lock(mu);
    return calls;
  }
};

InformerOptions fast_options() {
  InformerOptions o;
  o.reflector.initial_backoff = std::chrono::milliseconds(1);
  o.reflector.max_backoff = std::chrono::milliseconds(4);
  o.reflector.page_size = 2;
  return o;
}

ObjectList list_of(std::vector<nlohmann::json> items, std::string rv, std::string cont = "") {
  return ObjectList{std::move(items), std::move(rv), std::move(cont)};
}

TEST(InformerTest, ListThenWatchDeliversEventsInOrder) {
  auto lw = std::make_unique<FakeListerWatcher>();
  auto* fake = lw.get();
  fake->add_list(list_of({object("ns", "a", "1"), object("ns", "b", "2")}, "2"));
  fake->add_watch({{event(T::Modified, object("ns", "a", "3")), event(T::Deleted, object("ns", "b", "4")),
                    event(T::Added, object("ns", "c", "5"))},
                   {}});
  SharedInformer informer(std::move(lw), fast_options());
  Recorder rec;
  informer.add_event_handler(rec.handler());
  EXPECT_FALSE(informer.has_synced());
  informer.start();
  fake->wait_idle();
  EXPECT_TRUE(informer.has_synced());
  EXPECT_EQ(rec.get(), (std::vector<std::string>{"add ns/a 1", "add ns/b 2", "update ns/a 1->3", "delete ns/b 4",
                                                 "add ns/c 5"}));
  EXPECT_EQ(informer.store().keys().size(), 2u);
  EXPECT_TRUE(informer.store().get("ns/a"));
  EXPECT_FALSE(informer.store().get("ns/b"));
  // The stream ended normally; the next watch resumes from the last event's version.
  ASSERT_EQ(fake->watch_calls.size(), 2u);
  EXPECT_EQ(fake->watch_calls[0].resource_version, "2");
  EXPECT_TRUE(fake->watch_calls[0].allow_bookmarks);
  EXPECT_GE(fake->watch_calls[0].timeout_seconds, 300);  // kube's 300..600 s
  EXPECT_LT(fake->watch_calls[0].timeout_seconds, 600);
  EXPECT_EQ(fake->watch_calls[1].resource_version, "5");
  EXPECT_EQ(informer.reflector().lists(), 1u);
}

TEST(InformerTest, PagedListUsesLimitAndContinue) {
  auto lw = std::make_unique<FakeListerWatcher>();
  auto* fake = lw.get();
  fake->add_list(list_of({object("ns", "a", "1"), object("ns", "b", "2")}, "3", "page2"));
  fake->add_list(list_of({object("ns", "c", "3")}, "3"));
  SharedInformer informer(std::move(lw), fast_options());
  informer.start();
  fake->wait_idle();
  EXPECT_EQ(informer.store().size(), 3u);
  ASSERT_EQ(fake->list_calls.size(), 2u);
  EXPECT_EQ(fake->list_calls[0].limit, 2);
  EXPECT_EQ(fake->list_calls[0].continue_token, "");
  EXPECT_EQ(fake->list_calls[1].continue_token, "page2");
  EXPECT_EQ(fake->watch_calls.at(0).resource_version, "3");
}

TEST(InformerTest, ExpiredContinueTokenRestartsTheList) {
  auto lw = std::make_unique<FakeListerWatcher>();
  auto* fake = lw.get();
  fake->add_list(list_of({object("ns", "a", "1"), object("ns", "b", "2")}, "3", "page2"));
  fake->add_list(api_fail(410, "Expired", "continue token expired"));
  fake->add_list(list_of({object("ns", "a", "1")}, "7"));
  SharedInformer informer(std::move(lw), fast_options());
  informer.start();
  fake->wait_idle();
  EXPECT_EQ(informer.store().size(), 1u);  // only the fresh listing counts
  EXPECT_EQ(fake->list_calls.size(), 3u);
  EXPECT_EQ(fake->list_calls[2].continue_token, "");
  EXPECT_EQ(fake->watch_calls.at(0).resource_version, "7");
}

TEST(InformerTest, ExpiredWatchRelistsAndReportsVanishedObjects) {
  auto lw = std::make_unique<FakeListerWatcher>();
  auto* fake = lw.get();
  fake->add_list(list_of({object("ns", "a", "1"), object("ns", "b", "2")}, "2"));
  nlohmann::json expired = {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}, {"message", "too old"}};
  fake->add_watch({{event(T::Error, expired), event(T::Added, object("ns", "ignored", "9"))}, {}});
  // While we were away: b deleted, c created, a unchanged, d changed.
  fake->add_list(list_of({object("ns", "a", "1"), object("ns", "c", "8")}, "8"));
  SharedInformer informer(std::move(lw), fast_options());
  Recorder rec;
  informer.add_event_handler(rec.handler());
  informer.start();
  fake->wait_idle();
  EXPECT_EQ(rec.get(), (std::vector<std::string>{"add ns/a 1", "add ns/b 2", "add ns/c 8", "delete ns/b 2 unknown"}));
  EXPECT_EQ(informer.reflector().lists(), 2u);
  EXPECT_EQ(fake->watch_calls.back().resource_version, "8");
  EXPECT_FALSE(informer.store().get("ns/ignored"));  // events after an ERROR are not applied
}

TEST(InformerTest, HttpGoneOnWatchRelists) {
  auto lw = std::make_unique<FakeListerWatcher>();
  auto* fake = lw.get();
  fake->add_list(list_of({object("ns", "a", "1")}, "1"));
  fake->add_watch({{}, api_fail(410, "Gone", "")});
  fake->add_list(list_of({object("ns", "a", "6")}, "6"));
  SharedInformer informer(std::move(lw), fast_options());
  Recorder rec;
  informer.add_event_handler(rec.handler());
  informer.start();
  fake->wait_idle();
  EXPECT_EQ(rec.get(), (std::vector<std::string>{"add ns/a 1", "update ns/a 1->6"}));
}

TEST(InformerTest, BrokenWatchResumesFromTheLastVersionWithoutRelisting) {
  auto lw = std::make_unique<FakeListerWatcher>();
  auto* fake = lw.get();
  fake->add_list(list_of({}, "10"));
  fake->add_watch({{event(T::Added, object("", "node-1", "11")),
                    event(T::Bookmark, nlohmann::json{{"metadata", {{"resourceVersion", "15"}}}})},
                   connection_error("connection reset")});
  fake->add_watch({{}, api_fail(503, "ServiceUnavailable", "restarting")});
  SharedInformer informer(std::move(lw), fast_options());
  informer.start();
  fake->wait_idle();
  EXPECT_EQ(informer.reflector().lists(), 1u);
  ASSERT_EQ(fake->watch_calls.size(), 3u);
  EXPECT_EQ(fake->watch_calls[1].resource_version, "15");  // the bookmark moved it on
  EXPECT_EQ(fake->watch_calls[2].resource_version, "15");
  EXPECT_TRUE(informer.store().get("node-1"));  // cluster-scoped key is the name
}

TEST(InformerTest, ListFailureIsRetried) {
  auto lw = std::make_unique<FakeListerWatcher>();
  auto* fake = lw.get();
  fake->add_list(connection_error("refused"));
  fake->add_list(list_of({object("ns", "a", "1")}, "1"));
  SharedInformer informer(std::move(lw), fast_options());
  informer.start();
  fake->wait_idle();
  EXPECT_TRUE(informer.has_synced());
  EXPECT_EQ(informer.store().size(), 1u);
}

TEST(InformerTest, LateHandlerCatchesUpAndRemovedHandlerHearsNothing) {
  auto lw = std::make_unique<FakeListerWatcher>();
  auto* fake = lw.get();
  fake->add_list(list_of({object("ns", "a", "1"), object("ns", "b", "1")}, "1"));
  SharedInformer informer(std::move(lw), fast_options());
  informer.start();
  std::stop_source never;
  ASSERT_TRUE(informer.wait_for_sync(never.get_token()));
  fake->wait_idle();
  Recorder late, removed;
  informer.add_event_handler(late.handler());
  size_t id = informer.add_event_handler(removed.handler());
  informer.remove_event_handler(id);
  auto calls = late.get();
  std::sort(calls.begin(), calls.end());
  EXPECT_EQ(calls, (std::vector<std::string>{"add ns/a 1", "add ns/b 1"}));
  fake->add_watch({{event(T::Added, object("ns", "c", "2"))}, {}});
  fake->wait_idle();
  EXPECT_EQ(late.get().size(), 3u);
  EXPECT_EQ(removed.get().size(), 2u);  // only its catch-up adds
}

TEST(InformerTest, ResyncRedeliversEverything) {
  auto lw = std::make_unique<FakeListerWatcher>();
  auto* fake = lw.get();
  fake->add_list(list_of({object("ns", "a", "1")}, "1"));
  auto options = fast_options();
  options.resync_period = std::chrono::milliseconds(5);
  SharedInformer informer(std::move(lw), options);
  std::mutex mu;
  std::condition_variable cv;
  int resyncs = 0;
  informer.add_event_handler({nullptr,
                              [&](const ObjectPtr& old, const ObjectPtr& now) {
                                std::lock_guard lock(mu);
                                if (old == now) ++resyncs;
                                cv.notify_all();
                              },
                              nullptr});
  informer.start();
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return resyncs >= 2; });
  EXPECT_GE(resyncs, 2);
}

TEST(InformerTest, TransformDropsManagedFields) {
  auto lw = std::make_unique<FakeListerWatcher>();
  auto* fake = lw.get();
  auto o = object("ns", "a", "1");
  o["metadata"]["managedFields"] = nlohmann::json::array({{{"manager", "kubectl"}}});
  fake->add_list(list_of({o}, "1"));
  SharedInformer informer(std::move(lw), fast_options());
  informer.start();
  fake->wait_idle();
  auto cached = informer.store().get("ns/a");
  ASSERT_TRUE(cached);
  EXPECT_FALSE((*cached)["metadata"].contains("managedFields"));
  EXPECT_EQ((*cached)["metadata"]["name"], "a");
}

TEST(StoreTest, IndexesFollowUpdatesAndDeletes) {
  Store store;
  store.add_indexer("namespace", namespace_index());
  store.upsert(std::make_shared<const nlohmann::json>(object("ns1", "a", "1")));
  store.upsert(std::make_shared<const nlohmann::json>(object("ns1", "b", "1")));
  store.upsert(std::make_shared<const nlohmann::json>(object("ns2", "c", "1")));
  store.add_indexer("app", label_index("app"));  // added late: indexes what is there
  store.add_indexer("labels", labels_index());
  EXPECT_EQ(store.by_index("namespace", "ns1").size(), 2u);
  EXPECT_EQ(store.by_index("app", "c").size(), 1u);
  EXPECT_EQ(store.by_index("labels", "app=a").size(), 1u);

  auto moved = object("ns1", "a", "2");
  moved["metadata"]["labels"]["app"] = "z";
  auto previous = store.upsert(std::make_shared<const nlohmann::json>(moved));
  ASSERT_TRUE(previous);
  EXPECT_EQ((*previous)["metadata"]["resourceVersion"], "1");
  EXPECT_TRUE(store.by_index("app", "a").empty());
  EXPECT_EQ(store.by_index("app", "z").size(), 1u);

  store.erase("ns1/b");
  EXPECT_EQ(store.by_index("namespace", "ns1").size(), 1u);
  store.erase("ns1/a");
  EXPECT_TRUE(store.by_index("namespace", "ns1").empty());
  auto values = store.index_values("namespace");
  EXPECT_EQ(values, std::vector<std::string>{"ns2"});
  EXPECT_TRUE(store.by_index("nope", "x").empty());
  EXPECT_FALSE(store.erase("ns1/a"));
  EXPECT_EQ(store.size(), 1u);
}

TEST(StoreTest, CustomIndexWithSeveralValues) {
  Store store;
  store.add_indexer("ports", [](const nlohmann::json& o) {
    std::vector<std::string> out;
    for (const auto& p : o.value("ports", nlohmann::json::array())) out.push_back(std::to_string(p.get<int>()));
    return out;
  });
  auto o = object("ns", "svc", "1");
  o["ports"] = {80, 443};
  store.upsert(std::make_shared<const nlohmann::json>(o));
  EXPECT_EQ(store.by_index("ports", "80").size(), 1u);
  EXPECT_EQ(store.by_index("ports", "443").size(), 1u);
  EXPECT_TRUE(store.by_index("ports", "8080").empty());
}

TEST(InformerFactoryTest, OneInformerPerResource) {
  std::map<std::string, int> made;
  SharedInformerFactory factory([&](const GroupVersionResource& gvr) -> std::unique_ptr<ListerWatcher> {
    ++made[gvr.resource];
    auto fake = std::make_unique<FakeListerWatcher>();
    fake->add_list(list_of({}, "1"));
    return fake;
  });
  auto a = factory.informer(resources::services());
  auto b = factory.informer(resources::services());
  auto c = factory.informer(resources::endpoint_slices());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(made["services"], 1);
  EXPECT_EQ(made["endpointslices"], 1);
  factory.start();
  std::stop_source never;
  EXPECT_TRUE(factory.wait_for_cache_sync(never.get_token()));
  EXPECT_TRUE(a->has_synced());
  EXPECT_TRUE(c->has_synced());
  factory.shutdown();
}

}  // namespace
}  // namespace skiff::client
