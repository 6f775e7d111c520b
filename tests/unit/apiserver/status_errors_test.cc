#include "status_errors.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace skiff::apiserver {
namespace {

using nlohmann::json;

TEST(StatusErrors, NotFoundNamesQualifiedResource) {
  auto response = not_found({"apps", "deployments"}, "web");
  EXPECT_EQ(response.status, 404u);
  json status = json::parse(response.body);
  EXPECT_EQ(status["message"], "deployments.apps \"web\" not found");
  EXPECT_EQ(status["reason"], "NotFound");
  EXPECT_EQ(status["details"]["group"], "apps");
  EXPECT_EQ(status["code"], 404);
}

TEST(StatusErrors, ConflictUsesKubeWording) {
  json status = json::parse(conflict({"", "configmaps"}, "c").body);
  EXPECT_EQ(status["message"],
            "Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your "
            "changes to the latest version and try again");
}

TEST(StatusErrors, InvalidCarriesCauses) {
  apimachinery::ApiError error{422, "Invalid", "Service \"s\" is invalid: spec.ports[0].port: Invalid value: 0",
                               {{"FieldValueInvalid", "Invalid value: 0", "spec.ports[0].port"}}};
  QualifiedResource services{"", "services"};
  auto response = status_response(error, "s", &services, "Service");
  EXPECT_EQ(response.status, 422u);
  json status = json::parse(response.body);
  EXPECT_EQ(status["details"]["kind"], "Service");
  EXPECT_EQ(status["details"]["causes"][0]["field"], "spec.ports[0].port");
}

TEST(StatusErrors, StorageErrorsMapToCodes) {
  QualifiedResource pods{"", "pods"};
  EXPECT_EQ(storage_failure(storage::StorageError::not_found("k"), pods, "p").status, 404u);
  EXPECT_EQ(storage_failure(storage::StorageError::compacted(1, 5), pods, "p").status, 410u);
  EXPECT_EQ(storage_failure(storage::StorageError::unavailable("x"), pods, "p").status, 503u);
}

}  // namespace
}  // namespace skiff::apiserver
