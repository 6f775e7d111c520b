// The revisioned key-value store the API server persists objects in.
//
// Semantics follow etcd v3 as Kubernetes uses it: one global revision,
// incremented by every successful write; per key create_revision and
// mod_revision; compare-and-swap on mod_revision; watches that replay history
// from a revision and then follow live writes; compaction of old history.
//
// Every operation has an asynchronous form (completion called once, possibly
// inline, possibly on a store thread: keep it short and never call a blocking
// method of the same store from it) and a blocking form built on it.
// Implementations are thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "storage/storage_error.h"
#include "storage/types.h"
#include "storage/watch.h"

namespace skiff::storage {

template <class T>
using Completion = std::function<void(Result<T>)>;

class KvStore {
 public:
  virtual ~KvStore() = default;

  // The object at `key`, as of `revision` (0 = newest). NotFound, Compacted.
  virtual void get_async(std::string key, Revision revision, Completion<KeyValue> done) = 0;

  // A page of the keys under a prefix and the revision it was read at. Compacted.
  virtual void range_async(RangeRequest request, Completion<RangeResult> done) = 0;

  // Creates `key`; AlreadyExists (carrying the stored object) if it exists.
  // The result's create_revision == mod_revision == the write's revision.
  virtual void create_async(std::string key, std::string value, Completion<KeyValue> done) = 0;

  // Replaces the value of an existing key. With `expected_mod_revision`, only
  // if the key's mod_revision still equals it, else Conflict carrying the
  // current object. NotFound if the key does not exist.
  virtual void update_async(std::string key, std::string value,
                            std::optional<Revision> expected_mod_revision,
                            Completion<KeyValue> done) = 0;

  // Deletes a key, optionally only at `expected_mod_revision` (else Conflict).
  virtual void remove_async(std::string key, std::optional<Revision> expected_mod_revision,
                            Completion<DeleteResult> done) = 0;

  // Drops history older than `revision`, keeping every key's state as of it.
  // Completes with the compaction point in effect afterwards.
  virtual void compact_async(Revision revision, Completion<Revision> done) = 0;

  virtual void current_revision_async(Completion<Revision> done) = 0;

  // Delivers every change under `prefix` with revision >= `from_revision`
  // (0 = changes after now), in revision order, with previous values.
  // Compacted, here or later through the callback, if `from_revision` is
  // older than the compaction point.
  virtual Result<WatchHandle> watch(std::string prefix, Revision from_revision,
                                    WatchCallback on_batch) = 0;

  // Blocking forms.
  Result<KeyValue> get(std::string key, Revision revision = 0);
  Result<RangeResult> range(RangeRequest request);
  Result<KeyValue> create(std::string key, std::string value);
  Result<KeyValue> update(std::string key, std::string value,
                          std::optional<Revision> expected_mod_revision = std::nullopt);
  Result<DeleteResult> remove(std::string key,
                              std::optional<Revision> expected_mod_revision = std::nullopt);
  Result<Revision> compact(Revision revision);
  Result<Revision> current_revision();
};

}  // namespace skiff::storage
