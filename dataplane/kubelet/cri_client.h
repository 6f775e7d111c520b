// CriClient: the CRI v1 RuntimeService and ImageService of a container
// runtime (containerd) on its unix socket. Every call has a deadline and
// returns Result<Response>; an RPC error becomes an Error whose message names
// the call and carries gRPC's status code and text. Thread-safe: the stubs
// share one channel, as gRPC allows.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "kubelet/cri_proto.h"
#include "skiff/util/result.h"

namespace skiff::kubelet {

namespace cri = ::runtime::v1;


class CriClient {
 public:
  using Duration = std::chrono::milliseconds;

  // endpoint: a socket path ("/run/containerd/containerd.sock") or a gRPC
  // target ("unix:///..."). Connecting is lazy; call version() to check.
  explicit CriClient(const std::string& endpoint, Duration default_timeout = std::chrono::seconds(10));
  ~CriClient();
  CriClient(const CriClient&) = delete;
  CriClient& operator=(const CriClient&) = delete;

  const std::string& endpoint() const { return endpoint_; }
  Duration default_timeout() const { return default_timeout_; }
  // Last failed call's gRPC code on this thread (0 = OK): lets a caller ask
  // "was that NOT_FOUND?" without parsing messages.
  static int last_grpc_code();
  static constexpr int kNotFound = 5;
  static constexpr int kUnavailable = 14;
  static constexpr int kDeadlineExceeded = 4;

  // Runtime service.
  Result<cri::VersionResponse> version(Duration timeout = {});
  Result<cri::StatusResponse> status(Duration timeout = {});
  Result<std::string> run_pod_sandbox(const cri::PodSandboxConfig& config, const std::string& runtime_handler = {},
                                      Duration timeout = {});
  Result<> stop_pod_sandbox(const std::string& sandbox_id, Duration timeout = {});
  Result<> remove_pod_sandbox(const std::string& sandbox_id, Duration timeout = {});
  Result<cri::PodSandboxStatusResponse> pod_sandbox_status(const std::string& sandbox_id, bool verbose = false,
                                                           Duration timeout = {});
  Result<cri::ListPodSandboxResponse> list_pod_sandbox(const cri::PodSandboxFilter& filter = {},
                                                       Duration timeout = {});
  Result<std::string> create_container(const std::string& sandbox_id, const cri::ContainerConfig& config,
                                       const cri::PodSandboxConfig& sandbox_config, Duration timeout = {});
  Result<> start_container(const std::string& container_id, Duration timeout = {});
  // grace_seconds: the runtime sends the stop signal, then SIGKILL after it.
  // The RPC deadline is extended by the grace period.
  Result<> stop_container(const std::string& container_id, int64_t grace_seconds, Duration timeout = {});
  Result<> remove_container(const std::string& container_id, Duration timeout = {});
  Result<cri::ContainerStatusResponse> container_status(const std::string& container_id, bool verbose = false,
                                                        Duration timeout = {});
  Result<cri::ListContainersResponse> list_containers(const cri::ContainerFilter& filter = {},
                                                      Duration timeout = {});
  Result<> reopen_container_log(const std::string& container_id, Duration timeout = {});
  // command_timeout_seconds: the runtime's own limit (0 = none); the RPC
  // deadline is that plus the default timeout.
  Result<cri::ExecSyncResponse> exec_sync(const std::string& container_id, const std::vector<std::string>& cmd,
                                          int64_t command_timeout_seconds, Duration timeout = {});
  // Streaming: these return the URL of the runtime's streaming server.
  Result<std::string> exec(const cri::ExecRequest& request, Duration timeout = {});
  Result<std::string> attach(const cri::AttachRequest& request, Duration timeout = {});
  Result<std::string> port_forward(const std::string& sandbox_id, const std::vector<int32_t>& ports,
                                   Duration timeout = {});
  Result<cri::ContainerStats> container_stats(const std::string& container_id, Duration timeout = {});
  Result<cri::ListContainerStatsResponse> list_container_stats(const cri::ContainerStatsFilter& filter = {},
                                                               Duration timeout = {});

  // Image service.
  // Returns the image reference (digest or id) the runtime resolved.
  Result<std::string> pull_image(const std::string& image, const cri::PodSandboxConfig* sandbox_config = nullptr,
                                 const cri::AuthConfig* auth = nullptr, Duration timeout = std::chrono::minutes(5));
  // An absent image is not an error: the response's image is unset.
  Result<cri::ImageStatusResponse> image_status(const std::string& image, Duration timeout = {});
  Result<cri::ListImagesResponse> list_images(Duration timeout = {});
  Result<> remove_image(const std::string& image, Duration timeout = {});

 private:
  struct Stubs;
  std::string endpoint_;
  Duration default_timeout_;
  std::unique_ptr<Stubs> stubs_;
};

}  // namespace skiff::kubelet
