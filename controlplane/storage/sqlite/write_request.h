// A write queued for the SQLite group-commit writer, with its completion.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "storage/kv_store.h"

namespace skiff::storage::sqlite {

struct CreateWrite {
  std::string key;
  std::string value;
  Completion<KeyValue> done;
};

struct UpdateWrite {
  std::string key;
  std::string value;
  std::optional<Revision> expected_mod_revision;
  Completion<KeyValue> done;
};

struct DeleteWrite {
  std::string key;
  std::optional<Revision> expected_mod_revision;
  Completion<DeleteResult> done;
};

struct CompactWrite {
  Revision revision = 0;
  Completion<Revision> done;
};

using WriteRequest = std::variant<CreateWrite, UpdateWrite, DeleteWrite, CompactWrite>;

// Answers a request with an error (batch failure, shutdown).
inline void fail(WriteRequest& request, const StorageError& error) {
  std::visit([&](auto& write) { write.done(std::unexpected(error)); }, request);
}

}  // namespace skiff::storage::sqlite
