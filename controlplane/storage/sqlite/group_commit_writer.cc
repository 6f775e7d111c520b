#include "storage/sqlite/group_commit_writer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "storage/sqlite/sqlite_reads.h"

namespace skiff::storage::sqlite {
namespace {

template <class Done>
struct CompletionResult;
template <class T>
struct CompletionResult<Completion<T>> {
  using type = Result<T>;
};

}  // namespace

GroupCommitWriter::GroupCommitWriter(SqliteConnection& connection, PersistedRevisions start,
                                     CommitListener on_commit, std::size_t max_batch)
    : connection_(&connection),
      on_commit_(std::move(on_commit)),
      max_batch_(max_batch),
      committed_(start.revision),
      compacted_(start.compact_revision),
      thread_([this] { run(); }) {}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void GroupCommitWriter::submit(WriteRequest request) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(request));
      wake_.notify_one();
      return;
    }
  }
  fail(request, StorageError::unavailable(fmt::format("sqlite store {} is closed", connection_->path())));
}

void GroupCommitWriter::run() {
  std::vector<WriteRequest> batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is answered
      // Everything queued while the previous commit was syncing goes into this one.
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_batch(batch);
    batch.clear();
  }
}

void GroupCommitWriter::commit_batch(std::vector<WriteRequest>& batch) {
  auto fail_all = [&](const StorageError& error) {
    spdlog::error("storage: write batch of {} failed: {}", batch.size(), error.describe());
    for (auto& request : batch) fail(request, error);
  };
  auto transaction = Transaction::begin(*connection_, "BEGIN IMMEDIATE");
  if (!transaction) return fail_all(transaction.error());

  Revision start = committed_.load(std::memory_order_relaxed);
  Revision revision = start;
  pending_compaction_ = 0;
  std::vector<Event> events;
  std::vector<Outcome> outcomes;
  outcomes.reserve(batch.size());
  for (auto& request : batch) {
    auto outcome = apply(request, revision, events);
    if (!outcome) return fail_all(outcome.error());  // the transaction rolls back
    outcomes.push_back(std::move(*outcome));
  }
  if (revision != start) {
    auto statement = connection_->prepare("UPDATE meta SET value = ?1 WHERE name = 'revision'");
    if (!statement) return fail_all(statement.error());
    if (auto updated = statement->bind(1, revision).run(); !updated) return fail_all(updated.error());
  }
  // synchronous=FULL: COMMIT returns after the WAL is on disk, so acknowledging is safe.
  if (auto committed = transaction->commit(); !committed) return fail_all(committed.error());

  committed_.store(revision, std::memory_order_release);
  if (pending_compaction_ > 0) compacted_.store(pending_compaction_, std::memory_order_release);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::visit(
        [&](auto& write) {
          using Answer = typename CompletionResult<std::decay_t<decltype(write.done)>>::type;
          write.done(std::move(std::get<Answer>(outcomes[i])));
        },
        batch[i]);
  }
  if (!events.empty() && on_commit_) on_commit_(std::move(events), revision);
}

Result<GroupCommitWriter::Outcome> GroupCommitWriter::apply(WriteRequest& request, Revision& revision,
                                                            std::vector<Event>& events) {
  return std::visit(
      [&](auto& write) -> Result<Outcome> {
        using Write = std::decay_t<decltype(write)>;
        if constexpr (std::is_same_v<Write, CreateWrite>) return apply_create(write, revision, events);
        if constexpr (std::is_same_v<Write, UpdateWrite>) return apply_update(write, revision, events);
        if constexpr (std::is_same_v<Write, DeleteWrite>) return apply_delete(write, revision, events);
        if constexpr (std::is_same_v<Write, CompactWrite>) return apply_compact(write, revision);
      },
      request);
}

Result<void> GroupCommitWriter::append_log(Revision revision, std::string_view key, bool deleted,
                                           Revision create_revision, Revision prev_revision,
                                           std::string_view value) {
  auto statement = connection_->prepare(
      "INSERT INTO log (revision, key, deleted, create_revision, prev_revision, value) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!statement) return std::unexpected(statement.error());
  return statement->bind(1, revision)
      .bind(2, key)
      .bind(3, std::int64_t{deleted})
      .bind(4, create_revision)
      .bind(5, prev_revision)
      .bind(6, value)
      .run();
}

Result<GroupCommitWriter::Outcome> GroupCommitWriter::apply_create(CreateWrite& write, Revision& revision,
                                                                   std::vector<Event>& events) {
  if (write.key.empty()) return Outcome(Result<KeyValue>(std::unexpected(StorageError::invalid_argument("empty key"))));
  auto existing = read_live_key(*connection_, write.key);
  if (!existing) return std::unexpected(existing.error());
  if (*existing) return Outcome(Result<KeyValue>(std::unexpected(StorageError::already_exists(std::move(**existing)))));

  Revision next = revision + 1;
  if (auto logged = append_log(next, write.key, false, next, 0, write.value); !logged) {
    return std::unexpected(logged.error());
  }
  auto statement =
      connection_->prepare("INSERT INTO kv (key, create_revision, mod_revision) VALUES (?1, ?2, ?2)");
  if (!statement) return std::unexpected(statement.error());
  if (auto inserted = statement->bind(1, std::string_view(write.key)).bind(2, next).run(); !inserted) {
    return std::unexpected(inserted.error());
  }
  revision = next;
  KeyValue created{std::move(write.key), std::move(write.value), next, next};
  events.push_back(Event{EventType::Put, created, std::nullopt});
  return Outcome(Result<KeyValue>(std::move(created)));
}

Result<GroupCommitWriter::Outcome> GroupCommitWriter::apply_update(UpdateWrite& write, Revision& revision,
                                                                   std::vector<Event>& events) {
  auto existing = read_live_key(*connection_, write.key);
  if (!existing) return std::unexpected(existing.error());
  if (!*existing) return Outcome(Result<KeyValue>(std::unexpected(StorageError::not_found(write.key))));
  auto& current = **existing;
  if (write.expected_mod_revision && *write.expected_mod_revision != current.mod_revision) {
    return Outcome(Result<KeyValue>(
        std::unexpected(StorageError::conflict(std::move(current), *write.expected_mod_revision))));
  }

  Revision next = revision + 1;
  if (auto logged = append_log(next, write.key, false, current.create_revision, current.mod_revision, write.value);
      !logged) {
    return std::unexpected(logged.error());
  }
  auto statement = connection_->prepare("UPDATE kv SET mod_revision = ?2 WHERE key = ?1");
  if (!statement) return std::unexpected(statement.error());
  if (auto updated = statement->bind(1, std::string_view(write.key)).bind(2, next).run(); !updated) {
    return std::unexpected(updated.error());
  }
  revision = next;
  KeyValue written{std::move(write.key), std::move(write.value), current.create_revision, next};
  events.push_back(Event{EventType::Put, written, std::move(current)});
  return Outcome(Result<KeyValue>(std::move(written)));
}

Result<GroupCommitWriter::Outcome> GroupCommitWriter::apply_delete(DeleteWrite& write, Revision& revision,
                                                                   std::vector<Event>& events) {
  auto existing = read_live_key(*connection_, write.key);
  if (!existing) return std::unexpected(existing.error());
  if (!*existing) return Outcome(Result<DeleteResult>(std::unexpected(StorageError::not_found(write.key))));
  auto& current = **existing;
  if (write.expected_mod_revision && *write.expected_mod_revision != current.mod_revision) {
    return Outcome(Result<DeleteResult>(
        std::unexpected(StorageError::conflict(std::move(current), *write.expected_mod_revision))));
  }

  Revision next = revision + 1;
  if (auto logged = append_log(next, write.key, true, current.create_revision, current.mod_revision, "");
      !logged) {
    return std::unexpected(logged.error());
  }
  auto statement = connection_->prepare("DELETE FROM kv WHERE key = ?1");
  if (!statement) return std::unexpected(statement.error());
  if (auto deleted = statement->bind(1, std::string_view(write.key)).run(); !deleted) {
    return std::unexpected(deleted.error());
  }
  revision = next;
  events.push_back(Event{EventType::Delete, KeyValue{write.key, "", 0, next}, current});
  return Outcome(Result<DeleteResult>(DeleteResult{std::move(current), next}));
}

Result<GroupCommitWriter::Outcome> GroupCommitWriter::apply_compact(CompactWrite& write, Revision revision) {
  Revision compacted = std::max(compacted_.load(std::memory_order_relaxed), pending_compaction_);
  if (write.revision > revision) {
    return Outcome(Result<Revision>(std::unexpected(StorageError::invalid_argument(fmt::format(
        "cannot compact to revision {}: it is in the future (current revision {})", write.revision, revision)))));
  }
  if (write.revision <= compacted) return Outcome(Result<Revision>(compacted));

  // Drop every log row older than the compaction point except each key's
  // newest row at or before it (the key's state then); tombstones older than
  // the point describe nothing that can still be read.
  auto statement = connection_->prepare(
      "DELETE FROM log WHERE revision < ?1 AND (deleted = 1 OR revision < "
      "(SELECT max(newer.revision) FROM log AS newer WHERE newer.key = log.key AND newer.revision <= ?1))");
  if (!statement) return std::unexpected(statement.error());
  if (auto dropped = statement->bind(1, write.revision).run(); !dropped) return std::unexpected(dropped.error());
  auto mark = connection_->prepare("UPDATE meta SET value = ?1 WHERE name = 'compact_revision'");
  if (!mark) return std::unexpected(mark.error());
  if (auto marked = mark->bind(1, write.revision).run(); !marked) return std::unexpected(marked.error());
  pending_compaction_ = write.revision;
  return Outcome(Result<Revision>(write.revision));
}

}  // namespace skiff::storage::sqlite
