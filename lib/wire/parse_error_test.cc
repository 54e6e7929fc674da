#include "lib/wire/parse_error.h"

#include <string>

#include "gtest/gtest.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::wire {
namespace {

std::string Why(const std::string& bytes, const google::protobuf::Message& type) {
  return DescribeParseFailure(bytes, *type.GetDescriptor());
}

TEST(DescribeParseFailureTest, TruncatedLength) {
  // Envelope.signature (field 2), length 9, only 2 bytes follow.
  EXPECT_EQ(Why(std::string("\x0a\x01p\x12\x09xy", 7), common::Envelope()),
            "field 2 (signature) at offset 3: length 9 exceeds the 2 bytes left");
}

TEST(DescribeParseFailureTest, InvalidWireTypeAndFieldZero) {
  EXPECT_EQ(Why("\x0f", common::Envelope()), "field 1 (payload) at offset 0: invalid wire type 7");
  EXPECT_EQ(Why(std::string("\x00\x01", 2), common::Envelope()), "field number 0 at offset 1");
}

TEST(DescribeParseFailureTest, TruncatedVarintAndFixed) {
  EXPECT_EQ(Why("\x08\xff", common::ChannelHeader()),
            "field 1 (type) at offset 0: truncated varint");
  EXPECT_EQ(Why("\x79\x01\x02", common::ChannelHeader()),
            "field 15 at offset 0: truncated fixed64");
}

TEST(DescribeParseFailureTest, NestedMessagesAndUtf8) {
  // ChannelHeader.channel_id (field 4, string) with a lone continuation byte.
  EXPECT_EQ(Why("\x22\x01\x80", common::ChannelHeader()), "field 4 (channel_id): not valid UTF-8");
  // Block.header (field 1) holding a BlockHeader whose data_hash is truncated.
  common::BlockHeader h;
  std::string inner =
      "\x1a\x05"
      "ab";
  std::string block = std::string("\x0a") + static_cast<char>(inner.size()) + inner;
  EXPECT_EQ(Why(block, common::Block()),
            "header.field 3 (data_hash) at offset 2: length 5 exceeds the 2 bytes left");
}

TEST(DescribeParseFailureTest, Groups) {
  // An unknown group (field 9) that never ends; one that ends is fine.
  EXPECT_EQ(Why("\x4b\x08\x01", common::Envelope()), "group of field 9 never ends");
  EXPECT_EQ(Why("\x4c", common::Envelope()),
            "field 9 at offset 0: end-group without a matching start");
}

TEST(ParseMessageTest, NamesWhereWhatAndWhy) {
  common::Envelope env;
  absl::Status s = ParseMessage(std::string("\x12\x09xy", 4), &env, "block 3, tx 1");
  EXPECT_EQ(s.message(),
            "block 3, tx 1: 4 bytes do not parse as common.Envelope: field 2 (signature) at "
            "offset 0: length 9 exceeds the 2 bytes left");
  EXPECT_TRUE(ParseMessage("", &env, "x").ok());
}

}  // namespace
}  // namespace fabric::wire
