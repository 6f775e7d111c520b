#include "skiff/client/watch_event.h"

namespace skiff::client {

const char* to_string(WatchEventType t) {
  switch (t) {
    case WatchEventType::Added: return "ADDED";
    case WatchEventType::Modified: return "MODIFIED";
    case WatchEventType::Deleted: return "DELETED";
    case WatchEventType::Bookmark: return "BOOKMARK";
    case WatchEventType::Error: return "ERROR";
  }
  return "?";
}

ApiStatus WatchEvent::status() const { return status_from_json(object, 0); }

std::string WatchEvent::resource_version() const {
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return {};
  auto rv = md->find("resourceVersion");
  return rv != md->end() && rv->is_string() ? rv->get<std::string>() : std::string();
}

ApiResult<WatchEvent> decode_watch_event(std::string_view line) {
  auto bad = [&](const std::string& why) {
    return api_fail(0, "BadWatchEvent", why + ": " + std::string(line.substr(0, 200)));
  };
  nlohmann::json doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return bad("watch event is not valid JSON");
  if (!doc.is_object()) return bad("watch event is not a JSON object");
  auto type = doc.find("type");
  if (type == doc.end() || !type->is_string()) return bad("watch event has no type");
  auto object = doc.find("object");
  if (object == doc.end() || !object->is_object()) return bad("watch event has no object");
  const auto& t = type->get_ref<const std::string&>();
  WatchEvent ev;
  if (t == "ADDED") ev.type = WatchEventType::Added;
  else if (t == "MODIFIED") ev.type = WatchEventType::Modified;
  else if (t == "DELETED") ev.type = WatchEventType::Deleted;
  else if (t == "BOOKMARK") ev.type = WatchEventType::Bookmark;
  else if (t == "ERROR") ev.type = WatchEventType::Error;
  else return bad("unknown watch event type \"" + t + "\"");
  ev.object = std::move(*object);
  return ev;
}

WatchDecoder::WatchDecoder(Sink sink, size_t max_line_bytes) : sink_(std::move(sink)), max_line_(max_line_bytes) {}

void WatchDecoder::decode_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Blank lines (keep-alives some servers send) carry nothing.
  if (line.find_first_not_of(" \t") == std::string_view::npos) return;
  sink_(decode_watch_event(line));
}

void WatchDecoder::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      if (overflowed_) return;
      if (partial_.size() + bytes.size() > max_line_) {
        overflowed_ = true;
        partial_.clear();
        sink_(api_fail(0, "BadWatchEvent", "watch event longer than " + std::to_string(max_line_) + " bytes"));
        return;
      }
      partial_.append(bytes);
      return;
    }
    if (overflowed_) {
      overflowed_ = false;  // the oversized line ends here; resume at the next one
    } else if (partial_.empty()) {
      decode_line(bytes.substr(0, nl));
    } else {
      partial_.append(bytes.substr(0, nl));
      decode_line(partial_);
      partial_.clear();
    }
    bytes.remove_prefix(nl + 1);
  }
}

bool WatchDecoder::finish() {
  if (overflowed_) return false;
  if (partial_.empty()) return true;
  std::string last = std::move(partial_);
  partial_.clear();
  decode_line(last);
  return true;
}

}  // namespace skiff::client
