#include "kubelet/cri_client.h"

#include <grpcpp/grpcpp.h>

#include <fmt/format.h>

namespace skiff::kubelet {

namespace {

thread_local int t_last_code = 0;

std::string to_target(const std::string& endpoint) {
  if (endpoint.starts_with("unix:") || endpoint.find("://") != std::string::npos) return endpoint;
  return "unix://" + endpoint;
}

}  // namespace

struct CriClient::Stubs {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<cri::RuntimeService::Stub> runtime;
  std::unique_ptr<cri::ImageService::Stub> image;
};

CriClient::CriClient(const std::string& endpoint, Duration default_timeout)
    : endpoint_(endpoint), default_timeout_(default_timeout), stubs_(std::make_unique<Stubs>()) {
  grpc::ChannelArguments args;
  // ListContainers on a busy node and ExecSync output (capped at 16 MiB by
  // the runtime) exceed gRPC's 4 MiB default.
  args.SetMaxReceiveMessageSize(32 * 1024 * 1024);
  stubs_->channel = grpc::CreateCustomChannel(to_target(endpoint), grpc::InsecureChannelCredentials(), args);
  stubs_->runtime = cri::RuntimeService::NewStub(stubs_->channel);
  stubs_->image = cri::ImageService::NewStub(stubs_->channel);
}

CriClient::~CriClient() = default;

int CriClient::last_grpc_code() { return t_last_code; }

namespace {

template <class Stub, class Req, class Resp>
Result<Resp> invoke(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, std::chrono::milliseconds timeout, const char* name) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  Resp resp;
  grpc::Status st = (stub->*method)(&ctx, req, &resp);
  t_last_code = static_cast<int>(st.error_code());
  if (!st.ok())
    return fail(fmt::format("CRI {}: {} (gRPC code {})", name, st.error_message(), static_cast<int>(st.error_code())));
  return resp;
}

}  // namespace

#define SKIFF_CRI_TIMEOUT(t) ((t).count() > 0 ? (t) : default_timeout_)

Result<cri::VersionResponse> CriClient::version(Duration timeout) {
  cri::VersionRequest req;
  req.set_version("v1");
  return invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::Version, req, SKIFF_CRI_TIMEOUT(timeout),
                "Version");
}

Result<cri::StatusResponse> CriClient::status(Duration timeout) {
  cri::StatusRequest req;
  return invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::Status, req, SKIFF_CRI_TIMEOUT(timeout),
                "Status");
}

Result<std::string> CriClient::run_pod_sandbox(const cri::PodSandboxConfig& config,
                                               const std::string& runtime_handler, Duration timeout) {
  cri::RunPodSandboxRequest req;
  *req.mutable_config() = config;
  req.set_runtime_handler(runtime_handler);
  // Sandbox creation includes the CNI ADD; give it room.
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::RunPodSandbox, req,
                  timeout.count() > 0 ? timeout : std::max(default_timeout_, Duration(std::chrono::minutes(2))),
                  "RunPodSandbox");
  if (!r) return std::unexpected(r.error());
  return r->pod_sandbox_id();
}

Result<> CriClient::stop_pod_sandbox(const std::string& sandbox_id, Duration timeout) {
  cri::StopPodSandboxRequest req;
  req.set_pod_sandbox_id(sandbox_id);
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::StopPodSandbox, req,
                  timeout.count() > 0 ? timeout : std::max(default_timeout_, Duration(std::chrono::minutes(1))),
                  "StopPodSandbox");
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<> CriClient::remove_pod_sandbox(const std::string& sandbox_id, Duration timeout) {
  cri::RemovePodSandboxRequest req;
  req.set_pod_sandbox_id(sandbox_id);
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::RemovePodSandbox, req,
                  timeout.count() > 0 ? timeout : std::max(default_timeout_, Duration(std::chrono::minutes(1))),
                  "RemovePodSandbox");
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<cri::PodSandboxStatusResponse> CriClient::pod_sandbox_status(const std::string& sandbox_id, bool verbose,
                                                                    Duration timeout) {
  cri::PodSandboxStatusRequest req;
  req.set_pod_sandbox_id(sandbox_id);
  req.set_verbose(verbose);
  return invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::PodSandboxStatus, req,
                SKIFF_CRI_TIMEOUT(timeout), "PodSandboxStatus");
}

Result<cri::ListPodSandboxResponse> CriClient::list_pod_sandbox(const cri::PodSandboxFilter& filter,
                                                                Duration timeout) {
  cri::ListPodSandboxRequest req;
  *req.mutable_filter() = filter;
  return invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::ListPodSandbox, req,
                SKIFF_CRI_TIMEOUT(timeout), "ListPodSandbox");
}

Result<std::string> CriClient::create_container(const std::string& sandbox_id, const cri::ContainerConfig& config,
                                                const cri::PodSandboxConfig& sandbox_config, Duration timeout) {
  cri::CreateContainerRequest req;
  req.set_pod_sandbox_id(sandbox_id);
  *req.mutable_config() = config;
  *req.mutable_sandbox_config() = sandbox_config;
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::CreateContainer, req,
                  timeout.count() > 0 ? timeout : std::max(default_timeout_, Duration(std::chrono::minutes(1))),
                  "CreateContainer");
  if (!r) return std::unexpected(r.error());
  return r->container_id();
}

Result<> CriClient::start_container(const std::string& container_id, Duration timeout) {
  cri::StartContainerRequest req;
  req.set_container_id(container_id);
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::StartContainer, req,
                  timeout.count() > 0 ? timeout : std::max(default_timeout_, Duration(std::chrono::minutes(1))),
                  "StartContainer");
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<> CriClient::stop_container(const std::string& container_id, int64_t grace_seconds, Duration timeout) {
  cri::StopContainerRequest req;
  req.set_container_id(container_id);
  req.set_timeout(grace_seconds);
  // Stopping waits for the process to exit and its shim to report it; a
  // loaded node needs longer than a status call.
  Duration base = timeout.count() > 0 ? timeout : std::max(default_timeout_, Duration(std::chrono::seconds(30)));
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::StopContainer, req,
                  base + std::chrono::seconds(grace_seconds), "StopContainer");
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<> CriClient::remove_container(const std::string& container_id, Duration timeout) {
  cri::RemoveContainerRequest req;
  req.set_container_id(container_id);
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::RemoveContainer, req,
                  SKIFF_CRI_TIMEOUT(timeout), "RemoveContainer");
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<cri::ContainerStatusResponse> CriClient::container_status(const std::string& container_id, bool verbose,
                                                                 Duration timeout) {
  cri::ContainerStatusRequest req;
  req.set_container_id(container_id);
  req.set_verbose(verbose);
  return invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::ContainerStatus, req,
                SKIFF_CRI_TIMEOUT(timeout), "ContainerStatus");
}

Result<cri::ListContainersResponse> CriClient::list_containers(const cri::ContainerFilter& filter,
                                                               Duration timeout) {
  cri::ListContainersRequest req;
  *req.mutable_filter() = filter;
  return invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::ListContainers, req,
                SKIFF_CRI_TIMEOUT(timeout), "ListContainers");
}

Result<> CriClient::reopen_container_log(const std::string& container_id, Duration timeout) {
  cri::ReopenContainerLogRequest req;
  req.set_container_id(container_id);
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::ReopenContainerLog, req,
                  SKIFF_CRI_TIMEOUT(timeout), "ReopenContainerLog");
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<cri::ExecSyncResponse> CriClient::exec_sync(const std::string& container_id,
                                                   const std::vector<std::string>& cmd,
                                                   int64_t command_timeout_seconds, Duration timeout) {
  cri::ExecSyncRequest req;
  req.set_container_id(container_id);
  for (const auto& a : cmd) req.add_cmd(a);
  req.set_timeout(command_timeout_seconds);
  return invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::ExecSync, req,
                SKIFF_CRI_TIMEOUT(timeout) + std::chrono::seconds(command_timeout_seconds), "ExecSync");
}

Result<std::string> CriClient::exec(const cri::ExecRequest& request, Duration timeout) {
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::Exec, request, SKIFF_CRI_TIMEOUT(timeout),
                  "Exec");
  if (!r) return std::unexpected(r.error());
  return r->url();
}

Result<std::string> CriClient::attach(const cri::AttachRequest& request, Duration timeout) {
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::Attach, request, SKIFF_CRI_TIMEOUT(timeout),
                  "Attach");
  if (!r) return std::unexpected(r.error());
  return r->url();
}

Result<std::string> CriClient::port_forward(const std::string& sandbox_id, const std::vector<int32_t>& ports,
                                            Duration timeout) {
  cri::PortForwardRequest req;
  req.set_pod_sandbox_id(sandbox_id);
  for (int32_t p : ports) req.add_port(p);
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::PortForward, req, SKIFF_CRI_TIMEOUT(timeout),
                  "PortForward");
  if (!r) return std::unexpected(r.error());
  return r->url();
}

Result<cri::ContainerStats> CriClient::container_stats(const std::string& container_id, Duration timeout) {
  cri::ContainerStatsRequest req;
  req.set_container_id(container_id);
  auto r = invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::ContainerStats, req,
                  SKIFF_CRI_TIMEOUT(timeout), "ContainerStats");
  if (!r) return std::unexpected(r.error());
  return r->stats();
}

Result<cri::ListContainerStatsResponse> CriClient::list_container_stats(const cri::ContainerStatsFilter& filter,
                                                                        Duration timeout) {
  cri::ListContainerStatsRequest req;
  *req.mutable_filter() = filter;
  return invoke(stubs_->runtime.get(), &cri::RuntimeService::Stub::ListContainerStats, req,
                SKIFF_CRI_TIMEOUT(timeout), "ListContainerStats");
}

Result<std::string> CriClient::pull_image(const std::string& image, const cri::PodSandboxConfig* sandbox_config,
                                          const cri::AuthConfig* auth, Duration timeout) {
  cri::PullImageRequest req;
  req.mutable_image()->set_image(image);
  if (sandbox_config) *req.mutable_sandbox_config() = *sandbox_config;
  if (auth) *req.mutable_auth() = *auth;
  auto r = invoke(stubs_->image.get(), &cri::ImageService::Stub::PullImage, req, SKIFF_CRI_TIMEOUT(timeout),
                  "PullImage");
  if (!r) return std::unexpected(r.error());
  return r->image_ref();
}

Result<cri::ImageStatusResponse> CriClient::image_status(const std::string& image, Duration timeout) {
  cri::ImageStatusRequest req;
  req.mutable_image()->set_image(image);
  return invoke(stubs_->image.get(), &cri::ImageService::Stub::ImageStatus, req, SKIFF_CRI_TIMEOUT(timeout),
                "ImageStatus");
}

Result<cri::ListImagesResponse> CriClient::list_images(Duration timeout) {
  cri::ListImagesRequest req;
  return invoke(stubs_->image.get(), &cri::ImageService::Stub::ListImages, req, SKIFF_CRI_TIMEOUT(timeout),
                "ListImages");
}

Result<> CriClient::remove_image(const std::string& image, Duration timeout) {
  cri::RemoveImageRequest req;
  req.mutable_image()->set_image(image);
  auto r = invoke(stubs_->image.get(), &cri::ImageService::Stub::RemoveImage, req, SKIFF_CRI_TIMEOUT(timeout),
                  "RemoveImage");
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace skiff::kubelet
