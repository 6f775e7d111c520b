#include <gtest/gtest.h>

#include "skiff/client/watch_event.h"

namespace skiff::client {
namespace {

struct Collected {
  std::vector<WatchEvent> events;
  std::vector<ApiStatus> errors;
  WatchDecoder decoder{[this](ApiResult<WatchEvent> ev) {
    if (ev) events.push_back(std::move(*ev));
    else errors.push_back(ev.error());
  }};
};

const std::string kStream =
    R"({"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"5"}}})"
    "\n"
    R"({"type":"MODIFIED","object":{"kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"6"},"data":{"k":"line1\nline2"}}})"
    "\n"
    R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"9"}}})"
    "\n"
    R"({"type":"DELETED","object":{"kind":"ConfigMap","metadata":{"name":"a","namespace":"ns","resourceVersion":"10"}}})"
    "\n";

TEST(WatchDecoderTest, SplitAnywhere) {
  for (size_t split1 = 0; split1 <= kStream.size(); split1 += 7) {
    for (size_t split2 = split1; split2 <= kStream.size(); split2 += 13) {
      Collected c;
      c.decoder.feed(std::string_view(kStream).substr(0, split1));
      c.decoder.feed(std::string_view(kStream).substr(split1, split2 - split1));
      c.decoder.feed(std::string_view(kStream).substr(split2));
      ASSERT_TRUE(c.decoder.finish());
      ASSERT_EQ(c.events.size(), 4u) << "split at " << split1 << "," << split2;
      EXPECT_TRUE(c.errors.empty());
      EXPECT_EQ(c.events[0].type, WatchEventType::Added);
      EXPECT_EQ(c.events[1].type, WatchEventType::Modified);
      EXPECT_EQ(c.events[1].object["data"]["k"], "line1\nline2");
      EXPECT_EQ(c.events[2].type, WatchEventType::Bookmark);
      EXPECT_EQ(c.events[2].resource_version(), "9");
      EXPECT_EQ(c.events[3].type, WatchEventType::Deleted);
      EXPECT_EQ(c.events[3].resource_version(), "10");
    }
  }
}

TEST(WatchDecoderTest, ByteAtATime) {
  Collected c;
  for (char ch : kStream) c.decoder.feed(std::string_view(&ch, 1));
  EXPECT_EQ(c.events.size(), 4u);
}

TEST(WatchDecoderTest, BadLinesAreReportedAndTheNextLineStillDecodes) {
  Collected c;
  c.decoder.feed("{not json\n");
  c.decoder.feed("[1,2]\n");
  c.decoder.feed(R"({"type":"SOMETHING","object":{}})" "\n");
  c.decoder.feed(R"({"type":"ADDED"})" "\n");
  c.decoder.feed("\r\n\n");  // blank keep-alive lines carry nothing
  c.decoder.feed(R"({"type":"ADDED","object":{"metadata":{"name":"ok"}}})" "\r\n");
  ASSERT_EQ(c.errors.size(), 4u);
  EXPECT_NE(c.errors[0].message.find("not valid JSON"), std::string::npos);
  EXPECT_NE(c.errors[1].message.find("not a JSON object"), std::string::npos);
  EXPECT_NE(c.errors[2].message.find("unknown watch event type \"SOMETHING\""), std::string::npos);
  EXPECT_NE(c.errors[3].message.find("no object"), std::string::npos);
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].object["metadata"]["name"], "ok");
}

TEST(WatchDecoderTest, ErrorEventCarriesTheStatus) {
  Collected c;
  c.decoder.feed(R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (42)","reason":"Expired","code":410}})json" "\n");
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.events[0].type, WatchEventType::Error);
  ApiStatus st = c.events[0].status();
  EXPECT_EQ(st.code, 410);
  EXPECT_TRUE(st.is_expired());
  EXPECT_EQ(st.message, "too old resource version: 5 (42)");
}

TEST(WatchDecoderTest, FinalLineWithoutNewline) {
  Collected c;
  c.decoder.feed(R"({"type":"ADDED","object":{"metadata":{"name":"last"}}})");
  EXPECT_TRUE(c.events.empty());
  EXPECT_TRUE(c.decoder.finish());
  ASSERT_EQ(c.events.size(), 1u);
}

TEST(WatchDecoderTest, OversizedLineIsAnErrorAndSkipped) {
  std::vector<ApiResult<WatchEvent>> out;
  WatchDecoder d([&](ApiResult<WatchEvent> ev) { out.push_back(std::move(ev)); }, 64);
  d.feed(std::string(50, 'x'));
  d.feed(std::string(50, 'x'));
  d.feed("tail\n");
  d.feed(R"({"type":"ADDED","object":{}})" "\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0]);
  EXPECT_TRUE(out[1]);
}

}  // namespace
}  // namespace skiff::client
