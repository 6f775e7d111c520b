#include <gtest/gtest.h>

#include "skiff/client/client.h"
#include "skiff/client/resource.h"
#include "skiff/client/status.h"
#include "skiff/client/token_bucket.h"

namespace skiff::client {
namespace {

TEST(ResourcePathTest, CoreAndNamedGroups) {
  EXPECT_EQ(resource_path({resources::configmaps(), "", "", ""}), "/api/v1/configmaps");
  EXPECT_EQ(resource_path({resources::configmaps(), "kube-system", "", ""}), "/api/v1/namespaces/kube-system/configmaps");
  EXPECT_EQ(resource_path({resources::configmaps(), "default", "cfg", ""}), "/api/v1/namespaces/default/configmaps/cfg");
  EXPECT_EQ(resource_path({resources::namespaces(), "", "default", ""}), "/api/v1/namespaces/default");
  EXPECT_EQ(resource_path({{"apps", "v1", "deployments"}, "ns", "web", "scale"}),
            "/apis/apps/v1/namespaces/ns/deployments/web/scale");
  EXPECT_EQ(resource_path({resources::leases(), "kube-node-lease", "node-1", ""}),
            "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1");
  EXPECT_EQ(resource_path({resources::endpoint_slices(), "", "", ""}), "/apis/discovery.k8s.io/v1/endpointslices");
  // A subresource without a name has nothing to hang on.
  EXPECT_EQ(resource_path({resources::pods(), "ns", "", "status"}), "/api/v1/namespaces/ns/pods");
  EXPECT_EQ(resource_path({resources::pods(), "ns", "p", "status"}), "/api/v1/namespaces/ns/pods/p/status");
}

TEST(ResourcePathTest, EncodesNamesAndQueries) {
  EXPECT_EQ(resource_path({resources::configmaps(), "ns", "a b/c", ""}), "/api/v1/namespaces/ns/configmaps/a%20b%2Fc");
  EXPECT_EQ(request_target("/api/v1/pods", {}), "/api/v1/pods");
  EXPECT_EQ(request_target("/api/v1/pods", {{"labelSelector", "app in (a,b),tier!=db"}, {"limit", "500"}}),
            "/api/v1/pods?labelSelector=app%20in%20%28a%2Cb%29%2Ctier%21%3Ddb&limit=500");
}

TEST(QueryTest, ListAndWatch) {
  ListOptions lo;
  lo.limit = 500;
  lo.continue_token = "tok";
  lo.label_selector = "a=b";
  QueryParams expect_list{{"labelSelector", "a=b"}, {"limit", "500"}, {"continue", "tok"}};
  EXPECT_EQ(list_query(lo), expect_list);
  WatchOptions wo;
  wo.resource_version = "42";
  wo.timeout_seconds = 300;
  QueryParams expect_watch{{"watch", "true"}, {"resourceVersion", "42"}, {"allowWatchBookmarks", "true"},
                           {"timeoutSeconds", "300"}};
  EXPECT_EQ(watch_query(wo), expect_watch);
}

TEST(PatchTypeTest, ContentTypes) {
  EXPECT_STREQ(content_type(PatchType::Json), "application/json-patch+json");
  EXPECT_STREQ(content_type(PatchType::Merge), "application/merge-patch+json");
  EXPECT_STREQ(content_type(PatchType::StrategicMerge), "application/strategic-merge-patch+json");
  EXPECT_STREQ(content_type(PatchType::Apply), "application/apply-patch+yaml");
}

TEST(StatusTest, FromServerStatus) {
  auto s = status_from_response(422, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
    "message":"ConfigMap \"x\" is invalid","reason":"Invalid",
    "details":{"name":"x","kind":"ConfigMap","causes":[{"reason":"FieldValueInvalid","message":"bad key","field":"data[a b]"}]},
    "code":422})");
  EXPECT_EQ(s.code, 422);
  EXPECT_EQ(s.reason, "Invalid");
  EXPECT_EQ(s.details_name, "x");
  EXPECT_EQ(s.details_kind, "ConfigMap");
  ASSERT_EQ(s.causes.size(), 1u);
  EXPECT_EQ(s.causes[0].field, "data[a b]");
  EXPECT_EQ(s.causes[0].reason, "FieldValueInvalid");
  EXPECT_FALSE(s.is_retryable());
  EXPECT_NE(s.str().find("data[a b]: FieldValueInvalid"), std::string::npos);
}

TEST(StatusTest, FromNonStatusBodies) {
  auto gone = status_from_response(410, "");
  EXPECT_TRUE(gone.is_expired());
  EXPECT_EQ(gone.reason, "Expired");
  auto busy = status_from_response(503, "<html>busy</html>");
  EXPECT_TRUE(busy.is_retryable());
  EXPECT_EQ(busy.message, "<html>busy</html>");
  auto conflict = status_from_response(409, R"({"kind":"Status","reason":"Conflict","code":409})");
  EXPECT_TRUE(conflict.is_conflict());
  EXPECT_FALSE(conflict.is_already_exists());
  auto exists = status_from_response(409, R"({"kind":"Status","reason":"AlreadyExists","code":409})");
  EXPECT_TRUE(exists.is_already_exists());
  EXPECT_TRUE(connection_error("refused").error().is_retryable());
  auto throttled = status_from_response(429, R"({"kind":"Status","code":429,"details":{"retryAfterSeconds":3}})");
  EXPECT_EQ(throttled.retry_after_seconds, 3);
  EXPECT_EQ(throttled.reason, "TooManyRequests");
}

TEST(TokenBucketTest, BurstThenSteadyRate) {
  using namespace std::chrono;
  TokenBucket bucket(10, 3);
  auto t0 = steady_clock::time_point(hours(1));
  EXPECT_EQ(bucket.reserve(t0), nanoseconds(0));
  EXPECT_EQ(bucket.reserve(t0), nanoseconds(0));
  EXPECT_EQ(bucket.reserve(t0), nanoseconds(0));
  EXPECT_EQ(bucket.reserve(t0), milliseconds(100));  // one token owed
  EXPECT_EQ(bucket.reserve(t0), milliseconds(200));  // two owed
  // Much later the debt is paid and the bucket full again, capped at the burst.
  EXPECT_EQ(bucket.reserve(t0 + seconds(10)), nanoseconds(0));
  EXPECT_EQ(bucket.reserve(t0 + seconds(10)), nanoseconds(0));
  EXPECT_EQ(bucket.reserve(t0 + seconds(10)), nanoseconds(0));
  EXPECT_GT(bucket.reserve(t0 + seconds(10)), nanoseconds(0));
  TokenBucket unlimited(0, 1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(unlimited.reserve(t0), nanoseconds(0));
}

}  // namespace
}  // namespace skiff::client
