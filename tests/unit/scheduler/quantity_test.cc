#include <gtest/gtest.h>

#include "scheduler/quantity.h"

namespace skiff::scheduler {
namespace {

struct QuantityCase {
  const char* text;
  int64_t milli;  // MilliValue
  int64_t value;  // Value
};

class QuantityValues : public ::testing::TestWithParam<QuantityCase> {};

TEST_P(QuantityValues, ParsesExactlyAndRoundsUp) {
  const auto& c = GetParam();
  auto milli = parse_milli_value(c.text);
  ASSERT_TRUE(milli.has_value()) << c.text << ": " << milli.error().message;
  EXPECT_EQ(*milli, c.milli) << c.text;
  auto value = parse_value(c.text);
  ASSERT_TRUE(value.has_value()) << c.text;
  EXPECT_EQ(*value, c.value) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Kubernetes, QuantityValues,
    ::testing::Values(QuantityCase{"100m", 100, 1}, QuantityCase{"1", 1000, 1}, QuantityCase{"1.5", 1500, 2},
                      QuantityCase{"0.1m", 1, 1}, QuantityCase{"2Gi", 2147483648000LL, 2147483648LL},
                      QuantityCase{"1.5Gi", 1610612736000LL, 1610612736LL}, QuantityCase{"1Ki", 1024000, 1024},
                      QuantityCase{"1e3", 1000000, 1000}, QuantityCase{"12e-3", 12, 1},
                      QuantityCase{"500M", 500000000000LL, 500000000}, QuantityCase{"1k", 1000000, 1000},
                      QuantityCase{".5", 500, 1},
                      QuantityCase{"5.", 5000, 5}, QuantityCase{"+1", 1000, 1}, QuantityCase{"0", 0, 0},
                      QuantityCase{"000.000", 0, 0}, QuantityCase{"0.0001", 1, 1}, QuantityCase{"1n", 1, 1},
                      QuantityCase{"1000u", 1, 1}, QuantityCase{"1.001m", 2, 1}, QuantityCase{"3Mi", 3145728000LL, 3145728},
                      QuantityCase{"1E-3", 1, 1}, QuantityCase{"2e+2", 200000, 200}));

TEST(Quantity, ExaSuffixIsNotAnExponent) {
  auto v = parse_value("1E");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, 1000000000000000000LL);
  EXPECT_FALSE(parse_milli_value("1E").has_value()) << "1E in millis overflows int64";
}

TEST(Quantity, Negative) {
  auto v = parse_milli_value("-100m");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, -100);
}

TEST(Quantity, RejectsMalformed) {
  for (const char* bad : {"", "abc", "1.2.3", "1K", "1Gb", "1e", "Gi", "+", "1 Gi", "1i", "1e1.5", "--1", "1mm"})
    EXPECT_FALSE(parse_quantity(bad).has_value()) << "'" << bad << "'";
}

TEST(Quantity, TooLarge) {
  EXPECT_FALSE(parse_value("10Ei").has_value());
  auto max = parse_value("9223372036854775807");
  ASSERT_TRUE(max.has_value());
  EXPECT_EQ(*max, INT64_MAX);
  EXPECT_FALSE(parse_value("9223372036854775808").has_value());
}

}  // namespace
}  // namespace skiff::scheduler
