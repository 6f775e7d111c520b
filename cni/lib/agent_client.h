// Client of the node agent's EndpointRegistry (cni/proto) over its unix socket.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "cni/lib/error.h"
#include "cni/proto/endpoint_registry.pb.h"

namespace skiff::cni {

struct AgentStatus {
  bool ready = false;
  std::string reason;
};

class AgentClient {
 public:
  AgentClient(std::string socket_path, int timeout_ms);
  ~AgentClient();
  AgentClient(AgentClient&&) noexcept;

  // Unreachable agent (no socket, not answering, deadline) is code 11 so the
  // runtime retries; an answered error is code 102.
  Status register_endpoint(const v1::Endpoint& endpoint);
  Status unregister_endpoint(const v1::UnregisterRequest& request);
  Result<AgentStatus> status();

  const std::string& socket_path() const { return socket_path_; }

 private:
  struct Impl;
  std::string socket_path_;
  int timeout_ms_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::cni
