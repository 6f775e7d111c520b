// Error kinds of the store, chosen so the API server can map them to HTTP
// statuses without looking at messages (NotFound 404, AlreadyExists 409,
// Conflict 409, Compacted 410, Unavailable 503/504, Corrupt 500).
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "storage/types.h"

namespace skiff::storage {

enum class ErrorKind {
  NotFound,
  AlreadyExists,
  Conflict,         // compare-and-swap lost: `current` holds the object as it is now
  Compacted,        // requested revision is older than the compaction point
  Unavailable,      // backend unreachable, timed out, I/O failure, or store closed
  Corrupt,          // on-disk state unreadable or inconsistent
  InvalidArgument,  // e.g. empty key or a revision in the future
};

std::string_view to_string(ErrorKind kind);

struct StorageError {
  ErrorKind kind;
  std::string message;
  std::optional<KeyValue> current;  // Conflict / AlreadyExists: the stored object
  Revision compact_revision = 0;    // Compacted: the compaction point, when known

  static StorageError not_found(std::string_view key);
  static StorageError already_exists(KeyValue existing);
  static StorageError conflict(KeyValue current, Revision expected);
  static StorageError compacted(Revision requested, Revision compact_revision);
  static StorageError unavailable(std::string message);
  static StorageError corrupt(std::string message);
  static StorageError invalid_argument(std::string message);

  std::string describe() const;  // "Conflict: ..." for logs and test failures
};

template <class T>
using Result = std::expected<T, StorageError>;

}  // namespace skiff::storage
