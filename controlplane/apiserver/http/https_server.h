// The HTTPS transport: Boost.Beast over OpenSSL, HTTP/1.1 keep-alive,
// chunked streaming for watches. Connections run as coroutines on a few I/O
// threads; handlers (which may block on storage) run on a worker pool so a
// slow request never holds up other connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/http_types.h"
#include "skiff/util/result.h"

namespace skiff::apiserver {

struct HttpsServerOptions {
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 6443;  // 0: pick a free port (tests)
  std::string cert_file;      // serving certificate chain (PEM)
  std::string key_file;
  std::string client_ca_file;  // client certificates signed by it authenticate
  int io_threads = 2;
  int worker_threads = 16;
  std::size_t max_body_bytes = 3 * 1024 * 1024;  // kube's limit; larger is 413
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds request_timeout{60};  // whole request incl. body (slowloris)
  std::chrono::seconds idle_timeout{120};    // between keep-alive requests
};

class HttpsServer {
 public:
  HttpsServer(HttpsServerOptions options, RequestHandler handler);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // Binds, listens and starts the threads.
  Result<void> start();
  std::uint16_t port() const;
  // Stops accepting, closes connections, joins the threads.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::apiserver
