#include "kubelet/cri_log.h"

#include <gtest/gtest.h>

#include <fstream>

namespace skiff::kubelet {
namespace {

TEST(CriLog, ParsesFullAndPartialLines) {
  auto l = parse_cri_log_line("2016-10-06T00:17:09.669794202Z stdout F log content 1");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->timestamp, "2016-10-06T00:17:09.669794202Z");
  EXPECT_EQ(l->stream, "stdout");
  EXPECT_FALSE(l->partial);
  EXPECT_EQ(l->content, "log content 1");
  auto p = parse_cri_log_line("2016-10-06T00:17:09.669794203Z stderr P part");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->partial);
  EXPECT_EQ(p->stream, "stderr");
  auto empty = parse_cri_log_line("2016-10-06T00:17:09.669794203Z stdout F");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->content, "");
}

TEST(CriLog, RejectsMalformedLines) {
  EXPECT_FALSE(parse_cri_log_line(""));
  EXPECT_FALSE(parse_cri_log_line("garbage"));
  EXPECT_FALSE(parse_cri_log_line("2016-10-06T00:17:09Z stdin F x"));
  EXPECT_FALSE(parse_cri_log_line("2016-10-06T00:17:09Z stdout X x"));
}

class LogFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("skiff-crilog-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / "0.log";
    std::ofstream f(path_);
    f << "2024-01-01T00:00:01.000000001Z stdout F one\n"
         "2024-01-01T00:00:02.000000001Z stderr F two\n"
         "2024-01-01T00:00:03.000000001Z stdout P thr\n"
         "2024-01-01T00:00:03.500000001Z stdout F ee\n"
         "not a cri line\n"
         "2024-01-01T00:00:04.000000001Z stdout F four\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string read(const LogOptions& o) {
    std::string out;
    auto r = read_container_log(path_, o, [&](std::string_view s) { out += s; });
    EXPECT_TRUE(r);
    return out;
  }
  std::filesystem::path dir_, path_;
};

TEST_F(LogFile, JoinsPartialLinesAndSkipsGarbage) {
  EXPECT_EQ(read({}), "one\ntwo\nthree\nfour\n");
}

TEST_F(LogFile, TailTimestampsStreamAndLimit) {
  LogOptions tail;
  tail.tail_lines = 2;
  EXPECT_EQ(read(tail), "three\nfour\n");
  LogOptions zero;
  zero.tail_lines = 0;
  EXPECT_EQ(read(zero), "");
  LogOptions ts;
  ts.timestamps = true;
  ts.tail_lines = 1;
  EXPECT_EQ(read(ts), "2024-01-01T00:00:04.000000001Z four\n");
  LogOptions err;
  err.stream = "stderr";
  EXPECT_EQ(read(err), "two\n");
  LogOptions limit;
  limit.limit_bytes = 6;
  EXPECT_EQ(read(limit), "one\ntw");
}

TEST_F(LogFile, FollowSeesAppendedLines) {
  LogOptions o;
  o.follow = true;
  std::string out;
  int polls = 0;
  bool appended = false;
  auto r = read_container_log(
      path_, o, [&](std::string_view s) { out += s; },
      [&] {
        if (!appended) {
          std::ofstream f(path_, std::ios::app);
          f << "2024-01-01T00:00:05.000000001Z stdout F five\n";
          appended = true;
        }
        return out.find("five") != std::string::npos || ++polls > 1000;
      });
  ASSERT_TRUE(r);
  EXPECT_EQ(out, "one\ntwo\nthree\nfour\nfive\n");
}

TEST(CriLog, Paths) {
  EXPECT_EQ(container_log_relative_path("web", 3), "web/3.log");
  EXPECT_EQ(pod_log_directory("/var/log/pods", "shop", "web-1", "u-1").string(), "/var/log/pods/shop_web-1_u-1");
}

}  // namespace
}  // namespace skiff::kubelet
