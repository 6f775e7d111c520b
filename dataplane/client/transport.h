// HTTPS to one API server: a pool of keep-alive TLS connections and the two
// exchanges the client needs (a whole response; a streamed body). Internal to
// skiff_client: Client adds rate limiting, retries and authentication.
#pragma once
#include <functional>
#include <optional>
#include <utility>  // before asio: awaitable.hpp of Boost 1.74 uses std::exchange unincluded
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "skiff/client/client.h"

namespace skiff::client::detail {

struct ServerUrl {
  std::string host;         // without brackets for IPv6
  std::string port;
  std::string path_prefix;  // "" or "/prefix" (no trailing '/')
  std::string host_header;  // "host:port", IPv6 in brackets
};
Result<ServerUrl> parse_server_url(const std::string& url);

using HttpRequestMessage = boost::beast::http::request<boost::beast::http::string_body>;

// Lets another thread cancel a stream: cancel() posts `close` (set by the
// stream while it owns a connection) to the stream's executor.
struct StreamControl {
  std::mutex mu;
  bool cancelled = false;
  std::optional<boost::asio::any_io_executor> executor;
  std::function<void()> close;
};

class Transport : public std::enable_shared_from_this<Transport> {
 public:
  static Result<std::shared_ptr<Transport>> create(boost::asio::io_context& io, const ClientConfig& config);
  ~Transport();

  const ServerUrl& url() const { return url_; }
  boost::asio::io_context& io() { return io_; }

  // One request, whole response (any status). Connection errors are
  // ConnectionError statuses; a reused connection that the server had closed
  // is replaced once, transparently.
  boost::asio::awaitable<ApiResult<RestResponse>> exchange(HttpRequestMessage request);

  // One request whose 200 body is handed over as it arrives. A non-200 answer
  // is read whole and returned as its Status. Ends with success at the end of
  // the body or when cancelled through `control`.
  boost::asio::awaitable<ApiResult<void>> stream(HttpRequestMessage request,
                                                 std::function<void(std::string_view)> on_bytes,
                                                 std::shared_ptr<StreamControl> control);

  static std::shared_ptr<StreamControl> make_stream_control();
  // Posts the cancellation to the stream's executor.
  static void cancel(const std::shared_ptr<StreamControl>& control);

  size_t idle_connections();

 private:
  struct Connection;
  Transport(boost::asio::io_context& io, ServerUrl url, std::string verify_name, bool verify);
  boost::asio::awaitable<ApiResult<std::unique_ptr<Connection>>> connect();
  boost::asio::awaitable<ApiResult<std::unique_ptr<Connection>>> acquire(bool& reused);
  void release(std::unique_ptr<Connection> conn);

  boost::asio::io_context& io_;
  ServerUrl url_;
  std::string verify_name_;
  bool verify_;
  std::unique_ptr<boost::asio::ssl::context> ssl_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace skiff::client::detail
