#include "lib/wire/field_reader.h"

#include <string>

#include "gtest/gtest.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::wire {
namespace {

TEST(FieldReader, ReadsWhatProtobufWrote) {
  common::SignaturePolicyEnvelope env;
  env.set_version(300);
  env.mutable_rule()->set_signed_by(7);
  env.add_identities()->set_principal("p");
  const std::string bytes = env.SerializeAsString();
  FieldReader r(bytes);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.number(), 1);
  EXPECT_EQ(r.wire_type(), FieldReader::kVarint);
  EXPECT_EQ(r.varint(), 300u);
  EXPECT_EQ(r.raw(), std::string("\x08\xac\x02", 3));
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.number(), 2);
  EXPECT_EQ(r.bytes(), env.rule().SerializeAsString());
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.number(), 3);
  EXPECT_FALSE(r.Next());
  EXPECT_TRUE(r.ok());
}

TEST(FieldReader, SkipsFixedAndNestedGroups) {
  // fixed32 (field 1), fixed64 (field 2), group 3 { group 4 { varint 5 } }, varint 6.
  const std::string bytes("\x0d\x01\x02\x03\x04"
                          "\x11\x01\x02\x03\x04\x05\x06\x07\x08"
                          "\x1b\x23\x28\x01\x24\x1c"
                          "\x30\x09",
                          22);
  FieldReader r(bytes);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.wire_type(), FieldReader::kFixed32);
  EXPECT_EQ(r.varint(), 0x04030201u);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.wire_type(), FieldReader::kFixed64);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.wire_type(), FieldReader::kStartGroup);
  EXPECT_EQ(r.raw().size(), 6u);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.number(), 6);
  EXPECT_EQ(r.varint(), 9u);
  EXPECT_FALSE(r.Next());
  EXPECT_TRUE(r.ok());
}

TEST(FieldReader, MalformedInputStopsWithNotOk) {
  for (const std::string& bad : {
           std::string("\x08", 1),              // varint value missing
           std::string("\x12\x05" "abc", 5),    // length past the end
           std::string("\x00\x01", 2),          // field number 0
           std::string("\x0e\x01", 2),          // wire type 6
           std::string("\x0c", 1),              // end group without a start
           std::string("\x0b\x14", 2),          // group 1 ended as group 2
           std::string("\x0b", 1),              // group never ended
           std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),  // 11 bytes
       }) {
    FieldReader r(bad);
    while (r.Next()) {
    }
    EXPECT_FALSE(r.ok()) << testing::PrintToString(bad);
  }
}

TEST(FieldReader, AppendBytesFieldWritesATagLengthAndContents) {
  std::string out;
  AppendBytesField(7, std::string(200, 'x'), &out);
  EXPECT_EQ(out.substr(0, 3), std::string("\x3a\xc8\x01", 3));
  FieldReader r(out);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.number(), 7);
  EXPECT_EQ(r.bytes(), std::string(200, 'x'));
}

}  // namespace
}  // namespace fabric::wire
