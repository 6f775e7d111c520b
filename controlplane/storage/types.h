// Value types of the revisioned key-value store (the shape of etcd v3 as the
// Kubernetes API server uses it). Values are the objects' encoded bytes and
// are carried opaquely: the store never decodes or re-encodes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace skiff::storage {

// Global, strictly increasing store revision; every successful write gets the next one.
using Revision = std::int64_t;

struct KeyValue {
  std::string key;
  std::string value;
  Revision create_revision = 0;  // revision of the write that created this incarnation of the key
  Revision mod_revision = 0;     // revision of the last write to the key

  bool operator==(const KeyValue&) const = default;
};

struct RangeRequest {
  std::string prefix;          // every key starting with it ("" = all keys)
  std::int64_t limit = 0;      // 0 = no limit
  std::string continue_from;   // inclusive start key inside the prefix ("" = from the start)
  Revision revision = 0;       // 0 = newest; otherwise read the state as of that revision
};

struct RangeResult {
  std::vector<KeyValue> items;  // ordered by key (byte-wise)
  Revision revision = 0;        // the revision the read was served at
  bool more = false;            // more keys follow in the prefix
  std::string next_key;         // pass as continue_from (at `revision`) to read the next page
};

struct DeleteResult {
  KeyValue previous;   // the object as it was before the deletion
  Revision revision = 0;  // the revision of the deletion
};

enum class EventType { Put, Delete };

struct Event {
  EventType type = EventType::Put;
  // Put: the new pair. Delete: the key with mod_revision set to the revision
  // of the deletion (no value; the deleted object is in `previous`).
  KeyValue kv;
  std::optional<KeyValue> previous;  // absent for creations or if history was compacted

  Revision revision() const { return kv.mod_revision; }
};

// What a watch delivers: ordered events, or (events empty) a progress
// notification saying every later event has a revision above `revision`.
struct WatchBatch {
  std::vector<Event> events;
  Revision revision = 0;
};

}  // namespace skiff::storage
