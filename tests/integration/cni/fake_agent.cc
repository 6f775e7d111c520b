// A stand-in for the node agent's EndpointRegistry, for the plugin's
// integration tests: serves the unix socket, appends every request as a JSON
// line to a record file, and answers ready / not ready / rejecting as told.
//
//   skiff-cni-fake-agent --socket PATH --record FILE [--not-ready REASON] [--reject]
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>

#include "cni/proto/endpoint_registry.grpc.pb.h"

namespace {

using skiff::cni::v1::EndpointRegistry;
namespace v1 = skiff::cni::v1;

struct Options {
  std::string socket;
  std::string record;
  std::string not_ready_reason;
  bool reject = false;
};

class FakeRegistry final : public EndpointRegistry::Service {
 public:
  explicit FakeRegistry(Options opts) : opts_(std::move(opts)) {}

  grpc::Status Register(grpc::ServerContext*, const v1::RegisterRequest* req, v1::RegisterResponse*) override {
    record("Register", *req);
    if (opts_.reject) return {grpc::StatusCode::FAILED_PRECONDITION, "fake agent rejects every endpoint"};
    return grpc::Status::OK;
  }
  grpc::Status Unregister(grpc::ServerContext*, const v1::UnregisterRequest* req, v1::UnregisterResponse* resp) override {
    record("Unregister", *req);
    resp->set_found(true);
    return grpc::Status::OK;
  }
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest* req, v1::StatusResponse* resp) override {
    record("Status", *req);
    resp->set_ready(opts_.not_ready_reason.empty());
    resp->set_reason(opts_.not_ready_reason);
    return grpc::Status::OK;
  }

 private:
  void record(const std::string& method, const google::protobuf::Message& msg) {
    std::string body;
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(msg, &body, print);
    std::lock_guard lock(mu_);
    std::ofstream out(opts_.record, std::ios::app);
    out << "{\"method\":\"" << method << "\",\"request\":" << body << "}\n";
  }

  Options opts_;
  std::mutex mu_;
};

std::unique_ptr<grpc::Server> g_server;

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--socket") opts.socket = value();
    else if (a == "--record") opts.record = value();
    else if (a == "--not-ready") opts.not_ready_reason = value();
    else if (a == "--reject") opts.reject = true;
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  if (opts.socket.empty() || opts.record.empty()) {
    std::cerr << "usage: skiff-cni-fake-agent --socket PATH --record FILE [--not-ready REASON] [--reject]\n";
    return 2;
  }
  ::unlink(opts.socket.c_str());
  FakeRegistry service(opts);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + opts.socket, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  g_server = builder.BuildAndStart();
  if (!g_server) {
    std::cerr << "cannot listen on " << opts.socket << "\n";
    return 1;
  }
  std::signal(SIGTERM, [](int) { std::_Exit(0); });
  std::cout << "ready" << std::endl;  // the test waits for this line
  g_server->Wait();
  return 0;
}
