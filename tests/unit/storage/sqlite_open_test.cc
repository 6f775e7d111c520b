// Opening a SQLite store: a fresh file is created, an existing store is
// reopened as it was, and a file that is not a readable Skiff store is
// reported clearly (naming the file) and left untouched, never recreated.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "storage/sqlite/sqlite_store.h"
#include "test_backends.h"

namespace skiff::storage::testing {
namespace {

using sqlite::SqliteStore;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

class SqliteOpen : public ::testing::Test {
 protected:
  SqliteBackend backend;
  const std::string& path = backend.path();
};

TEST_F(SqliteOpen, ReopenKeepsObjectsRevisionAndCompaction) {
  Revision last = 0;
  {
    auto store = SqliteStore::open({.path = path});
    ASSERT_TRUE(store) << store.error().describe();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE((*store)->create(fmt::format("/k/{}", i), "v"));
    last = (*store)->update("/k/3", "v2").value().mod_revision;
    ASSERT_TRUE((*store)->compact(5));
  }
  auto store = SqliteStore::open({.path = path});
  ASSERT_TRUE(store) << store.error().describe();
  EXPECT_EQ(*(*store)->current_revision(), last);
  EXPECT_EQ((*store)->range({"/k/", 0, "", 0})->items.size(), 10u);
  EXPECT_EQ((*store)->get("/k/3")->value, "v2");
  EXPECT_EQ((*store)->get("/k/1", 4).error().kind, ErrorKind::Compacted);
}

TEST_F(SqliteOpen, GarbageFileIsReportedAndKept) {
  std::string garbage(8192, 'x');
  write_file(path, garbage);
  auto store = SqliteStore::open({.path = path});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::Corrupt);
  EXPECT_NE(store.error().message.find(path), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("not a database"), std::string::npos) << store.error().message;
  EXPECT_EQ(read_file(path), garbage);  // not recreated
}

TEST_F(SqliteOpen, DamagedPagesAreReportedAtOpen) {
  {
    auto store = SqliteStore::open({.path = path});
    ASSERT_TRUE(store);
    std::string value(2000, 'v');
    for (int i = 0; i < 200; ++i) ASSERT_TRUE((*store)->create(fmt::format("/k/{:03}", i), value));
  }
  // Fold the WAL into the file so the damage below hits the only copy.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto bytes = read_file(path);
  ASSERT_GT(bytes.size(), 64u * 1024);
  // Scribble over pages in the middle (b-tree pages of the log and its index).
  for (std::size_t offset = 8 * 4096; offset < bytes.size() - 8192; offset += 4096 * 5) {
    for (std::size_t i = 0; i < 64; ++i) bytes[offset + i] = static_cast<char>(0xA5);
  }
  write_file(path, bytes);

  auto store = SqliteStore::open({.path = path});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::Corrupt) << store.error().describe();
  EXPECT_NE(store.error().message.find(path), std::string::npos) << store.error().message;
  EXPECT_EQ(read_file(path), bytes);
}

TEST_F(SqliteOpen, ForeignSqliteDatabaseIsRefused) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE something (x); INSERT INTO something VALUES (1);", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = SqliteStore::open({.path = path});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::Corrupt);
  EXPECT_NE(store.error().message.find("not a Skiff store"), std::string::npos) << store.error().message;
}

TEST_F(SqliteOpen, UnopenablePathIsUnavailableAndNamed) {
  auto missing = path + ".d/nested/state.db";
  auto store = SqliteStore::open({.path = missing});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::Unavailable);
  EXPECT_NE(store.error().message.find(missing), std::string::npos) << store.error().message;
}

}  // namespace
}  // namespace skiff::storage::testing
