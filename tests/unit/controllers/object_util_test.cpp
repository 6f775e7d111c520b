#include <gtest/gtest.h>

#include "controllers/label_selector.h"
#include "controllers/names.h"
#include "controllers/object_util.h"

namespace skiff::controllers {
namespace {

TEST(ObjectUtil, TimesRoundTripAndAcceptOffsetsAndFractions) {
  auto t = parse_time("2026-11-23T12:15:13Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_time(*t), "2026-11-23T12:15:13Z");
  EXPECT_EQ(parse_time("2026-11-23T13:15:13.123456+01:00"), t);
  EXPECT_FALSE(parse_time("2026-11-23 12:15:13"));
  EXPECT_FALSE(parse_time("yesterday"));
  EXPECT_FALSE(parse_time("2026-13-23T12:15:13Z"));
}

TEST(ObjectUtil, IntOrPercentRoundsLikeKubernetes) {
  EXPECT_EQ(scaled_int_or_percent("25%", 10, true), 3);
  EXPECT_EQ(scaled_int_or_percent("25%", 10, false), 2);
  EXPECT_EQ(scaled_int_or_percent(4, 10, false), 4);
  EXPECT_FALSE(scaled_int_or_percent("abc%", 10, false));
  EXPECT_FALSE(scaled_int_or_percent("5", 10, false));
}

TEST(Names, FnvAndSafeEncodeMatchTheReferenceAlgorithms) {
  EXPECT_EQ(fnv32a("a"), 0xe40c292cu);  // FNV-1a 32 test vector
  EXPECT_EQ(fnv32a(""), 2166136261u);
  // Digits 0-9 encode as "456789bcdf" in the safe alphabet.
  EXPECT_EQ(safe_encode("0123456789"), "456789bcdf");
  Json t = {{"spec", {{"containers", Json::array({{{"name", "a"}}})}}}};
  EXPECT_EQ(compute_template_hash(t, std::nullopt), compute_template_hash(t, std::nullopt));
  EXPECT_NE(compute_template_hash(t, std::nullopt), compute_template_hash(t, 1));
  EXPECT_NE(compute_template_hash(t, 1), compute_template_hash(t, 2));
  for (char c : compute_template_hash(t, 7)) EXPECT_NE(kSafeAlphabet.find(c), std::string_view::npos);
  RandomNameSource names(1);
  std::string s = names.suffix();
  ASSERT_EQ(s.size(), 5u);
  for (char c : s) EXPECT_NE(kSafeAlphabet.find(c), std::string_view::npos);
}

TEST(LabelSelector, MatchLabelsAndExpressions) {
  auto s = LabelSelector::parse(Json::parse(R"({"matchLabels":{"app":"web"},
      "matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]},
                          {"key":"canary","operator":"DoesNotExist"},
                          {"key":"zone","operator":"NotIn","values":["x"]}]})"));
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->matches(Json{{"app", "web"}, {"tier", "a"}}));
  EXPECT_FALSE(s->matches(Json{{"app", "web"}, {"tier", "c"}}));
  EXPECT_FALSE(s->matches(Json{{"app", "web"}, {"tier", "a"}, {"canary", "1"}}));
  EXPECT_FALSE(s->matches(Json{{"app", "web"}, {"tier", "a"}, {"zone", "x"}}));
  EXPECT_TRUE(LabelSelector::parse(Json::object())->empty());
  EXPECT_TRUE(LabelSelector::parse(nullptr)->matches_nothing());
  auto bad = LabelSelector::parse(Json::parse(R"({"matchExpressions":[{"key":"a","operator":"Near"}]})"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown operator"), std::string::npos);
}

TEST(Conditions, SameStatusKeepsTransitionTime) {
  Json status = Json::object();
  Time t0 = Time(std::chrono::seconds(1000));
  EXPECT_TRUE(set_condition(status, "Ready", "True", "A", "m", t0));
  EXPECT_FALSE(set_condition(status, "Ready", "True", "A", "m2", t0 + std::chrono::seconds(5)));
  EXPECT_TRUE(set_condition(status, "Ready", "True", "B", "m", t0 + std::chrono::seconds(9)));
  EXPECT_EQ(str(field(*find_condition(status, "Ready"), "lastTransitionTime")), format_time(t0));
  EXPECT_TRUE(set_condition(status, "Ready", "False", "C", "m", t0 + std::chrono::seconds(9)));
  EXPECT_EQ(str(field(*find_condition(status, "Ready"), "lastTransitionTime")),
            format_time(t0 + std::chrono::seconds(9)));
}

}  // namespace
}  // namespace skiff::controllers
