// Watch events and the decoder of a watch response body: one JSON object per
// line, {"type": ..., "object": {...}}, arriving in chunks split anywhere.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "skiff/client/status.h"

namespace skiff::client {

enum class WatchEventType { Added, Modified, Deleted, Bookmark, Error };
const char* to_string(WatchEventType);

struct WatchEvent {
  WatchEventType type;
  nlohmann::json object;  // the object; for Error the Status
  ApiStatus status() const;  // for Error events
  std::string resource_version() const;  // object.metadata.resourceVersion
};

class WatchDecoder {
 public:
  // Called per complete line: the event, or why the line is not one.
  using Sink = std::function<void(ApiResult<WatchEvent>)>;
  explicit WatchDecoder(Sink sink, size_t max_line_bytes = 64u << 20);
  void feed(std::string_view bytes);
  // End of stream: a final line without '\n' is decoded; true when nothing
  // incomplete was left over.
  bool finish();

 private:
  void decode_line(std::string_view line);
  Sink sink_;
  std::string partial_;
  size_t max_line_;
  bool overflowed_ = false;
};

// Decodes one event line (no trailing newline needed).
ApiResult<WatchEvent> decode_watch_event(std::string_view line);

}  // namespace skiff::client
