#include "skiff/kube/object_cache.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace skiff::kube {
namespace {

Service make_service(const std::string& ns, const std::string& name) {
  Service svc;
  svc.meta.ns = ns;
  svc.meta.name = name;
  return svc;
}

EndpointSlice make_slice(const std::string& ns, const std::string& name, const std::string& service) {
  EndpointSlice slice;
  slice.meta.ns = ns;
  slice.meta.name = name;
  slice.service_name = service;
  slice.meta.labels["kubernetes.io/service-name"] = service;
  return slice;
}

std::vector<std::string> names(const std::vector<const EndpointSlice*>& slices) {
  std::vector<std::string> out;
  for (auto* s : slices) out.push_back(s->meta.name);
  return out;
}

struct Recorder {
  std::vector<std::vector<ObjectEvent>> batches;
  void attach(ObjectCache& cache) {
    cache.subscribe([this](const ObjectCache&, const std::vector<ObjectEvent>& events) { batches.push_back(events); });
  }
};

bool has_event(const std::vector<ObjectEvent>& events, Kind kind, const std::string& key, const std::string& service) {
  return std::any_of(events.begin(), events.end(), [&](const ObjectEvent& e) {
    return e.kind == kind && e.key == key && e.service_key == service;
  });
}

TEST(ObjectCache, StoresAndLooksUp) {
  ObjectCache cache;
  cache.upsert(make_service("shop", "web"));
  Pod pod;
  pod.meta = {"shop", "web-0"};
  cache.upsert(pod);
  Namespace ns;
  ns.meta.name = "shop";
  cache.upsert(ns);
  ASSERT_NE(cache.service("shop/web"), nullptr);
  EXPECT_EQ(cache.service("shop/none"), nullptr);
  ASSERT_NE(cache.pod("shop/web-0"), nullptr);
  ASSERT_NE(cache.ns("shop"), nullptr);
  EXPECT_EQ(cache.services().size(), 1u);
  EXPECT_EQ(cache.pods().size(), 1u);
  EXPECT_EQ(cache.namespaces().size(), 1u);
}

TEST(ObjectCache, IndexesSlicesByServiceInNameOrder) {
  ObjectCache cache;
  cache.upsert(make_slice("shop", "web-b", "web"));
  cache.upsert(make_slice("shop", "web-a", "web"));
  cache.upsert(make_slice("shop", "db-a", "db"));
  cache.upsert(make_slice("other", "web-c", "web"));
  EXPECT_EQ(names(cache.slices_of("shop/web")), (std::vector<std::string>{"web-a", "web-b"}));
  EXPECT_EQ(names(cache.slices_of("shop/db")), (std::vector<std::string>{"db-a"}));
  EXPECT_EQ(names(cache.slices_of("other/web")), (std::vector<std::string>{"web-c"}));
  EXPECT_TRUE(cache.slices_of("shop/none").empty());
  // Re-upserting does not duplicate the index entry.
  cache.upsert(make_slice("shop", "web-a", "web"));
  EXPECT_EQ(cache.slices_of("shop/web").size(), 2u);
}

TEST(ObjectCache, CommitDeliversBatchesThenClears) {
  ObjectCache cache;
  Recorder rec;
  rec.attach(cache);
  cache.commit();
  EXPECT_TRUE(rec.batches.empty());  // nothing changed: no call

  cache.upsert(make_service("shop", "web"));
  cache.upsert(make_slice("shop", "web-a", "web"));
  EXPECT_TRUE(rec.batches.empty());  // nothing before commit
  cache.commit();
  ASSERT_EQ(rec.batches.size(), 1u);
  EXPECT_EQ(rec.batches[0].size(), 2u);
  EXPECT_TRUE(has_event(rec.batches[0], Kind::Service, "shop/web", "shop/web"));
  EXPECT_TRUE(has_event(rec.batches[0], Kind::EndpointSlice, "shop/web-a", "shop/web"));
  cache.commit();
  EXPECT_EQ(rec.batches.size(), 1u);
}

TEST(ObjectCache, NoDuplicatesWithinABatch) {
  ObjectCache cache;
  Recorder rec;
  rec.attach(cache);
  for (int i = 0; i < 3; ++i) {
    cache.upsert(make_service("shop", "web"));
    cache.upsert(make_slice("shop", "web-a", "web"));
  }
  cache.commit();
  ASSERT_EQ(rec.batches.size(), 1u);
  EXPECT_EQ(rec.batches[0].size(), 2u);
}

TEST(ObjectCache, SliceMovingBetweenServicesNotifiesBoth) {
  ObjectCache cache;
  Recorder rec;
  rec.attach(cache);
  cache.upsert(make_slice("shop", "s1", "old"));
  cache.commit();
  cache.upsert(make_slice("shop", "s1", "new"));
  cache.commit();
  ASSERT_EQ(rec.batches.size(), 2u);
  const auto& moved = rec.batches[1];
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_TRUE(has_event(moved, Kind::EndpointSlice, "shop/s1", "shop/old"));
  EXPECT_TRUE(has_event(moved, Kind::EndpointSlice, "shop/s1", "shop/new"));
  EXPECT_TRUE(cache.slices_of("shop/old").empty());
  EXPECT_EQ(names(cache.slices_of("shop/new")), (std::vector<std::string>{"s1"}));
}

TEST(ObjectCache, EraseRemovesAndNotifies) {
  ObjectCache cache;
  Recorder rec;
  rec.attach(cache);
  cache.upsert(make_service("shop", "web"));
  cache.upsert(make_slice("shop", "web-a", "web"));
  Pod pod;
  pod.meta = {"shop", "p"};
  cache.upsert(pod);
  Namespace ns;
  ns.meta.name = "shop";
  cache.upsert(ns);
  cache.commit();

  cache.erase(Kind::EndpointSlice, "shop/web-a");
  cache.erase(Kind::Service, "shop/web");
  cache.erase(Kind::Pod, "shop/p");
  cache.erase(Kind::Namespace, "shop");
  cache.erase(Kind::Service, "shop/never-existed");  // no event
  cache.commit();
  ASSERT_EQ(rec.batches.size(), 2u);
  const auto& gone = rec.batches[1];
  EXPECT_EQ(gone.size(), 4u);
  EXPECT_TRUE(has_event(gone, Kind::EndpointSlice, "shop/web-a", "shop/web"));
  EXPECT_TRUE(has_event(gone, Kind::Service, "shop/web", "shop/web"));
  EXPECT_TRUE(has_event(gone, Kind::Pod, "shop/p", ""));
  EXPECT_TRUE(has_event(gone, Kind::Namespace, "shop", ""));
  EXPECT_EQ(cache.service("shop/web"), nullptr);
  EXPECT_TRUE(cache.slices_of("shop/web").empty());
  EXPECT_TRUE(cache.endpoint_slices().empty());
}

TEST(ObjectCache, ListenerSeesTheNewStateAndMayWrite) {
  ObjectCache cache;
  int calls = 0;
  cache.subscribe([&](const ObjectCache& c, const std::vector<ObjectEvent>& events) {
    ++calls;
    if (calls == 1) {
      EXPECT_NE(c.service("shop/web"), nullptr);
      ASSERT_EQ(events.size(), 1u);
      // A write from a listener goes into the next batch.
      const_cast<ObjectCache&>(c).upsert(make_service("shop", "derived"));
    }
  });
  cache.upsert(make_service("shop", "web"));
  cache.commit();
  EXPECT_EQ(calls, 1);
  cache.commit();
  EXPECT_EQ(calls, 2);
}

TEST(ObjectCache, Synced) {
  ObjectCache cache;
  EXPECT_FALSE(cache.synced());
  cache.mark_synced();
  EXPECT_TRUE(cache.synced());
}

}  // namespace
}  // namespace skiff::kube
