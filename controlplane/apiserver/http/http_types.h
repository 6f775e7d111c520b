// The server's view of one HTTP request and its response, independent of
// Beast so handlers and their tests don't pull the transport in.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/user_info.h"

namespace skiff::apiserver {

using Params = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path without the query
  Params query;        // decoded, in order (repeated keys kept: exec's command=)
  Params headers;      // names lower-cased
  std::string body;
  UserInfo user;
  std::string remote;  // peer address, for logs

  std::optional<std::string> param(std::string_view name) const;
  bool flag(std::string_view name) const;  // "true"/"1" in any case
  std::string header(std::string_view lower_name) const;
};

// A streamed body (watch): producers push chunks from any thread, the
// connection writes them in order as chunked transfer encoding. Closing ends
// the response. `on_finish` runs when the connection is done with it (the
// client went away or the stream closed), e.g. to cancel a storage watch.
class ChunkStream {
 public:
  void push(std::string chunk);
  void close();
  // Called by the connection: takes everything queued; `closed` when done.
  std::vector<std::string> take(bool& closed);
  // Set by the connection: invoked (from any thread) when a chunk is pushed or the stream closes.
  void set_waker(std::function<void()> waker);
  // How long the connection may wait without a chunk before calling on_idle
  // (bookmarks); zero = never.
  std::chrono::seconds idle_interval{0};
  std::function<void()> on_idle;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::function<void()> on_finish;  // keeps the producer alive until the end

 private:
  std::mutex mutex_;
  std::deque<std::string> queue_;
  bool closed_ = false;
  std::function<void()> waker_;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  Params headers;
  std::shared_ptr<ChunkStream> stream;  // set: body is streamed (chunked)
};

using RequestHandler = std::function<HttpResponse(HttpRequest&)>;

// Percent-decoding of a path or query component ('+' is a space only in queries).
std::string url_decode(std::string_view in, bool plus_is_space);
Params parse_query(std::string_view query);

}  // namespace skiff::apiserver
