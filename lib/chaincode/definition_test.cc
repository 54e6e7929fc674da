#include "lib/chaincode/definition.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "lib/wire/proto/lifecycle.pb.h"

namespace fabric::chaincode {
namespace {

TEST(DefinitionKeysTest, AreFabricsSerializerLayout) {
  EXPECT_EQ(DefinitionMetadataKey("cc"), "namespaces/metadata/cc");
  EXPECT_EQ(DefinitionFieldKey("cc", "Collections"), "namespaces/fields/cc/Collections");
}

TEST(DecodeSequenceTest, ReadsTheSequenceAsFabricsSerializer) {
  EXPECT_EQ(SequenceKey("cc"), "namespaces/fields/cc/Sequence");
  EXPECT_EQ(DecodeSequence("cc", std::nullopt).value_or(-1), 0);
  lifecycle::StateData data;
  data.set_int64(7);
  EXPECT_EQ(DecodeSequence("cc", data.SerializeAsString()).value_or(-1), 7);
  data.set_int64(0);  // a set oneof is stored even when zero
  EXPECT_EQ(DecodeSequence("cc", data.SerializeAsString()).value_or(-1), 0);
  data.set_bytes("7");
  for (const std::string& stored : {data.SerializeAsString(), std::string(), std::string("\xff")}) {
    EXPECT_EQ(DecodeSequence("cc", stored).status().code(), absl::StatusCode::kDataLoss);
  }
}

}  // namespace
}  // namespace fabric::chaincode
