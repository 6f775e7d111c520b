#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "skiff/apimachinery/selectors.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

TEST(LabelSelector, MatchesAllOperators) {
  json labels = {{"app", "web"}, {"tier", "front"}, {"env", "prod"}};
  struct Case {
    const char* selector;
    bool match;
  } cases[] = {{"", true},
               {"app=web", true},
               {"app==web", true},
               {"app!=web", false},
               {"app!=db", true},
               {"missing!=x", true},
               {"env in (prod,staging)", true},
               {"env notin (prod)", false},
               {"env notin (dev)", true},
               {"tier", true},
               {"!tier", false},
               {"!legacy", true},
               {"app=web,tier=back", false},
               {"app = web , env in ( prod )", true},
               {"app.kubernetes.io/name", false},
               {"x=", false}};
  for (const auto& c : cases) {
    auto sel = LabelSelector::parse(c.selector);
    ASSERT_TRUE(sel) << c.selector << ": " << sel.error().message;
    EXPECT_EQ(sel->matches(labels), c.match) << c.selector;
  }
  EXPECT_TRUE(LabelSelector::parse("x=")->matches(json{{"x", ""}}));
}

TEST(LabelSelector, ParseErrors) {
  struct Case {
    const char* selector;
    const char* message;
  } cases[] = {{"a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"},
               {"env in prod", "unable to parse requirement: found 'prod', expected: '('"},
               {"=x", "unable to parse requirement: found '=', expected: identifier"},
               {"a=b c", "unable to parse requirement: found 'c', expected: ',' or 'end of string'"},
               {"env in ()", "unable to parse requirement: for 'in', 'notin' operators, values set can't be empty"}};
  for (const auto& c : cases) {
    auto sel = LabelSelector::parse(c.selector);
    ASSERT_FALSE(sel) << c.selector;
    EXPECT_EQ(sel.error().code, 400);
    EXPECT_EQ(sel.error().message, c.message) << c.selector;
  }
  auto bad_value = LabelSelector::parse("a=b$");
  ASSERT_FALSE(bad_value);
  EXPECT_NE(bad_value.error().message.find("invalid label value: \"b$\""), std::string::npos);
}

TEST(LabelSelector, JsonFormAndString) {
  auto sel = LabelSelector::from_json(json::parse(
      R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"env","operator":"In","values":["staging","prod"]},{"key":"old","operator":"DoesNotExist"}]})"));
  ASSERT_TRUE(sel);
  EXPECT_EQ(sel->str(), "app=web,env in (prod,staging),!old");
  EXPECT_TRUE(sel->matches(json{{"app", "web"}, {"env", "prod"}}));
  EXPECT_FALSE(sel->matches(json{{"app", "web"}, {"env", "prod"}, {"old", "1"}}));
  EXPECT_FALSE(LabelSelector::from_json(json())->matches(json{{"a", "b"}}));  // nil selects nothing
  EXPECT_TRUE(LabelSelector::from_json(json::object())->matches(json{{"a", "b"}}));
  auto bad = LabelSelector::from_json(json::parse(R"({"matchExpressions":[{"key":"a","operator":"Like"}]})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "\"Like\" is not a valid label selector operator");
}

TEST(FieldSelector, PerKindFields) {
  const GroupVersionKind pod{"", "v1", "Pod"};
  json p = json::parse(R"({"metadata":{"name":"web-1","namespace":"default"},"spec":{"nodeName":"node-a"},"status":{"phase":"Running"}})");
  struct Case {
    const char* selector;
    bool match;
  } cases[] = {{"metadata.name=web-1", true},
               {"metadata.name==web-2", false},
               {"metadata.namespace!=kube-system", true},
               {"spec.nodeName=node-a,status.phase=Running", true},
               {"status.phase!=Running", false},
               {"spec.nodeName=", false}};
  for (const auto& c : cases) {
    auto sel = FieldSelector::parse(c.selector, pod);
    ASSERT_TRUE(sel) << c.selector << ": " << sel.error().message;
    EXPECT_EQ(sel->matches(p), c.match) << c.selector;
  }
  EXPECT_EQ(FieldSelector::parse("metadata.name=web-1", pod)->exact("metadata.name"), "web-1");

  auto unsupported = FieldSelector::parse("spec.foo=bar", pod);
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().message, "field label not supported: spec.foo");
  auto malformed = FieldSelector::parse("metadata.name", pod);
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().message, "invalid selector: 'metadata.name'; can't understand 'metadata.name'");

  const GroupVersionKind event{"", "v1", "Event"};
  json ev = json::parse(R"({"metadata":{"name":"e"},"involvedObject":{"kind":"Pod","name":"web-1","namespace":"default","uid":"u1"}})");
  auto describe = FieldSelector::parse("involvedObject.name=web-1,involvedObject.namespace=default,involvedObject.kind=Pod,involvedObject.uid=u1", event);
  ASSERT_TRUE(describe);
  EXPECT_TRUE(describe->matches(ev));
  const GroupVersionKind secret{"", "v1", "Secret"};
  EXPECT_TRUE(FieldSelector::parse("type=kubernetes.io/tls", secret)->matches(json{{"type", "kubernetes.io/tls"}}));
  EXPECT_FALSE(FieldSelector::parse("type=Opaque", {"", "v1", "ConfigMap"}));
}

}  // namespace
}  // namespace skiff::apimachinery
