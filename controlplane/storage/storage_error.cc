#include "storage/storage_error.h"

#include <fmt/format.h>

namespace skiff::storage {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::NotFound: return "NotFound";
    case ErrorKind::AlreadyExists: return "AlreadyExists";
    case ErrorKind::Conflict: return "Conflict";
    case ErrorKind::Compacted: return "Compacted";
    case ErrorKind::Unavailable: return "Unavailable";
    case ErrorKind::Corrupt: return "Corrupt";
    case ErrorKind::InvalidArgument: return "InvalidArgument";
  }
  return "Unknown";
}

StorageError StorageError::not_found(std::string_view key) {
  return {ErrorKind::NotFound, fmt::format("key {} not found", key), std::nullopt, 0};
}

StorageError StorageError::already_exists(KeyValue existing) {
  auto message = fmt::format("key {} already exists (created at revision {})", existing.key,
                             existing.create_revision);
  return {ErrorKind::AlreadyExists, std::move(message), std::move(existing), 0};
}

StorageError StorageError::conflict(KeyValue current, Revision expected) {
  auto message = fmt::format("key {} was modified at revision {}, expected revision {}", current.key,
                             current.mod_revision, expected);
  return {ErrorKind::Conflict, std::move(message), std::move(current), 0};
}

StorageError StorageError::compacted(Revision requested, Revision compact_revision) {
  auto message = fmt::format("revision {} has been compacted (compaction point {})", requested,
                             compact_revision);
  return {ErrorKind::Compacted, std::move(message), std::nullopt, compact_revision};
}

StorageError StorageError::unavailable(std::string message) {
  return {ErrorKind::Unavailable, std::move(message), std::nullopt, 0};
}

StorageError StorageError::corrupt(std::string message) {
  return {ErrorKind::Corrupt, std::move(message), std::nullopt, 0};
}

StorageError StorageError::invalid_argument(std::string message) {
  return {ErrorKind::InvalidArgument, std::move(message), std::nullopt, 0};
}

std::string StorageError::describe() const {
  return fmt::format("{}: {}", to_string(kind), message);
}

}  // namespace skiff::storage
