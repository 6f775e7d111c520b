#include <gtest/gtest.h>

#include "skiff/apimachinery/resources.h"

namespace skiff::apimachinery {
namespace {

TEST(Resources, LooksUpByShortNameSingularAndKind) {
  auto reg = ResourceRegistry::builtin();
  struct Case {
    const char* name;
    const char* group;
    const char* plural;
  } cases[] = {{"po", "", "pods"},          {"pod", "", "pods"},
               {"Pod", "", "pods"},         {"deploy", "apps", "deployments"},
               {"svc", "", "services"},     {"cm", "", "configmaps"},
               {"ns", "", "namespaces"},    {"sts", "apps", "statefulsets"},
               {"hpa", "autoscaling", "horizontalpodautoscalers"},
               {"netpol", "networking.k8s.io", "networkpolicies"},
               {"crd", "apiextensions.k8s.io", "customresourcedefinitions"},
               {"pc", "scheduling.k8s.io", "priorityclasses"}};
  for (const auto& c : cases) {
    auto found = reg.find_by_name(c.name);
    ASSERT_FALSE(found.empty()) << c.name;
    EXPECT_EQ(found[0]->group, c.group) << c.name;
    EXPECT_EQ(found[0]->plural, c.plural) << c.name;
  }
}

TEST(Resources, EventsPreferCoreGroup) {
  auto found = ResourceRegistry::builtin().find_by_name("ev");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->group, "");
  EXPECT_EQ(found[1]->group, "events.k8s.io");
}

TEST(Resources, AllCategoryAndScaleSubresource) {
  auto reg = ResourceRegistry::builtin();
  std::vector<std::string> all;
  for (const auto& r : reg.all())
    if (std::find(r.categories.begin(), r.categories.end(), "all") != r.categories.end()) all.push_back(r.plural);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::string>{"cronjobs", "daemonsets", "deployments", "horizontalpodautoscalers", "jobs",
                                           "pods", "replicasets", "replicationcontrollers", "services", "statefulsets"}));
  const ResourceInfo* deploy = reg.find(GroupVersionResource{"apps", "v1", "deployments"});
  ASSERT_NE(deploy, nullptr);
  const SubresourceInfo* scale = deploy->subresource("scale");
  ASSERT_NE(scale, nullptr);
  EXPECT_EQ(scale->kind, (GroupVersionKind{"autoscaling", "v1", "Scale"}));
  EXPECT_TRUE(deploy->namespaced);
  EXPECT_FALSE(reg.find(GroupVersionKind{"", "v1", "Namespace"})->namespaced);
  EXPECT_FALSE(reg.find(GroupVersionKind{"", "v1", "Namespace"})->has_verb("deletecollection"));
  EXPECT_EQ(reg.find(GroupVersionKind{"authorization.k8s.io", "v1", "SelfSubjectAccessReview"})->verbs,
            std::vector<std::string>{"create"});
}

TEST(Resources, CustomResourcesAddReplaceAndCannotShadowBuiltins) {
  auto reg = ResourceRegistry::builtin();
  ResourceInfo crd{.group = "example.com", .version = "v1", .kind = "Widget", .plural = "widgets", .singular = "widget"};
  crd.short_names = {"wd"};
  ASSERT_TRUE(reg.add_custom(crd));
  EXPECT_EQ(reg.find_by_name("wd").at(0)->kind, "Widget");
  EXPECT_TRUE(reg.find(GroupVersionResource{"example.com", "v1", "widgets"})->custom);
  ResourceInfo bad{.group = "apps", .version = "v1", .kind = "Deployment", .plural = "deployments"};
  auto r = reg.add_custom(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, 409);
  EXPECT_TRUE(reg.remove_custom({"example.com", "v1", "widgets"}));
  EXPECT_TRUE(reg.find_by_name("wd").empty());
  // group versions: core first, each once
  auto gvs = reg.group_versions();
  EXPECT_EQ(gvs.front(), (std::pair<std::string, std::string>{"", "v1"}));
  EXPECT_EQ(std::count(gvs.begin(), gvs.end(), std::pair<std::string, std::string>{"apps", "v1"}), 1);
}

TEST(Resources, ApiVersionSplits) {
  EXPECT_EQ(GroupVersionKind::from("apps/v1", "Deployment"), (GroupVersionKind{"apps", "v1", "Deployment"}));
  EXPECT_EQ(GroupVersionKind::from("v1", "Pod"), (GroupVersionKind{"", "v1", "Pod"}));
  EXPECT_EQ((GroupVersionKind{"", "v1", "Pod"}).api_version(), "v1");
}

}  // namespace
}  // namespace skiff::apimachinery
