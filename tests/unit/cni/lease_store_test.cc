#include "cni/lib/lease_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "temp_dir.h"

namespace skiff::cni {
namespace {

using testing::TempDir;

TEST(LeaseStore, CreatesParentsAndLeaseFiles) {
  TempDir dir;
  auto store = LeaseStore::open(dir.path() + "/a/b/net");
  ASSERT_TRUE(store) << store.error().msg;
  auto lock = store->lock();
  ASSERT_TRUE(lock);
  Lease lease{*Ipv4::parse("10.0.0.2"), "cid", "eth0", false};
  EXPECT_EQ(store->create(lease), true);
  EXPECT_EQ(store->create({lease.ip, "other", "eth0", false}), false);  // never overwrites
  auto leases = store->list();
  ASSERT_TRUE(leases);
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].container_id, "cid");
  EXPECT_EQ((*leases)[0].ifname, "eth0");
  EXPECT_FALSE((*leases)[0].corrupt);
  ASSERT_TRUE(store->remove(lease.ip));
  ASSERT_TRUE(store->remove(lease.ip));  // absent is fine
  EXPECT_TRUE(store->list()->empty());
  // No temporaries are left behind by successful writes.
  for (const auto& e : std::filesystem::directory_iterator(store->dir()))
    EXPECT_NE(e.path().filename().string().rfind(".tmp-", 0), 0u) << e.path();
}

TEST(LeaseStore, LastReservedRoundTrips) {
  TempDir dir;
  auto store = LeaseStore::open(dir.path());
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->last_reserved());
  ASSERT_TRUE(store->set_last_reserved(*Ipv4::parse("10.0.0.9")));
  ASSERT_TRUE(store->set_last_reserved(*Ipv4::parse("10.0.0.10")));
  EXPECT_EQ(store->last_reserved()->str(), "10.0.0.10");
}

TEST(LeaseStore, UnusableDirectoryIsAnIoError) {
  TempDir dir;
  std::ofstream(dir.path() + "/file") << "x";
  auto store = LeaseStore::open(dir.path() + "/file/sub");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kIoFailure);
}

}  // namespace
}  // namespace skiff::cni
