#include "transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <array>
#include <chrono>
#include <limits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

namespace skiff::client::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using asio::redirect_error;
using asio::use_awaitable;

namespace {
constexpr auto kConnectTimeout = std::chrono::seconds(30);
// Whole-response deadline of ordinary requests; watches have none (TCP keep-alive
// notices a dead peer instead).
constexpr auto kRequestTimeout = std::chrono::seconds(300);
constexpr size_t kMaxIdle = 16;

bool is_ip_address(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}
}  // namespace

struct Transport::Connection {
  Connection(asio::io_context& io, ssl::context& ctx) : stream(io, ctx) {}
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

Result<ServerUrl> parse_server_url(const std::string& url) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) return fail("server URL must start with https://: " + url);
  std::string rest = url.substr(scheme.size());
  ServerUrl out;
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    out.path_prefix = rest.substr(slash);
    while (!out.path_prefix.empty() && out.path_prefix.back() == '/') out.path_prefix.pop_back();
  }
  if (authority.empty()) return fail("server URL has no host: " + url);
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return fail("server URL has an unclosed IPv6 bracket: " + url);
    out.host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("server URL has junk after the IPv6 address: " + url);
      out.port = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) out.port = authority.substr(colon + 1);
  }
  if (out.port.empty()) out.port = "443";
  if (out.port.find_first_not_of("0123456789") != std::string::npos || out.port.size() > 5) {
    return fail("server URL has a bad port: " + url);
  }
  if (out.host.empty()) return fail("server URL has no host: " + url);
  bool v6 = out.host.find(':') != std::string::npos;
  out.host_header = (v6 ? "[" + out.host + "]" : out.host) + ":" + out.port;
  return out;
}

Transport::Transport(asio::io_context& io, ServerUrl url, std::string verify_name, bool verify)
    : io_(io), url_(std::move(url)), verify_name_(std::move(verify_name)), verify_(verify) {}

Transport::~Transport() = default;

Result<std::shared_ptr<Transport>> Transport::create(asio::io_context& io, const ClientConfig& config) {
  auto url = parse_server_url(config.server);
  if (!url) return std::unexpected(url.error());
  std::string verify_name = config.tls_server_name.empty() ? url->host : config.tls_server_name;
  std::shared_ptr<Transport> t(new Transport(io, *url, verify_name, !config.insecure_skip_tls_verify));
  t->ssl_ = std::make_unique<ssl::context>(ssl::context::tls_client);
  auto& ctx = *t->ssl_;
  error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (t->verify_) {
    ctx.set_verify_mode(ssl::verify_peer, ec);
    if (config.ca_pem.empty()) {
      ctx.set_default_verify_paths(ec);
    } else {
      ctx.add_certificate_authority(asio::buffer(config.ca_pem), ec);
      if (ec) return fail("the cluster's certificate authority is not a usable PEM certificate: " + ec.message());
    }
  } else {
    ctx.set_verify_mode(ssl::verify_none, ec);
  }
  if (!config.client_cert_pem.empty()) {
    ctx.use_certificate_chain(asio::buffer(config.client_cert_pem), ec);
    if (ec) return fail("the client certificate is not a usable PEM certificate: " + ec.message());
    ctx.use_private_key(asio::buffer(config.client_key_pem), ssl::context::pem, ec);
    if (ec) return fail("the client key is not a usable PEM key matching the certificate: " + ec.message());
  }
  return t;
}

std::shared_ptr<StreamControl> Transport::make_stream_control() { return std::make_shared<StreamControl>(); }

void Transport::cancel(const std::shared_ptr<StreamControl>& control) {
  std::lock_guard lock(control->mu);
  control->cancelled = true;
  if (control->executor) {
    asio::post(*control->executor, [control] {
      std::lock_guard inner(control->mu);
      if (control->close) control->close();
    });
  }
}

size_t Transport::idle_connections() {
  std::lock_guard lock(mu_);
  return idle_.size();
}

asio::awaitable<ApiResult<std::unique_ptr<Transport::Connection>>> Transport::connect() {
  auto conn = std::make_unique<Connection>(io_, *ssl_);
  error_code ec;
  tcp::resolver resolver(io_);
  auto endpoints = co_await resolver.async_resolve(url_.host, url_.port, redirect_error(use_awaitable, ec));
  if (ec) co_return connection_error("cannot resolve " + url_.host + ": " + ec.message());
  auto& layer = beast::get_lowest_layer(conn->stream);
  layer.expires_after(kConnectTimeout);
  co_await layer.async_connect(endpoints, redirect_error(use_awaitable, ec));
  if (ec) co_return connection_error("cannot connect to " + url_.host_header + ": " + ec.message());
  auto& sock = layer.socket();
  sock.set_option(tcp::no_delay(true), ec);
  // A watch can be silent for minutes: keep-alive probes find a dead peer.
  sock.set_option(asio::socket_base::keep_alive(true), ec);
  int idle = 30, interval = 10, count = 3;
  ::setsockopt(sock.native_handle(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(sock.native_handle(), IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(sock.native_handle(), IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  if (!is_ip_address(verify_name_)) SSL_set_tlsext_host_name(conn->stream.native_handle(), verify_name_.c_str());
  if (verify_) conn->stream.set_verify_callback(ssl::host_name_verification(verify_name_));
  co_await conn->stream.async_handshake(ssl::stream_base::client, redirect_error(use_awaitable, ec));
  if (ec) co_return connection_error("TLS handshake with " + url_.host_header + " failed: " + ec.message());
  layer.expires_never();
  co_return std::move(conn);
}

asio::awaitable<ApiResult<std::unique_ptr<Transport::Connection>>> Transport::acquire(bool& reused) {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
      co_return std::move(conn);
    }
  }
  reused = false;
  co_return co_await connect();
}

void Transport::release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(conn));
}

namespace {
// The server closed a kept-alive connection before our request reached it.
bool stale_connection_error(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
}
}  // namespace

asio::awaitable<ApiResult<RestResponse>> Transport::exchange(HttpRequestMessage request) {
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    auto conn = co_await acquire(reused);
    if (!conn) co_return std::unexpected(conn.error());
    auto& c = **conn;
    auto& layer = beast::get_lowest_layer(c.stream);
    layer.expires_after(kRequestTimeout);
    error_code ec;
    co_await http::async_write(c.stream, request, redirect_error(use_awaitable, ec));
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (!ec) co_await http::async_read(c.stream, c.buffer, parser, redirect_error(use_awaitable, ec));
    if (ec) {
      if (reused && attempt == 0 && stale_connection_error(ec)) {
        // The server closed it (idle timeout, restart): the other idle
        // connections are likely as dead. Retry once on a fresh one.
        std::lock_guard lock(mu_);
        idle_.clear();
        continue;
      }
      if (ec == beast::error::timeout) co_return connection_error("request to " + url_.host_header + " timed out");
      co_return connection_error("request to " + url_.host_header + " failed: " + ec.message());
    }
    layer.expires_never();
    auto& res = parser.get();
    RestResponse out;
    out.status = static_cast<int>(res.result_int());
    if (auto ct = res.find(http::field::content_type); ct != res.end()) out.content_type = std::string(ct->value());
    if (auto ra = res.find(http::field::retry_after); ra != res.end()) {
      out.retry_after_seconds = std::atoi(std::string(ra->value()).c_str());
    }
    bool keep = res.keep_alive();
    out.body = std::move(res.body());
    if (keep) release(std::move(*conn));
    co_return out;
  }
}

asio::awaitable<ApiResult<void>> Transport::stream(HttpRequestMessage request,
                                                   std::function<void(std::string_view)> on_bytes,
                                                   std::shared_ptr<StreamControl> control) {
  auto conn_result = co_await connect();  // a dedicated connection: it stays busy for the stream's life
  if (!conn_result) co_return std::unexpected(conn_result.error());
  auto conn = std::move(*conn_result);
  {
    std::lock_guard lock(control->mu);
    if (control->cancelled) co_return ApiResult<void>{};
    control->close = [stream = &conn->stream] {
      error_code ec;
      beast::get_lowest_layer(*stream).socket().close(ec);
    };
  }
  struct Detach {
    StreamControl& ctl;
    ~Detach() {
      std::lock_guard lock(ctl.mu);
      ctl.close = nullptr;
    }
  } detach{*control};
  auto was_cancelled = [&] {
    std::lock_guard lock(control->mu);
    return control->cancelled;
  };

  error_code ec;
  co_await http::async_write(conn->stream, request, redirect_error(use_awaitable, ec));
  if (ec) co_return was_cancelled() ? ApiResult<void>{} : connection_error("watch request failed: " + ec.message());
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  co_await http::async_read_header(conn->stream, conn->buffer, parser, redirect_error(use_awaitable, ec));
  if (ec) co_return was_cancelled() ? ApiResult<void>{} : connection_error("watch response failed: " + ec.message());
  const int status = static_cast<int>(parser.get().result_int());
  std::string error_body;
  std::array<char, 64 * 1024> chunk;
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    // read_some, not read: read would wait for the chunk buffer to fill,
    // holding back events of a quiet stream.
    co_await http::async_read_some(conn->stream, conn->buffer, parser, redirect_error(use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    size_t got = chunk.size() - parser.get().body().size;
    if (got) {
      if (status == 200) on_bytes(std::string_view(chunk.data(), got));
      else if (error_body.size() < (1 << 20)) error_body.append(chunk.data(), got);
    }
    if (ec) {
      if (was_cancelled()) co_return ApiResult<void>{};
      co_return connection_error("watch stream broke: " + ec.message());
    }
  }
  if (status != 200) co_return std::unexpected(status_from_response(status, error_body));
  co_return ApiResult<void>{};
}

}  // namespace skiff::client::detail
