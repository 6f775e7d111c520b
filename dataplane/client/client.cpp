#include "skiff/client/client.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <spdlog/spdlog.h>

#include "skiff/client/bearer_token.h"
#include "skiff/client/token_bucket.h"
#include "transport.h"

namespace skiff::client {

namespace asio = boost::asio;
namespace http = boost::beast::http;

const char* to_string(HttpMethod m) {
  switch (m) {
    case HttpMethod::Get: return "GET";
    case HttpMethod::Post: return "POST";
    case HttpMethod::Put: return "PUT";
    case HttpMethod::Patch: return "PATCH";
    case HttpMethod::Delete: return "DELETE";
  }
  return "?";
}

const char* content_type(PatchType t) {
  switch (t) {
    case PatchType::Json: return "application/json-patch+json";
    case PatchType::Merge: return "application/merge-patch+json";
    case PatchType::StrategicMerge: return "application/strategic-merge-patch+json";
    case PatchType::Apply: return "application/apply-patch+yaml";
  }
  return "application/json";
}

QueryParams list_query(const ListOptions& o) {
  QueryParams q;
  if (!o.label_selector.empty()) q.emplace_back("labelSelector", o.label_selector);
  if (!o.field_selector.empty()) q.emplace_back("fieldSelector", o.field_selector);
  if (o.limit > 0) q.emplace_back("limit", std::to_string(o.limit));
  if (!o.continue_token.empty()) q.emplace_back("continue", o.continue_token);
  if (!o.resource_version.empty()) q.emplace_back("resourceVersion", o.resource_version);
  if (o.timeout_seconds > 0) q.emplace_back("timeoutSeconds", std::to_string(o.timeout_seconds));
  return q;
}

QueryParams watch_query(const WatchOptions& o) {
  QueryParams q{{"watch", "true"}};
  if (!o.label_selector.empty()) q.emplace_back("labelSelector", o.label_selector);
  if (!o.field_selector.empty()) q.emplace_back("fieldSelector", o.field_selector);
  if (!o.resource_version.empty()) q.emplace_back("resourceVersion", o.resource_version);
  if (o.allow_bookmarks) q.emplace_back("allowWatchBookmarks", "true");
  if (o.timeout_seconds > 0) q.emplace_back("timeoutSeconds", std::to_string(o.timeout_seconds));
  return q;
}

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  asio::io_context& io;
  ClientConfig config;
  RetryPolicy retry;
  std::shared_ptr<detail::Transport> transport;
  TokenBucket bucket;
  BearerTokenSource token;

  Impl(asio::io_context& io_, ClientConfig cfg, RetryPolicy r, std::shared_ptr<detail::Transport> t)
      : io(io_),
        config(std::move(cfg)),
        retry(r),
        transport(std::move(t)),
        bucket(config.qps, config.burst),
        token(config.token, config.token_file, config.token_reload_interval) {}

  detail::HttpRequestMessage message(const RestRequest& r) {
    static const http::verb verbs[] = {http::verb::get, http::verb::post, http::verb::put, http::verb::patch,
                                       http::verb::delete_};
    detail::HttpRequestMessage m;
    m.method(verbs[static_cast<int>(r.method)]);
    m.target(transport->url().path_prefix + request_target(r.path, r.query));
    m.version(11);
    m.set(http::field::host, transport->url().host_header);
    m.set(http::field::user_agent, config.user_agent);
    m.set(http::field::accept, r.accept);
    if (std::string t = token.current(); !t.empty()) m.set(http::field::authorization, "Bearer " + t);
    if (!r.body.empty() || r.method == HttpMethod::Post || r.method == HttpMethod::Put ||
        r.method == HttpMethod::Patch) {
      m.set(http::field::content_type, r.content_type);
      m.body() = r.body;
    }
    m.keep_alive(true);
    m.prepare_payload();
    return m;
  }

  asio::awaitable<void> wait(std::chrono::nanoseconds d) {
    if (d <= std::chrono::nanoseconds(0)) co_return;
    asio::steady_timer timer(io);
    timer.expires_after(d);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  std::chrono::nanoseconds backoff(int attempt, const ApiStatus& err) const {
    auto d = retry.initial_backoff * (1LL << std::min(attempt, 20));
    if (d > retry.max_backoff) d = retry.max_backoff;
    if (err.retry_after_seconds > 0) d = std::max<std::chrono::milliseconds>(d, std::chrono::seconds(err.retry_after_seconds));
    return d;
  }

  static asio::awaitable<ApiResult<RestResponse>> run(std::shared_ptr<Impl> self, RestRequest r) {
    const bool retryable = r.retry.value_or(r.method == HttpMethod::Get);
    const auto msg = self->message(r);
    for (int attempt = 0;; ++attempt) {
      co_await self->wait(self->bucket.reserve(std::chrono::steady_clock::now()));
      auto res = co_await self->transport->exchange(msg);
      ApiStatus err;
      if (res) {
        if (res->status >= 200 && res->status < 300) co_return res;
        err = status_from_response(res->status, res->body);
        if (res->retry_after_seconds > 0) err.retry_after_seconds = res->retry_after_seconds;
      } else {
        err = res.error();
      }
      if (!retryable || !err.is_retryable() || attempt + 1 >= self->retry.max_attempts) {
        co_return std::unexpected(std::move(err));
      }
      spdlog::debug("client: {} {} failed ({}), retrying", to_string(r.method), r.path, err.str());
      co_await self->wait(self->backoff(attempt, err));
    }
  }

  static asio::awaitable<ApiResult<void>> run_watch(std::shared_ptr<Impl> self, RestRequest r,
                                                    std::function<void(std::string_view)> on_bytes,
                                                    std::shared_ptr<detail::StreamControl> control) {
    co_return co_await self->transport->stream(self->message(r), std::move(on_bytes), std::move(control));
  }
};

namespace {
class TransportWatchHandle final : public WatchHandle {
 public:
  explicit TransportWatchHandle(std::shared_ptr<detail::StreamControl> c) : control_(std::move(c)) {}
  void cancel() override { detail::Transport::cancel(control_); }

 private:
  std::shared_ptr<detail::StreamControl> control_;
};
}  // namespace

Client::Client(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::create(asio::io_context& io, ClientConfig config, RetryPolicy retry) {
  auto transport = detail::Transport::create(io, config);
  if (!transport) return std::unexpected(transport.error());
  auto impl = std::make_shared<Impl>(io, std::move(config), retry, std::move(*transport));
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

const ClientConfig& Client::config() const { return impl_->config; }

void Client::async_request(RestRequest request, Done done) {
  auto strand = asio::make_strand(impl_->io);
  asio::co_spawn(strand, Impl::run(impl_, std::move(request)),
                 [done = std::move(done)](std::exception_ptr e, ApiResult<RestResponse> r) {
                   if (e) {
                     done(connection_error("internal error in the request"));
                     return;
                   }
                   done(std::move(r));
                 });
}

std::shared_ptr<WatchHandle> Client::async_watch(RestRequest request, EventFn on_event, WatchDone done) {
  auto strand = asio::make_strand(impl_->io);
  auto control = detail::Transport::make_stream_control();
  control->executor = strand;
  // A line that is not an event ends the stream with that error: what came
  // after it cannot be trusted to continue from a known version.
  auto decode_error = std::make_shared<std::optional<ApiStatus>>();
  auto decoder = std::make_shared<WatchDecoder>(
      [on_event = std::move(on_event), decode_error, control](ApiResult<WatchEvent> ev) {
        if (*decode_error) return;
        if (!ev) {
          *decode_error = ev.error();
          detail::Transport::cancel(control);
          return;
        }
        on_event(std::move(*ev));
      });
  auto on_bytes = [decoder](std::string_view bytes) { decoder->feed(bytes); };
  asio::co_spawn(strand, Impl::run_watch(impl_, std::move(request), std::move(on_bytes), control),
                 [done = std::move(done), decoder, decode_error](std::exception_ptr e, ApiResult<void> r) {
                   if (e) {
                     done(connection_error("internal error in the watch"));
                     return;
                   }
                   if (*decode_error) {
                     done(std::unexpected(**decode_error));
                     return;
                   }
                   if (r) decoder->finish();
                   done(std::move(r));
                 });
  return std::make_shared<TransportWatchHandle>(control);
}

ApiResult<RestResponse> Client::request(RestRequest request) {
  std::promise<ApiResult<RestResponse>> promise;
  auto future = promise.get_future();
  async_request(std::move(request), [&promise](ApiResult<RestResponse> r) { promise.set_value(std::move(r)); });
  return future.get();
}

namespace {
ApiResult<nlohmann::json> json_body(ApiResult<RestResponse> r) {
  if (!r) return std::unexpected(r.error());
  auto doc = nlohmann::json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return api_fail(r->status, "BadResponse", "the server's answer is not JSON");
  return doc;
}
}  // namespace

ApiResult<nlohmann::json> Client::get(const ResourceRef& ref) {
  return json_body(request({.method = HttpMethod::Get, .path = resource_path(ref)}));
}

ApiResult<ObjectList> Client::list(const ResourceRef& collection, const ListOptions& options) {
  auto doc = json_body(request({.method = HttpMethod::Get, .path = resource_path(collection), .query = list_query(options)}));
  if (!doc) return std::unexpected(doc.error());
  if (!doc->is_object()) return api_fail(200, "BadResponse", "the list is not a JSON object");
  ObjectList out;
  if (auto md = doc->find("metadata"); md != doc->end() && md->is_object()) {
    out.resource_version = md->value("resourceVersion", "");
    out.continue_token = md->value("continue", "");
  }
  if (auto items = doc->find("items"); items != doc->end() && items->is_array()) {
    out.items.reserve(items->size());
    for (auto& item : *items) out.items.push_back(std::move(item));
  }
  return out;
}

ApiResult<nlohmann::json> Client::create(const ResourceRef& collection, const nlohmann::json& object,
                                         const std::string& field_manager) {
  RestRequest r{.method = HttpMethod::Post, .path = resource_path(collection), .body = object.dump()};
  if (!field_manager.empty()) r.query.emplace_back("fieldManager", field_manager);
  return json_body(request(std::move(r)));
}

ApiResult<nlohmann::json> Client::update(const ResourceRef& ref, const nlohmann::json& object) {
  return json_body(request({.method = HttpMethod::Put, .path = resource_path(ref), .body = object.dump()}));
}

ApiResult<nlohmann::json> Client::patch(const ResourceRef& ref, PatchType type, std::string_view body,
                                        const PatchOptions& options) {
  RestRequest r{.method = HttpMethod::Patch, .path = resource_path(ref), .body = std::string(body),
                .content_type = content_type(type)};
  if (!options.field_manager.empty()) r.query.emplace_back("fieldManager", options.field_manager);
  if (type == PatchType::Apply && options.force) r.query.emplace_back("force", "true");
  return json_body(request(std::move(r)));
}

ApiResult<nlohmann::json> Client::remove(const ResourceRef& ref, const DeleteOptions& options) {
  nlohmann::json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"] = {{"resourceVersion", options.precondition_resource_version}};
  }
  return json_body(request({.method = HttpMethod::Delete, .path = resource_path(ref), .body = body.dump()}));
}

ApiResult<void> Client::watch(const ResourceRef& collection, const WatchOptions& options, const EventFn& on_event,
                              std::stop_token stop) {
  // Events cross from the io_context to this thread, so handlers may block
  // or call the blocking API without stalling other streams.
  struct Channel {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<WatchEvent> events;
    bool done = false;
    ApiResult<void> result;
  };
  auto ch = std::make_shared<Channel>();
  if (stop.stop_requested()) return {};
  auto handle = async_watch(
      {.method = HttpMethod::Get, .path = resource_path(collection), .query = watch_query(options)},
      [ch](WatchEvent&& ev) {
        std::lock_guard lock(ch->mu);
        ch->events.push_back(std::move(ev));
        ch->cv.notify_one();
      },
      [ch](ApiResult<void> r) {
        std::lock_guard lock(ch->mu);
        ch->done = true;
        ch->result = std::move(r);
        ch->cv.notify_one();
      });
  std::stop_callback on_stop(stop, [&handle] { handle->cancel(); });
  std::unique_lock lock(ch->mu);
  for (;;) {
    ch->cv.wait(lock, [&] { return !ch->events.empty() || ch->done; });
    while (!ch->events.empty()) {
      WatchEvent ev = std::move(ch->events.front());
      ch->events.pop_front();
      lock.unlock();
      if (!stop.stop_requested()) on_event(std::move(ev));
      lock.lock();
    }
    if (ch->done) return stop.stop_requested() ? ApiResult<void>{} : ch->result;
  }
}

struct ClientThread::State {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
};

ClientThread::ClientThread() : state_(std::make_unique<State>()) {}
ClientThread::~ClientThread() {
  state_->guard.reset();
  state_->io.stop();
  state_->thread.join();
}
asio::io_context& ClientThread::io() { return state_->io; }

}  // namespace skiff::client
