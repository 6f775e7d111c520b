#include "cni/lib/agent_client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>

#include "cni/proto/endpoint_registry.grpc.pb.h"

namespace skiff::cni {
namespace {

std::unexpected<Error> rpc_error(const std::string& what, const std::string& socket, const grpc::Status& s) {
  bool unreachable = s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                     s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  if (unreachable)
    return fail(ErrorCode::kTryAgainLater, "skiff agent at " + socket + " is not reachable (" + what + ")",
                s.error_message());
  return fail(ErrorCode::kAgentRejected, "skiff agent refused " + what + ": " + s.error_message(),
              "gRPC status " + std::to_string(static_cast<int>(s.error_code())));
}

}  // namespace

struct AgentClient::Impl {
  std::unique_ptr<v1::EndpointRegistry::Stub> stub;
};

AgentClient::AgentClient(std::string socket_path, int timeout_ms)
    : socket_path_(std::move(socket_path)), timeout_ms_(timeout_ms), impl_(std::make_unique<Impl>()) {
  auto channel = grpc::CreateChannel("unix:" + socket_path_, grpc::InsecureChannelCredentials());
  impl_->stub = v1::EndpointRegistry::NewStub(channel);
}

AgentClient::~AgentClient() = default;
AgentClient::AgentClient(AgentClient&&) noexcept = default;

// Fails fast (no wait_for_ready): a missing socket is an answer, not a reason to wait.
static void set_deadline(grpc::ClientContext& ctx, int timeout_ms) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
}

Status AgentClient::register_endpoint(const v1::Endpoint& endpoint) {
  grpc::ClientContext ctx;
  set_deadline(ctx, timeout_ms_);
  v1::RegisterRequest req;
  *req.mutable_endpoint() = endpoint;
  v1::RegisterResponse resp;
  grpc::Status s = impl_->stub->Register(&ctx, req, &resp);
  if (!s.ok()) return rpc_error("Register", socket_path_, s);
  return {};
}

Status AgentClient::unregister_endpoint(const v1::UnregisterRequest& request) {
  grpc::ClientContext ctx;
  set_deadline(ctx, timeout_ms_);
  v1::UnregisterResponse resp;
  grpc::Status s = impl_->stub->Unregister(&ctx, request, &resp);
  if (!s.ok()) return rpc_error("Unregister", socket_path_, s);
  return {};
}

Result<AgentStatus> AgentClient::status() {
  grpc::ClientContext ctx;
  set_deadline(ctx, timeout_ms_);
  v1::StatusRequest req;
  v1::StatusResponse resp;
  grpc::Status s = impl_->stub->Status(&ctx, req, &resp);
  if (!s.ok()) return rpc_error("Status", socket_path_, s);
  return AgentStatus{resp.ready(), resp.reason()};
}

}  // namespace skiff::cni
