// The REST client: HTTPS (Beast over OpenSSL) to one API server, with a pool
// of keep-alive connections, client-side rate limiting, retries of safe
// requests, and watch streams. The asynchronous API runs on the io_context the
// caller provides; the blocking API on top must be called from threads other
// than the ones running that io_context (see ClientThread).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "skiff/client/config.h"
#include "skiff/client/resource.h"
#include "skiff/client/status.h"
#include "skiff/client/watch_event.h"

namespace boost::asio {
class io_context;
}

namespace skiff::client {

enum class HttpMethod { Get, Post, Put, Patch, Delete };
const char* to_string(HttpMethod);

enum class PatchType { Json, Merge, StrategicMerge, Apply };
const char* content_type(PatchType);

struct RestRequest {
  HttpMethod method = HttpMethod::Get;
  std::string path;
  QueryParams query;
  std::string body;
  std::string content_type = "application/json";
  std::string accept = "application/json";
  // Retried on 429/5xx/connection errors. Defaults to true for GET.
  std::optional<bool> retry;
};

struct RestResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  int retry_after_seconds = 0;  // the Retry-After header (seconds form)
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;               // page size; 0: everything at once
  std::string continue_token;
  std::string resource_version;    // "" (latest, quorum) or "0" (any) or a version
  int timeout_seconds = 0;
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;
  bool allow_bookmarks = true;
  int timeout_seconds = 0;  // 0: the server's default
};

struct ObjectList {
  std::vector<nlohmann::json> items;
  std::string resource_version;
  std::string continue_token;
};

struct PatchOptions {
  std::string field_manager;  // required by the server for Apply
  bool force = false;         // Apply only: take over conflicting fields
};

struct DeleteOptions {
  std::optional<int64_t> grace_period_seconds;
  std::string propagation_policy;  // "", "Orphan", "Background", "Foreground"
  std::string precondition_resource_version;
};

// Retry of safe requests: attempts and exponential backoff between them.
struct RetryPolicy {
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

// Cancels an asynchronous watch; safe to call from any thread, more than once.
class WatchHandle {
 public:
  virtual ~WatchHandle() = default;
  virtual void cancel() = 0;
};

class Client {
 public:
  using Done = std::function<void(ApiResult<RestResponse>)>;
  using EventFn = std::function<void(WatchEvent&&)>;
  using WatchDone = std::function<void(ApiResult<void>)>;

  // Fails when the TLS material in the config is unusable or the server URL is not https://host[:port].
  static Result<std::unique_ptr<Client>> create(boost::asio::io_context& io, ClientConfig config,
                                                RetryPolicy retry = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const ClientConfig& config() const;

  // --- asynchronous, on the io_context -------------------------------------
  // A non-2xx answer completes with the server's Status as the error.
  void async_request(RestRequest request, Done done);
  // Streams watch events from `request` (a GET with watch=true) until the
  // server ends the stream, an error occurs or the handle is cancelled (done
  // then gets success). on_event runs on the io_context.
  std::shared_ptr<WatchHandle> async_watch(RestRequest request, EventFn on_event, WatchDone done);

  // --- blocking -------------------------------------------------------------
  ApiResult<RestResponse> request(RestRequest request);
  ApiResult<nlohmann::json> get(const ResourceRef& ref);
  ApiResult<ObjectList> list(const ResourceRef& collection, const ListOptions& options = {});
  ApiResult<nlohmann::json> create(const ResourceRef& collection, const nlohmann::json& object,
                                   const std::string& field_manager = "");
  ApiResult<nlohmann::json> update(const ResourceRef& ref, const nlohmann::json& object);
  ApiResult<nlohmann::json> patch(const ResourceRef& ref, PatchType type, std::string_view body,
                                  const PatchOptions& options = {});
  // The server answers a delete with the object (still there with finalizers) or a Status.
  ApiResult<nlohmann::json> remove(const ResourceRef& ref, const DeleteOptions& options = {});
  // Blocks while the stream lasts; on_event runs on the calling thread. Ends
  // with success when the server closes the stream or `stop` is requested.
  ApiResult<void> watch(const ResourceRef& collection, const WatchOptions& options, const EventFn& on_event,
                        std::stop_token stop);

  struct Impl;

 private:
  explicit Client(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// Query parameters of a list or watch request.
QueryParams list_query(const ListOptions& options);
QueryParams watch_query(const WatchOptions& options);

// An io_context with its own thread, for programs and tests that use the
// blocking API only.
class ClientThread {
 public:
  ClientThread();
  ~ClientThread();
  boost::asio::io_context& io();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace skiff::client
