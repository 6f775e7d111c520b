#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "skiff/apimachinery/table.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;
using namespace std::chrono;

// 2025-01-01T12:00:00Z
const system_clock::time_point kNow = system_clock::from_time_t(1735732800);

TableOptions at_now() {
  TableOptions o;
  o.now = kNow;
  return o;
}

std::vector<std::string> column_names(const json& table, bool wide) {
  std::vector<std::string> out;
  for (const auto& c : table["columnDefinitions"])
    if (wide || c["priority"] == 0) out.push_back(c["name"]);
  return out;
}

TEST(Table, HumanDurations) {
  struct Case {
    int64_t seconds;
    const char* text;
  } cases[] = {{-5, "<invalid>"}, {-1, "0s"},      {0, "0s"},         {59, "59s"},       {119, "119s"},
               {120, "2m"},       {310, "5m10s"},  {600, "10m"},      {3 * 3600 - 1, "179m"}, {3 * 3600, "3h"},
               {3 * 3600 + 120, "3h2m"}, {9 * 3600, "9h"}, {49 * 3600, "2d1h"}, {(3 * 24 + 4) * 3600, "3d4h"},
               {10 * 86400, "10d"}, {(730 + 30) * 86400LL, "2y30d"}, {9 * 365 * 86400LL, "9y"}};
  for (const auto& c : cases) EXPECT_EQ(human_duration(seconds(c.seconds)), c.text) << c.seconds;
}

TEST(Table, PodColumnsAndStatuses) {
  std::vector<json> pods = {
      json::parse(R"({"metadata":{"name":"web","creationTimestamp":"2025-01-01T11:54:50Z"},
        "spec":{"nodeName":"node-a","containers":[{"name":"a"},{"name":"b"}]},
        "status":{"phase":"Running","podIP":"10.0.0.5","containerStatuses":[
          {"name":"a","ready":true,"restartCount":1,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"2025-01-01T11:55:00Z"}}},
          {"name":"b","ready":true,"restartCount":1,"state":{"running":{}}}]}})"),
      json::parse(R"({"metadata":{"name":"crash","creationTimestamp":"2024-12-29T08:00:00Z"},"spec":{"containers":[{"name":"a"}]},
        "status":{"phase":"Running","containerStatuses":[{"name":"a","ready":false,"restartCount":0,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}})"),
      json::parse(R"({"metadata":{"name":"init","creationTimestamp":"2025-01-01T11:59:30Z"},
        "spec":{"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"a"}]},
        "status":{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"terminated":{"exitCode":0}}},{"name":"i2","state":{"running":{}}}]}})"),
      json::parse(R"({"metadata":{"name":"gone","creationTimestamp":"2025-01-01T11:00:00Z","deletionTimestamp":"2025-01-01T11:59:00Z"},
        "spec":{"containers":[{"name":"a"}]},"status":{"phase":"Running"}})"),
      json::parse(R"({"metadata":{"name":"done"},"spec":{"containers":[{"name":"a"}]},
        "status":{"phase":"Succeeded","containerStatuses":[{"name":"a","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}})")};
  std::vector<const json*> ptrs;
  for (const auto& p : pods) ptrs.push_back(&p);
  json t = to_table({"", "v1", "Pod"}, ptrs, at_now());
  EXPECT_EQ(t["kind"], "Table");
  EXPECT_EQ(t["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(column_names(t, false), (std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age"}));
  EXPECT_EQ(column_names(t, true), (std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
                                                             "Nominated Node", "Readiness Gates"}));
  EXPECT_EQ(t["columnDefinitions"][0]["format"], "name");
  EXPECT_EQ(t["rows"][0]["cells"], json::parse(R"J(["web","2/2","Running","2 (5m ago)","5m10s","10.0.0.5","node-a","<none>","<none>"])J"));
  EXPECT_EQ(t["rows"][1]["cells"][2], "CrashLoopBackOff");
  EXPECT_EQ(t["rows"][1]["cells"][1], "0/1");
  EXPECT_EQ(t["rows"][1]["cells"][4], "3d4h");
  EXPECT_EQ(t["rows"][2]["cells"][2], "Init:1/2");
  EXPECT_EQ(t["rows"][3]["cells"][2], "Terminating");
  EXPECT_EQ(t["rows"][4]["cells"][2], "Completed");
  EXPECT_EQ(t["rows"][4]["cells"][4], "<unknown>");
  EXPECT_EQ(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(t["rows"][0]["object"]["metadata"]["name"], "web");
}

TEST(Table, DeploymentColumns) {
  json d = json::parse(R"({"metadata":{"name":"web","creationTimestamp":"2025-01-01T11:00:00Z"},
    "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"},{"name":"log","image":"fluent:1"}]}}},
    "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}})");
  json t = to_table({"apps", "v1", "Deployment"}, {&d}, at_now());
  EXPECT_EQ(column_names(t, false), (std::vector<std::string>{"Name", "Ready", "Up-to-date", "Available", "Age"}));
  EXPECT_EQ(column_names(t, true), (std::vector<std::string>{"Name", "Ready", "Up-to-date", "Available", "Age", "Containers",
                                                             "Images", "Selector"}));
  EXPECT_EQ(t["rows"][0]["cells"], json::parse(R"(["web","2/3",3,2,"60m","nginx,log","nginx:1.27,fluent:1","app=web"])"));
}

TEST(Table, ServiceColumns) {
  std::vector<json> svcs = {
      json::parse(R"({"metadata":{"name":"kubernetes","creationTimestamp":"2025-01-01T12:00:00Z"},"spec":{"type":"ClusterIP","clusterIP":"10.96.0.1","ports":[{"port":443,"protocol":"TCP"}]}})"),
      json::parse(R"({"metadata":{"name":"web"},"spec":{"type":"NodePort","clusterIP":"10.96.0.20","selector":{"app":"web","tier":"front"},
        "ports":[{"port":80,"nodePort":30080,"protocol":"TCP"},{"port":53,"nodePort":30053,"protocol":"UDP"}]}})"),
      json::parse(R"({"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","clusterIP":"10.96.0.30","ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}})"),
      json::parse(R"({"metadata":{"name":"ext"},"spec":{"type":"ExternalName","externalName":"example.com"}})"),
      json::parse(R"({"metadata":{"name":"lb2"},"spec":{"type":"LoadBalancer","clusterIP":"10.96.0.31","ports":[{"port":80,"nodePort":31001,"protocol":"TCP"}]},
        "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}})")};
  std::vector<const json*> ptrs;
  for (const auto& s : svcs) ptrs.push_back(&s);
  json t = to_table({"", "v1", "Service"}, ptrs, at_now());
  EXPECT_EQ(column_names(t, true),
            (std::vector<std::string>{"Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"}));
  EXPECT_EQ(t["rows"][0]["cells"], json::parse(R"(["kubernetes","ClusterIP","10.96.0.1","<none>","443/TCP","0s","<none>"])"));
  EXPECT_EQ(t["rows"][1]["cells"][4], "80:30080/TCP,53:30053/UDP");
  EXPECT_EQ(t["rows"][1]["cells"][6], "app=web,tier=front");
  EXPECT_EQ(t["rows"][2]["cells"][3], "<pending>");
  EXPECT_EQ(t["rows"][3]["cells"][2], "<none>");
  EXPECT_EQ(t["rows"][3]["cells"][3], "example.com");
  EXPECT_EQ(t["rows"][3]["cells"][4], "<none>");
  EXPECT_EQ(t["rows"][4]["cells"][3], "192.0.2.10");
}

TEST(Table, ConfigMapsSecretsNamespacesNodes) {
  json cm = json::parse(R"({"metadata":{"name":"cfg","creationTimestamp":"2025-01-01T11:59:00Z"},"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}})");
  EXPECT_EQ(to_table({"", "v1", "ConfigMap"}, {&cm}, at_now())["rows"][0]["cells"], json::parse(R"(["cfg",3,"60s"])"));
  json secret = json::parse(R"({"metadata":{"name":"s"},"type":"Opaque","data":{"a":"MQ=="}})");
  EXPECT_EQ(to_table({"", "v1", "Secret"}, {&secret}, at_now())["rows"][0]["cells"], json::parse(R"(["s","Opaque",1,"<unknown>"])"));
  json ns = json::parse(R"({"metadata":{"name":"default"},"status":{"phase":"Active"}})");
  EXPECT_EQ(to_table({"", "v1", "Namespace"}, {&ns}, at_now())["rows"][0]["cells"][1], "Active");
  json node = json::parse(R"({"metadata":{"name":"n1","labels":{"node-role.kubernetes.io/control-plane":""}},"spec":{"unschedulable":true},
    "status":{"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.32.0"},
    "addresses":[{"type":"InternalIP","address":"192.168.1.10"}]}})");
  json t = to_table({"", "v1", "Node"}, {&node}, at_now());
  EXPECT_EQ(t["rows"][0]["cells"][1], "Ready,SchedulingDisabled");
  EXPECT_EQ(t["rows"][0]["cells"][2], "control-plane");
  EXPECT_EQ(t["rows"][0]["cells"][4], "v1.32.0");
  EXPECT_EQ(t["rows"][0]["cells"][5], "192.168.1.10");
}

TEST(Table, IncludeObjectAndWatchRows) {
  json cm = json::parse(R"({"metadata":{"name":"cfg"},"data":{}})");
  TableOptions o = at_now();
  o.include_object = IncludeObject::Object;
  o.resource_version = "42";
  json t = to_table({"", "v1", "ConfigMap"}, {&cm}, o);
  EXPECT_EQ(t["rows"][0]["object"], cm);
  EXPECT_EQ(t["metadata"]["resourceVersion"], "42");
  o.include_object = IncludeObject::None;
  o.column_definitions = false;
  t = to_table({"", "v1", "ConfigMap"}, {&cm}, o);
  EXPECT_FALSE(t["rows"][0].contains("object"));
  EXPECT_TRUE(t["columnDefinitions"].empty());
}

TEST(Table, CustomResourcesUsePrinterColumnsOrNameAge) {
  json w = json::parse(R"({"metadata":{"name":"w1","creationTimestamp":"2025-01-01T11:00:00Z"},"spec":{"size":3},
    "status":{"conditions":[{"type":"Ready","status":"True"}]}})");
  TableOptions o = at_now();
  o.printer_columns = {{"Size", "integer", "", "", 0, ".spec.size"},
                       {"Ready", "string", "", "", 0, ".status.conditions[?(@.type==\"Ready\")].status"},
                       {"Age", "date", "", "", 0, ".metadata.creationTimestamp"},
                       {"Missing", "string", "", "", 1, ".spec.nothing"}};
  json t = to_table({"example.com", "v1", "Widget"}, {&w}, o);
  EXPECT_EQ(column_names(t, true), (std::vector<std::string>{"Name", "Size", "Ready", "Age", "Missing"}));
  EXPECT_EQ(t["rows"][0]["cells"], json::parse(R"(["w1",3,"True","60m",null])"));
  json plain = to_table({"example.com", "v1", "Widget"}, {&w}, at_now());
  EXPECT_EQ(column_names(plain, true), (std::vector<std::string>{"Name", "Age"}));
  EXPECT_EQ(plain["rows"][0]["cells"], json::parse(R"(["w1","60m"])"));
}

}  // namespace
}  // namespace skiff::apimachinery
