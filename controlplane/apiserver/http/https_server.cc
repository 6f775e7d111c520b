#include "http/https_server.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <thread>
#include <vector>

namespace skiff::apiserver {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;
using SslStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// The identity a verified client certificate carries: CN is the user, each O a group.
std::optional<UserInfo> certificate_user(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return std::nullopt;
  std::optional<UserInfo> user;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    UserInfo info;
    X509_NAME* subject = X509_get_subject_name(cert);
    auto entries = [&](int nid) {
      std::vector<std::string> out;
      int index = -1;
      while ((index = X509_NAME_get_index_by_NID(subject, nid, index)) >= 0) {
        ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
        unsigned char* utf8 = nullptr;
        int len = ASN1_STRING_to_UTF8(&utf8, data);
        if (len >= 0) out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
        OPENSSL_free(utf8);
      }
      return out;
    };
    auto names = entries(NID_commonName);
    if (!names.empty()) {
      info.name = names.front();
      info.groups = entries(NID_organizationName);
      info.groups.push_back("system:authenticated");
      user = std::move(info);
    }
  }
  X509_free(cert);
  return user;
}

HttpRequest to_request(http::request<http::string_body>& in, const std::string& remote) {
  HttpRequest out;
  out.method = std::string(in.method_string());
  std::string_view target(in.target().data(), in.target().size());
  auto question = target.find('?');
  out.path = url_decode(target.substr(0, question), false);
  if (question != std::string_view::npos) out.query = parse_query(target.substr(question + 1));
  for (const auto& field : in) {
    std::string name(field.name_string());
    std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = std::move(in.body());
  out.remote = remote;
  return out;
}

std::string status_json(unsigned code, std::string_view reason, std::string_view message) {
  return fmt::format(
      R"({{"kind":"Status","apiVersion":"v1","metadata":{{}},"status":"Failure","message":"{}","reason":"{}","code":{}}})",
      message, reason, code);
}

}  // namespace

struct HttpsServer::Impl {
  HttpsServerOptions options;
  RequestHandler handler;
  net::io_context io;
  net::ssl::context tls{net::ssl::context::tls_server};
  tcp::acceptor acceptor{io};
  net::thread_pool workers;
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
  bool stopped = false;

  Impl(HttpsServerOptions o, RequestHandler h)
      : options(std::move(o)), handler(std::move(h)), workers(static_cast<std::size_t>(options.worker_threads)) {}

  Result<void> configure_tls() {
    boost::system::error_code ec;
    tls.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                    net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
    tls.use_certificate_chain_file(options.cert_file, ec);
    if (ec) return fail("load serving certificate " + options.cert_file + ": " + ec.message());
    tls.use_private_key_file(options.key_file, net::ssl::context::pem, ec);
    if (ec) return fail("load serving key " + options.key_file + ": " + ec.message());
    if (!options.client_ca_file.empty()) {
      tls.load_verify_file(options.client_ca_file, ec);
      if (ec) return fail("load client CA " + options.client_ca_file + ": " + ec.message());
      // Ask for a certificate but let token and anonymous clients through;
      // a presented certificate that does not verify fails the handshake.
      tls.set_verify_mode(net::ssl::verify_peer);
      STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.client_ca_file.c_str());
      if (names) SSL_CTX_set_client_CA_list(tls.native_handle(), names);
    }
    return {};
  }

  awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(net::make_strand(io), net::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
        spdlog::warn("apiserver: accept: {}", ec.message());
        continue;
      }
      auto executor = socket.get_executor();
      net::co_spawn(executor, session(SslStream(std::move(socket), tls)), net::detached);
    }
  }

  awaitable<HttpResponse> run_handler(HttpRequest& request) {
    co_return co_await net::co_spawn(
        workers.get_executor(),
        [this, &request]() -> awaitable<HttpResponse> {
          try {
            co_return handler(request);
          } catch (const std::exception& e) {
            spdlog::error("apiserver: {} {}: handler failed: {}", request.method, request.path, e.what());
            HttpResponse response;
            response.status = 500;
            response.body = status_json(500, "InternalError", "internal error");
            co_return response;
          }
        },
        use_awaitable);
  }

  awaitable<void> session(SslStream stream) {
    auto& tcp_layer = beast::get_lowest_layer(stream);
    std::string remote;
    {
      boost::system::error_code ec;
      auto endpoint = tcp_layer.socket().remote_endpoint(ec);
      if (!ec) remote = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    }
    boost::system::error_code ec;
    tcp_layer.expires_after(options.handshake_timeout);
    co_await stream.async_handshake(net::ssl::stream_base::server, net::redirect_error(use_awaitable, ec));
    if (ec) {
      spdlog::debug("apiserver: TLS handshake with {} failed: {}", remote, ec.message());
      co_return;
    }
    std::optional<UserInfo> cert_user = certificate_user(stream.native_handle());

    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      parser.header_limit(1024 * 1024);
      tcp_layer.expires_after(first ? options.request_timeout : options.idle_timeout);
      first = false;
      // Wait for the header (idle keep-alive), then bound the rest of the request.
      co_await http::async_read_header(stream, buffer, parser, net::redirect_error(use_awaitable, ec));
      if (!ec && !parser.is_done()) {
        tcp_layer.expires_after(options.request_timeout);
        co_await http::async_read(stream, buffer, parser, net::redirect_error(use_awaitable, ec));
      }
      if (ec == http::error::body_limit) {
        http::response<http::string_body> too_large{http::status::payload_too_large, 11};
        too_large.set(http::field::content_type, "application/json");
        too_large.body() = status_json(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
        too_large.prepare_payload();
        too_large.keep_alive(false);
        tcp_layer.expires_after(options.request_timeout);
        co_await http::async_write(stream, too_large, net::redirect_error(use_awaitable, ec));
        break;
      }
      if (ec) break;  // closed, timed out or malformed: nothing more to say on this connection

      auto& message = parser.get();
      bool keep_alive = message.keep_alive();
      unsigned version = message.version();
      HttpRequest request = to_request(message, remote);
      if (cert_user) request.user = *cert_user;

      HttpResponse response = co_await run_handler(request);

      if (response.stream) {
        co_await stream_response(stream, response, version);
        break;
      }
      http::response<http::string_body> out{static_cast<http::status>(response.status), version};
      out.set(http::field::content_type, response.content_type);
      for (const auto& [name, value] : response.headers) out.set(name, value);
      out.body() = std::move(response.body);
      out.keep_alive(keep_alive);
      out.prepare_payload();
      tcp_layer.expires_after(options.request_timeout);
      co_await http::async_write(stream, out, net::redirect_error(use_awaitable, ec));
      if (ec || !keep_alive) break;
    }
    tcp_layer.expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(net::redirect_error(use_awaitable, ec));
  }

  awaitable<void> stream_response(SslStream& stream, HttpResponse& response, unsigned version) {
    auto chunks = response.stream;
    auto& tcp_layer = beast::get_lowest_layer(stream);
    boost::system::error_code ec;

    http::response<http::empty_body> head{static_cast<http::status>(response.status), version};
    head.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) head.set(name, value);
    head.chunked(true);
    head.keep_alive(false);
    http::response_serializer<http::empty_body> serializer{head};
    tcp_layer.expires_after(options.request_timeout);
    co_await http::async_write_header(stream, serializer, net::redirect_error(use_awaitable, ec));

    auto wake = std::make_shared<net::steady_timer>(co_await net::this_coro::executor);
    std::weak_ptr<net::steady_timer> weak = wake;
    auto executor = co_await net::this_coro::executor;
    chunks->set_waker([executor, weak] {
      net::post(executor, [weak] {
        if (auto timer = weak.lock()) timer->cancel();
      });
    });

    auto next_idle = std::chrono::steady_clock::now() + chunks->idle_interval;
    while (!ec) {
      bool closed = false;
      auto pending = chunks->take(closed);
      if (!pending.empty()) {
        std::string joined;
        for (auto& piece : pending) joined += piece;
        tcp_layer.expires_after(options.request_timeout);
        co_await net::async_write(stream, http::make_chunk(net::buffer(joined)), net::redirect_error(use_awaitable, ec));
        if (ec) break;
      }
      auto now = std::chrono::steady_clock::now();
      if (closed || now >= chunks->deadline) break;
      if (chunks->idle_interval.count() > 0 && now >= next_idle) {
        next_idle = now + chunks->idle_interval;
        if (chunks->on_idle) chunks->on_idle();
        continue;
      }
      auto until = chunks->deadline;
      if (chunks->idle_interval.count() > 0) until = std::min(until, next_idle);
      tcp_layer.expires_never();
      wake->expires_at(until);
      boost::system::error_code wait_ec;
      co_await wake->async_wait(net::redirect_error(use_awaitable, wait_ec));
    }
    chunks->set_waker(nullptr);
    if (chunks->on_finish) chunks->on_finish();
    if (!ec) {
      tcp_layer.expires_after(options.request_timeout);
      co_await net::async_write(stream, http::make_chunk_last(), net::redirect_error(use_awaitable, ec));
    }
  }
};

HttpsServer::HttpsServer(HttpsServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpsServer::~HttpsServer() { stop(); }

Result<void> HttpsServer::start() {
  if (auto tls = impl_->configure_tls(); !tls) return tls;
  boost::system::error_code ec;
  auto address = net::ip::make_address(impl_->options.bind_address, ec);
  if (ec) return fail("bad bind address " + impl_->options.bind_address);
  tcp::endpoint endpoint{address, impl_->options.port};
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return fail("listen on " + impl_->options.bind_address + ":" + std::to_string(impl_->options.port) + ": " +
                ec.message());
  impl_->bound_port = acceptor.local_endpoint().port();
  net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
  for (int i = 0; i < std::max(1, impl_->options.io_threads); ++i)
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  return {};
}

std::uint16_t HttpsServer::port() const { return impl_->bound_port; }

void HttpsServer::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  impl_->io.stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->workers.stop();
  impl_->workers.join();
}

}  // namespace skiff::apiserver
