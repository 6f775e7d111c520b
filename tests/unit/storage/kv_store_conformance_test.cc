// The behaviour every KvStore backend must share, run against each backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "event_collector.h"
#include "test_backends.h"

namespace skiff::storage::testing {
namespace {

template <class Backend>
class KvStoreConformance : public ::testing::Test {
 protected:
  Backend backend;
  std::unique_ptr<KvStore> store = backend.open();
  const std::string prefix = "/registry/pods/default/";

  std::string key(std::string_view name) const { return prefix + std::string(name); }

  KeyValue must_create(const std::string& k, const std::string& value) {
    auto created = store->create(k, value);
    EXPECT_TRUE(created) << created.error().describe();
    return created.value_or(KeyValue{});
  }
};

struct BackendNames {
  template <class T>
  static std::string GetName(int) {
    return T::name;
  }
};

using Backends = ::testing::Types<SqliteBackend, EtcdBackend>;
TYPED_TEST_SUITE(KvStoreConformance, Backends, BackendNames);

TYPED_TEST(KvStoreConformance, CreateGetUpdateDelete) {
  auto& store = *this->store;
  auto created = this->must_create(this->key("a"), "v1");
  EXPECT_EQ(created.create_revision, created.mod_revision);
  EXPECT_GT(created.create_revision, 0);

  auto read = store.get(this->key("a"));
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_EQ(*read, created);

  auto again = store.create(this->key("a"), "other");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::AlreadyExists);
  ASSERT_TRUE(again.error().current);
  EXPECT_EQ(again.error().current->value, "v1");

  auto updated = store.update(this->key("a"), "v2", created.mod_revision);
  ASSERT_TRUE(updated) << updated.error().describe();
  EXPECT_EQ(updated->create_revision, created.create_revision);
  EXPECT_GT(updated->mod_revision, created.mod_revision);
  EXPECT_EQ(store.get(this->key("a"))->value, "v2");

  auto unconditional = store.update(this->key("a"), "v3");
  ASSERT_TRUE(unconditional) << unconditional.error().describe();
  EXPECT_GT(unconditional->mod_revision, updated->mod_revision);

  auto deleted = store.remove(this->key("a"), unconditional->mod_revision);
  ASSERT_TRUE(deleted) << deleted.error().describe();
  EXPECT_EQ(deleted->previous.value, "v3");
  EXPECT_EQ(deleted->previous.mod_revision, unconditional->mod_revision);
  EXPECT_GT(deleted->revision, unconditional->mod_revision);

  EXPECT_EQ(store.get(this->key("a")).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(store.remove(this->key("a")).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(store.update(this->key("a"), "x").error().kind, ErrorKind::NotFound);
  EXPECT_EQ(store.update(this->key("a"), "x", deleted->revision).error().kind, ErrorKind::NotFound);

  // A re-created key starts a new incarnation.
  auto recreated = this->must_create(this->key("a"), "v4");
  EXPECT_GT(recreated.create_revision, deleted->revision);
}

TYPED_TEST(KvStoreConformance, CompareAndSwapConflictCarriesCurrentObject) {
  auto& store = *this->store;
  auto created = this->must_create(this->key("cas"), "v1");
  auto winner = store.update(this->key("cas"), "winner", created.mod_revision);
  ASSERT_TRUE(winner);

  auto loser = store.update(this->key("cas"), "loser", created.mod_revision);
  ASSERT_FALSE(loser);
  EXPECT_EQ(loser.error().kind, ErrorKind::Conflict);
  ASSERT_TRUE(loser.error().current);
  EXPECT_EQ(loser.error().current->value, "winner");
  EXPECT_EQ(loser.error().current->mod_revision, winner->mod_revision);

  auto stale_delete = store.remove(this->key("cas"), created.mod_revision);
  ASSERT_FALSE(stale_delete);
  EXPECT_EQ(stale_delete.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(store.get(this->key("cas"))->value, "winner");
}

TYPED_TEST(KvStoreConformance, RevisionIsGlobalAndCurrent) {
  auto& store = *this->store;
  auto a = this->must_create(this->key("r1"), "x");
  auto b = this->must_create(this->key("r2"), "y");
  EXPECT_EQ(b.mod_revision, a.mod_revision + 1);
  auto current = store.current_revision();
  ASSERT_TRUE(current);
  EXPECT_EQ(*current, b.mod_revision);
  // A failed write does not consume a revision.
  ASSERT_FALSE(store.create(this->key("r1"), "again"));
  EXPECT_EQ(*store.current_revision(), b.mod_revision);
}

TYPED_TEST(KvStoreConformance, ValuesAreOpaqueBytes) {
  std::string value("\0\x01\xff{\"kind\":\"Pod\"}\n\0", 19);
  this->must_create(this->key("bytes"), value);
  auto read = this->store->get(this->key("bytes"));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->value, value);
  this->must_create(this->key("empty"), "");
  EXPECT_EQ(this->store->get(this->key("empty"))->value, "");
}

TYPED_TEST(KvStoreConformance, RangePaginatesInKeyOrderAtOneRevision) {
  auto& store = *this->store;
  std::vector<std::string> names;
  for (int i = 0; i < 25; ++i) names.push_back(fmt::format("pod-{:02}", i));
  std::vector<std::string> shuffled = names;
  std::reverse(shuffled.begin(), shuffled.end());
  for (const auto& name : shuffled) this->must_create(this->key(name), "v-" + name);
  this->must_create("/registry/pods/defaulz/outside", "x");  // shares bytes, not the prefix
  this->must_create("/registry/pods/default", "x");          // the prefix without its slash

  RangeRequest request{this->prefix, 10, "", 0};
  std::vector<std::string> seen;
  Revision page_revision = 0;
  int pages = 0;
  while (true) {
    auto page = store.range(request);
    ASSERT_TRUE(page) << page.error().describe();
    if (page_revision == 0) page_revision = page->revision;
    EXPECT_EQ(page->revision, page_revision);
    for (auto& kv : page->items) seen.push_back(kv.key.substr(this->prefix.size()));
    ++pages;
    // A write between pages must not show: later pages read at the first page's revision.
    if (pages == 1) {
      ASSERT_TRUE(store.update(this->key("pod-24"), "changed"));
    }
    if (!page->more) break;
    request.continue_from = page->next_key;
    request.revision = page->revision;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, names);
  auto old = store.get(this->key("pod-24"), page_revision);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->value, "v-pod-24");
}

TYPED_TEST(KvStoreConformance, ReadsAtPastRevisionsSeeThePast) {
  auto& store = *this->store;
  auto a1 = this->must_create(this->key("a"), "a1");
  auto b1 = this->must_create(this->key("b"), "b1");
  auto a2 = store.update(this->key("a"), "a2");
  ASSERT_TRUE(a2);
  auto b_deleted = store.remove(this->key("b"));
  ASSERT_TRUE(b_deleted);
  this->must_create(this->key("c"), "c1");

  auto at_b1 = store.range({this->prefix, 0, "", b1.mod_revision});
  ASSERT_TRUE(at_b1) << at_b1.error().describe();
  EXPECT_EQ(at_b1->revision, b1.mod_revision);
  ASSERT_EQ(at_b1->items.size(), 2u);
  EXPECT_EQ(at_b1->items[0], a1);
  EXPECT_EQ(at_b1->items[1], b1);

  auto now = store.range({this->prefix, 0, "", 0});
  ASSERT_TRUE(now);
  ASSERT_EQ(now->items.size(), 2u);
  EXPECT_EQ(now->items[0].value, "a2");
  EXPECT_EQ(now->items[1].value, "c1");

  EXPECT_EQ(store.get(this->key("b"), b1.mod_revision)->value, "b1");
  EXPECT_EQ(store.get(this->key("b"), b_deleted->revision).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(store.get(this->key("a"), a1.mod_revision)->value, "a1");
  EXPECT_EQ(store.get(this->key("c"), b1.mod_revision).error().kind, ErrorKind::NotFound);
}

TYPED_TEST(KvStoreConformance, WatchReplaysFromRevisionInOrderThenFollows) {
  auto& store = *this->store;
  auto a = this->must_create(this->key("a"), "a1");
  auto a2 = store.update(this->key("a"), "a2", a.mod_revision);
  ASSERT_TRUE(a2);
  this->must_create("/registry/services/default/x", "elsewhere");
  auto deleted = store.remove(this->key("a"));
  ASSERT_TRUE(deleted);

  EventCollector collector;
  auto watch = store.watch(this->prefix, a.mod_revision, collector.callback());
  ASSERT_TRUE(watch) << watch.error().describe();
  ASSERT_TRUE(collector.wait_for_events(3));

  auto b = this->must_create(this->key("b"), "b1");
  ASSERT_TRUE(collector.wait_for_events(4));
  auto events = collector.events();
  ASSERT_EQ(events.size(), 4u);

  EXPECT_EQ(events[0].type, EventType::Put);
  EXPECT_EQ(events[0].kv, a);
  EXPECT_FALSE(events[0].previous);

  EXPECT_EQ(events[1].type, EventType::Put);
  EXPECT_EQ(events[1].kv.value, "a2");
  ASSERT_TRUE(events[1].previous);
  EXPECT_EQ(*events[1].previous, a);

  EXPECT_EQ(events[2].type, EventType::Delete);
  EXPECT_EQ(events[2].kv.key, this->key("a"));
  EXPECT_EQ(events[2].kv.mod_revision, deleted->revision);
  ASSERT_TRUE(events[2].previous);
  EXPECT_EQ(events[2].previous->value, "a2");

  EXPECT_EQ(events[3].kv, b);
  EXPECT_FALSE(collector.error());
}

TYPED_TEST(KvStoreConformance, WatchFromNowSeesOnlyLaterWrites) {
  auto& store = *this->store;
  this->must_create(this->key("before"), "x");
  EventCollector collector;
  auto watch = store.watch(this->prefix, 0, collector.callback());
  ASSERT_TRUE(watch);
  auto after = this->must_create(this->key("after"), "y");
  ASSERT_TRUE(collector.wait_for_events(1));
  auto events = collector.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kv, after);
}

TYPED_TEST(KvStoreConformance, CancelledWatchIsSilent) {
  auto& store = *this->store;
  EventCollector collector;
  auto watch = store.watch(this->prefix, 0, collector.callback());
  ASSERT_TRUE(watch);
  this->must_create(this->key("one"), "1");
  ASSERT_TRUE(collector.wait_for_events(1));
  watch->cancel();
  this->must_create(this->key("two"), "2");
  // A second watch sees "two"; by then the cancelled one would have too.
  EventCollector witness;
  auto second = store.watch(this->prefix, store.get(this->key("two"))->mod_revision, witness.callback());
  ASSERT_TRUE(second);
  ASSERT_TRUE(witness.wait_for_events(1));
  EXPECT_EQ(collector.events().size(), 1u);
}

TYPED_TEST(KvStoreConformance, CompactionDropsHistory) {
  auto& store = *this->store;
  auto v1 = this->must_create(this->key("k"), "v1");
  auto v2 = store.update(this->key("k"), "v2");
  auto other = this->must_create(this->key("other"), "o");
  auto v3 = store.update(this->key("k"), "v3");
  ASSERT_TRUE(v2 && v3);

  auto compacted = store.compact(v3->mod_revision);
  ASSERT_TRUE(compacted) << compacted.error().describe();
  EXPECT_GE(*compacted, v3->mod_revision);

  // The latest state survives.
  EXPECT_EQ(store.get(this->key("k"))->value, "v3");
  EXPECT_EQ(store.get(this->key("other"))->value, "o");
  EXPECT_EQ(store.range({this->prefix, 0, "", 0})->items.size(), 2u);
  EXPECT_EQ(store.range({this->prefix, 0, "", v3->mod_revision})->items.size(), 2u);

  // History before the point is gone: reads and watches say Compacted (410).
  EXPECT_EQ(store.get(this->key("k"), v1.mod_revision).error().kind, ErrorKind::Compacted);
  EXPECT_EQ(store.range({this->prefix, 0, "", v2->mod_revision}).error().kind, ErrorKind::Compacted);

  EventCollector collector;
  auto watch = store.watch(this->prefix, v1.mod_revision, collector.callback());
  if (watch) {
    ASSERT_TRUE(collector.wait_for_error());
    EXPECT_EQ(collector.error()->kind, ErrorKind::Compacted);
    EXPECT_TRUE(collector.events().empty());
  } else {
    EXPECT_EQ(watch.error().kind, ErrorKind::Compacted);
  }

  // From the compaction point on, watching works.
  EventCollector fresh;
  auto from_point = store.watch(this->prefix, v3->mod_revision, fresh.callback());
  ASSERT_TRUE(from_point);
  ASSERT_TRUE(fresh.wait_for_events(1));
  EXPECT_EQ(fresh.events()[0].kv, *v3);
  (void)other;

  // Compacting again to an older point changes nothing.
  EXPECT_TRUE(store.compact(v2->mod_revision));
}

TYPED_TEST(KvStoreConformance, ConcurrentWritersAreAllAcknowledgedAndVisible) {
  auto& store = *this->store;
  constexpr int kThreads = 16;
  constexpr int kWritesPerThread = 40;
  auto start = store.current_revision();
  ASSERT_TRUE(start);

  EventCollector collector;
  auto watch = store.watch(this->prefix, *start + 1, collector.callback());
  ASSERT_TRUE(watch);

  std::vector<std::vector<Revision>> revisions(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        auto created = store.create(this->key(fmt::format("w{}-{}", t, i)), fmt::format("value {} {}", t, i));
        if (!created) {
          ++failures;
          continue;
        }
        revisions[t].push_back(created->mod_revision);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);

  std::set<Revision> all;
  for (const auto& per_thread : revisions) {
    EXPECT_TRUE(std::is_sorted(per_thread.begin(), per_thread.end()));  // one caller: strictly increasing
    all.insert(per_thread.begin(), per_thread.end());
  }
  constexpr std::size_t total = kThreads * kWritesPerThread;
  EXPECT_EQ(all.size(), total);  // every write got its own revision
  EXPECT_EQ(*all.begin(), *start + 1);
  EXPECT_EQ(*all.rbegin(), *start + static_cast<Revision>(total));

  auto listed = store.range({this->prefix, 0, "", 0});
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->items.size(), total);

  ASSERT_TRUE(collector.wait_for_events(total));
  auto events = collector.events();
  ASSERT_EQ(events.size(), total);
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_LT(events[i - 1].revision(), events[i].revision());
}

TYPED_TEST(KvStoreConformance, AsyncCompletionsArriveOnce) {
  auto& store = *this->store;
  std::mutex mutex;
  std::condition_variable done;
  int answered = 0;
  for (int i = 0; i < 20; ++i) {
    store.create_async(this->key(fmt::format("async-{}", i)), "v", [&](Result<KeyValue> result) {
      EXPECT_TRUE(result);
      std::lock_guard lock(mutex);
      ++answered;
      done.notify_all();
    });
  }
  std::unique_lock lock(mutex);
  ASSERT_TRUE(done.wait_for(lock, std::chrono::seconds(20), [&] { return answered == 20; }));
}

}  // namespace
}  // namespace skiff::storage::testing
