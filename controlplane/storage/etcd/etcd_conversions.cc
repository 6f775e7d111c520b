#include "storage/etcd/etcd_conversions.h"

#include "storage/key_range.h"

namespace skiff::storage::etcd {

KeyValue from_proto(const mvccpb::KeyValue& kv) {
  return KeyValue{kv.key(), kv.value(), kv.create_revision(), kv.mod_revision()};
}

Event from_proto(const mvccpb::Event& event) {
  Event converted;
  converted.type = event.type() == mvccpb::Event::DELETE ? EventType::Delete : EventType::Put;
  converted.kv = from_proto(event.kv());
  if (converted.type == EventType::Delete) converted.kv.create_revision = 0;
  // etcd sends no prev_kv for creations (and for compacted history).
  if (event.has_prev_kv() && event.prev_kv().mod_revision() != 0) converted.previous = from_proto(event.prev_kv());
  return converted;
}

std::string range_end_for_prefix(const std::string& prefix) {
  auto end = prefix_end(prefix);
  return end.empty() ? std::string(1, '\0') : end;
}

}  // namespace skiff::storage::etcd
