#include "slot_allocator.h"

#include <gtest/gtest.h>

namespace skiff::lb {
namespace {

using Clock = SlotAllocator::Clock;

TEST(SlotAllocator, FreedRangeIsQuarantinedThenReused) {
  SlotAllocator alloc(1000);
  auto t0 = Clock::time_point{};
  auto a = alloc.allocate(251, t0);
  ASSERT_TRUE(a);
  alloc.release(*a, 251, t0);
  auto b = alloc.allocate(251, t0 + std::chrono::milliseconds(1));
  ASSERT_TRUE(b);
  EXPECT_NE(*a, *b) << "a packet may still read the old range";
  auto c = alloc.allocate(251, t0 + SlotAllocator::kGrace);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, *a);
}

TEST(SlotAllocator, ExhaustionIsReported) {
  SlotAllocator alloc(600);
  EXPECT_TRUE(alloc.allocate(509));
  EXPECT_FALSE(alloc.allocate(251));
  EXPECT_EQ(alloc.in_use(), 509u);
}

TEST(SlotAllocator, LargerFreeRangeIsSplit) {
  SlotAllocator alloc(1021);
  auto t0 = Clock::time_point{};
  auto big = alloc.allocate(1021, t0);
  ASSERT_TRUE(big);
  alloc.release(*big, 1021, t0);
  auto later = t0 + SlotAllocator::kGrace;
  auto a = alloc.allocate(509, later);
  auto b = alloc.allocate(509, later);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_NE(*a, *b);
  EXPECT_FALSE(alloc.allocate(251, later)) << "1021 - 2 * 509 leaves 3 slots";
}

TEST(SlotAllocator, AdoptKeepsRangesAndFreesGaps) {
  SlotAllocator alloc(2000);
  alloc.adopt({{600, 251}, {0, 251}});
  EXPECT_EQ(alloc.in_use(), 502u);
  // The gap [251, 600) holds one 251 range; the next comes after 851.
  auto a = alloc.allocate(251);
  auto b = alloc.allocate(251);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, 251u);
  EXPECT_EQ(*b, 851u);
}

}  // namespace
}  // namespace skiff::lb
