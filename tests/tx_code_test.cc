// The C ABI's validation codes are Fabric's: every value of protos.TxValidationCode (our
// wire-compatible copy of Fabric's enum) is declared in fabric.h as FABRIC_TX_<NAME> with
// its number, and fabric_tx_code_name gives its name; nothing else has a name.
#include <fabric/fabric.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/wire/proto/transaction.pb.h"

namespace {

std::string Header() {
  std::ifstream in("include/fabric/fabric.h");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(TxCodeTest, EveryFabricCodeIsDeclaredAndNamed) {
  const std::string header = Header();
  ASSERT_FALSE(header.empty());
  const google::protobuf::EnumDescriptor* codes = protos::TxValidationCode_descriptor();
  ASSERT_GT(codes->value_count(), 20);
  for (int i = 0; i < codes->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* v = codes->value(i);
    EXPECT_NE(header.find(absl::StrCat("FABRIC_TX_", v->name(), " = ", v->number())),
              std::string::npos)
        << v->name();
    const char* name = fabric_tx_code_name(v->number());
    ASSERT_NE(name, nullptr) << v->number();
    EXPECT_EQ(std::string(name), v->name());
  }
  EXPECT_EQ(FABRIC_TX_VALID, protos::VALID);
  EXPECT_EQ(FABRIC_TX_INVALID_OTHER_REASON, protos::INVALID_OTHER_REASON);
  for (int n : {-1, 26, 253, 256}) EXPECT_EQ(fabric_tx_code_name(n), nullptr) << n;
}

}  // namespace
