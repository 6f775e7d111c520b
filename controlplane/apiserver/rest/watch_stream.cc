// WATCH: one JSON event per line over a chunked response, fed by the watch
// cache. Objects go out as stored bytes with their resourceVersion spliced
// in; they are decoded only to filter by selectors or to print as a Table.
#include <charconv>

#include "rest/object_codec.h"
#include "rest/resource_handler.h"
#include "skiff/apimachinery/selectors.h"
#include "skiff/apimachinery/table.h"

namespace skiff::apiserver {

using nlohmann::json;
namespace am = skiff::apimachinery;

namespace {

struct WatchState {
  std::weak_ptr<ChunkStream> stream;
  storage::WatchHandle handle;
  am::ResourceInfo resource;
  std::optional<am::LabelSelector> labels;
  std::optional<am::FieldSelector> fields;
  std::string exact_key;  // a watch of one named object
  bool table = false;
  bool bookmarks = false;
  bool columns_sent = false;
  std::mutex mutex;  // serialises event formatting (columns_sent)

  bool filtering() const { return (labels && !labels->empty()) || (fields && !fields->empty()); }

  bool matches(const json& object) const {
    if (!object.is_object()) return false;
    const json& meta = object["metadata"];
    if (labels && !labels->matches(meta.contains("labels") ? meta["labels"] : json())) return false;
    if (fields && !fields->matches(object)) return false;
    return true;
  }

  std::string event_line(std::string_view type, std::string_view stored, storage::Revision revision) {
    std::string object;
    if (table) {
      json decoded = json::parse(stored, nullptr, false);
      decoded["metadata"]["resourceVersion"] = std::to_string(revision);
      am::TableOptions options;
      options.column_definitions = !columns_sent;
      options.printer_columns = resource.printer_columns;
      columns_sent = true;
      object = am::to_table(resource.gvk(), {&decoded}, options).dump();
    } else {
      object = with_resource_version(stored, revision);
    }
    std::string line;
    line.reserve(object.size() + 32);
    line += R"({"type":")";
    line += type;
    line += R"(","object":)";
    line += object;
    line += "}\n";
    return line;
  }

  std::string bookmark(storage::Revision revision) const {
    return json{{"type", "BOOKMARK"},
                {"object",
                 {{"kind", resource.kind},
                  {"apiVersion", resource.api_version()},
                  {"metadata", {{"resourceVersion", std::to_string(revision)}}}}}}
               .dump() +
           "\n";
  }

  void deliver(const storage::Result<storage::WatchBatch>& update) {
    auto out = stream.lock();
    if (!out) return;
    if (!update) {
      if (update.error().kind == storage::ErrorKind::Compacted)
        out->push(json{{"type", "ERROR"},
                       {"object", json::parse(status_json(410, "Expired", "too old resource version: " + update.error().message))}}
                      .dump() +
                  "\n");
      out->close();
      return;
    }
    std::lock_guard lock(mutex);
    if (update->events.empty()) {
      if (bookmarks) out->push(bookmark(update->revision));
      return;
    }
    std::string chunk;
    for (const auto& event : update->events) {
      if (!exact_key.empty() && event.kv.key != exact_key) continue;
      bool is_delete = event.type == storage::EventType::Delete;
      const std::string* current = is_delete ? nullptr : &event.kv.value;
      const std::string* previous = event.previous ? &event.previous->value : nullptr;
      std::string_view type;
      const std::string* shown = nullptr;
      if (!filtering()) {
        if (is_delete) {
          type = "DELETED";
          shown = previous;
        } else {
          type = event.kv.create_revision == event.kv.mod_revision ? "ADDED" : "MODIFIED";
          shown = current;
        }
      } else {
        bool now_matches = current && matches(json::parse(*current, nullptr, false));
        bool was_matching = previous && matches(json::parse(*previous, nullptr, false));
        if (is_delete) {
          if (was_matching) type = "DELETED", shown = previous;
        } else if (now_matches) {
          type = was_matching ? "MODIFIED" : "ADDED";
          shown = current;
        } else if (was_matching) {
          type = "DELETED";  // left the selection
          shown = current;
        }
      }
      if (!shown) continue;
      chunk += event_line(type, *shown, event.revision());
    }
    if (!chunk.empty()) out->push(std::move(chunk));
  }
};

}  // namespace

HttpResponse ResourceHandler::watch(HttpRequest& request, const ResourceRequest& target) {
  const auto& resource = *target.resource;
  auto state = std::make_shared<WatchState>();
  state->resource = resource;
  auto labels = am::LabelSelector::parse(request.param("labelSelector").value_or(""));
  if (!labels) return status_response(labels.error());
  auto fields = am::FieldSelector::parse(request.param("fieldSelector").value_or(""), resource.gvk());
  if (!fields) return status_response(fields.error());
  state->labels = std::move(*labels);
  state->fields = std::move(*fields);
  state->table = wants_table(request.header("accept"));
  state->bookmarks = request.flag("allowWatchBookmarks");

  auto stream = std::make_shared<ChunkStream>();
  state->stream = stream;
  std::string prefix = storage_prefix(resource, target.namespace_name);
  if (!target.name.empty()) prefix = state->exact_key = storage_key(resource, target.namespace_name, target.name);

  std::string rv = request.param("resourceVersion").value_or("");
  storage::Revision from = 0;
  if (rv.empty() || rv == "0") {
    // Synthetic ADDED events for what exists, then changes after that snapshot.
    auto page = cache_.list({prefix, 0, "", 0});
    if (!page) return storage_failure(page.error(), qualified(resource), "");
    std::string chunk;
    for (const auto& kv : page->items) {
      if (!target.name.empty() && kv.key != prefix) continue;
      if (state->filtering() && !state->matches(json::parse(kv.value, nullptr, false))) continue;
      chunk += state->event_line("ADDED", kv.value, kv.mod_revision);
    }
    if (!chunk.empty()) stream->push(std::move(chunk));
    from = page->revision + 1;
  } else {
    storage::Revision value = 0;
    auto [ptr, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), value);
    if (ec != std::errc() || ptr != rv.data() + rv.size()) return bad_request("invalid resource version: " + rv);
    from = value + 1;
  }

  std::weak_ptr<WatchState> weak = state;
  auto handle = cache_.watch(prefix, from, [weak](storage::Result<storage::WatchBatch> update) {
    if (auto s = weak.lock()) s->deliver(update);
  });
  if (!handle) {
    if (handle.error().kind == storage::ErrorKind::Compacted) {
      // As kube: 200 and an ERROR event with 410 Expired, so clients relist.
      state->deliver(std::unexpected(handle.error()));
    } else {
      return storage_failure(handle.error(), qualified(resource), "");
    }
  } else {
    state->handle = std::move(*handle);
  }

  if (auto timeout = request.param("timeoutSeconds")) {
    long long seconds = 0;
    std::from_chars(timeout->data(), timeout->data() + timeout->size(), seconds);
    if (seconds > 0) stream->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  }
  if (state->bookmarks) {
    stream->idle_interval = std::chrono::seconds(60);
    storage::WatchCache* cache = &cache_;
    stream->on_idle = [weak, cache] {
      if (auto s = weak.lock())
        if (auto out = s->stream.lock()) out->push(s->bookmark(cache->revision()));
    };
  }
  stream->on_finish = [state] { state->handle.cancel(); };

  HttpResponse response;
  response.stream = stream;
  response.content_type = "application/json";
  return response;
}

}  // namespace skiff::apiserver
