// The watch cache mirrors a prefix of a store and serves LIST and WATCH
// from memory; run against both backends.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "event_collector.h"
#include "storage/watch_cache/watch_cache.h"
#include "test_backends.h"

namespace skiff::storage::testing {
namespace {

template <class Backend>
class WatchCacheTest : public ::testing::Test {
 protected:
  Backend backend;
  std::unique_ptr<KvStore> store = backend.open();

  std::unique_ptr<WatchCache> start_cache(std::size_t capacity = 100) {
    auto cache = WatchCache::start(*store, {.prefix = "/registry/", .event_capacity = capacity, .list_page_size = 7});
    EXPECT_TRUE(cache) << cache.error().describe();
    return cache ? std::move(*cache) : nullptr;
  }

  // Waits until the cache has caught up with the store.
  void sync(WatchCache& cache) {
    auto revision = store->current_revision();
    ASSERT_TRUE(revision);
    ASSERT_TRUE(cache.list({"/registry/", 1, "", *revision}, std::chrono::seconds(20)));
  }
};

struct BackendNames {
  template <class T>
  static std::string GetName(int) {
    return T::name;
  }
};

using Backends = ::testing::Types<SqliteBackend, EtcdBackend>;
TYPED_TEST_SUITE(WatchCacheTest, Backends, BackendNames);

TYPED_TEST(WatchCacheTest, ListMatchesTheStoreAndFollowsWrites) {
  auto& store = *this->store;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store.create(fmt::format("/registry/pods/ns/p{:02}", i), "v"));
  auto cache = this->start_cache();
  ASSERT_TRUE(cache);
  EXPECT_EQ(cache->size(), 20u);

  ASSERT_TRUE(store.update("/registry/pods/ns/p03", "changed"));
  ASSERT_TRUE(store.remove("/registry/pods/ns/p04"));
  ASSERT_TRUE(store.create("/registry/services/ns/s", "svc"));
  this->sync(*cache);

  auto from_cache = cache->list({"/registry/pods/", 0, "", 0});
  auto from_store = store.range({"/registry/pods/", 0, "", 0});
  ASSERT_TRUE(from_cache && from_store);
  EXPECT_EQ(from_cache->items, from_store->items);
  EXPECT_EQ(from_cache->revision, from_store->revision);
  EXPECT_EQ(cache->get("/registry/pods/ns/p03")->value, "changed");
  EXPECT_EQ(cache->get("/registry/pods/ns/p04").error().kind, ErrorKind::NotFound);

  // Pagination over the cache.
  auto first = cache->list({"/registry/pods/", 10, "", 0});
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->more);
  auto second = cache->list({"/registry/pods/", 10, first->next_key, 0});
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->more);
  EXPECT_EQ(first->items.size() + second->items.size(), 19u);
}

TYPED_TEST(WatchCacheTest, WatchReplaysRecentEventsFromTheRing) {
  auto& store = *this->store;
  auto cache = this->start_cache();
  ASSERT_TRUE(cache);
  auto a = store.create("/registry/pods/ns/a", "1");
  ASSERT_TRUE(a);
  ASSERT_TRUE(store.update("/registry/pods/ns/a", "2"));
  ASSERT_TRUE(store.create("/registry/configmaps/ns/c", "x"));
  ASSERT_TRUE(store.remove("/registry/pods/ns/a"));
  this->sync(*cache);

  EventCollector collector;
  auto watch = cache->watch("/registry/pods/", a->mod_revision, collector.callback());
  ASSERT_TRUE(watch) << watch.error().describe();
  ASSERT_TRUE(collector.wait_for_events(3));
  auto b = store.create("/registry/pods/ns/b", "live");
  ASSERT_TRUE(collector.wait_for_events(4));
  auto events = collector.events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].kv, *a);
  EXPECT_EQ(events[1].kv.value, "2");
  EXPECT_EQ(events[2].type, EventType::Delete);
  ASSERT_TRUE(events[2].previous);
  EXPECT_EQ(events[2].previous->value, "2");
  EXPECT_EQ(events[3].kv, *b);
}

TYPED_TEST(WatchCacheTest, WatchOlderThanTheRingIsCompacted) {
  auto& store = *this->store;
  auto cache = this->start_cache(5);
  ASSERT_TRUE(cache);
  auto first = store.create("/registry/pods/ns/x", "0");
  ASSERT_TRUE(first);
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(store.update("/registry/pods/ns/x", std::to_string(i)));
  this->sync(*cache);

  EventCollector old_watcher;
  auto too_old = cache->watch("/registry/pods/", first->mod_revision, old_watcher.callback());
  ASSERT_FALSE(too_old);
  EXPECT_EQ(too_old.error().kind, ErrorKind::Compacted);  // the API server answers 410 Gone

  EventCollector recent;
  auto ok = cache->watch("/registry/pods/", cache->revision() - 4, recent.callback());
  ASSERT_TRUE(ok) << ok.error().describe();
  ASSERT_TRUE(recent.wait_for_events(5));
}

TYPED_TEST(WatchCacheTest, BookmarksCarryTheCurrentRevision) {
  auto& store = *this->store;
  auto cache = this->start_cache();
  ASSERT_TRUE(cache);
  ASSERT_TRUE(store.create("/registry/pods/ns/x", "0"));
  this->sync(*cache);
  EventCollector collector;
  auto watch = cache->watch("/registry/pods/", 0, collector.callback());
  ASSERT_TRUE(watch);
  cache->send_bookmarks();
  ASSERT_TRUE(collector.wait_for_batches(1));
  EXPECT_EQ(collector.last_revision(), cache->revision());
  EXPECT_TRUE(collector.events().empty());
}

TYPED_TEST(WatchCacheTest, ListWaitsForARequestedRevision) {
  auto& store = *this->store;
  auto cache = this->start_cache();
  ASSERT_TRUE(cache);
  auto written = store.create("/registry/pods/ns/new", "v");
  ASSERT_TRUE(written);
  auto listed = cache->list({"/registry/pods/", 0, "", written->mod_revision}, std::chrono::seconds(20));
  ASSERT_TRUE(listed) << listed.error().describe();
  EXPECT_GE(listed->revision, written->mod_revision);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0], *written);
}

}  // namespace
}  // namespace skiff::storage::testing
