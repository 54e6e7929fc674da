#include "lib/rwset/write_ops.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/base/sha256.h"

namespace fabric::rwset {
namespace {

TEST(OutcomeOfTest, FollowsFabricsAddedFlags) {
  EXPECT_EQ(OutcomeOf(kUpsert), KeyOutcome::kValueKeepMetadata);
  EXPECT_EQ(OutcomeOf(kDelete), KeyOutcome::kDelete);
  EXPECT_EQ(OutcomeOf(kMetadataUpdate), KeyOutcome::kMetadataOnly);
  EXPECT_EQ(OutcomeOf(kMetadataDelete), KeyOutcome::kMetadataOnly);
  EXPECT_EQ(OutcomeOf(kUpsert + kMetadataUpdate), KeyOutcome::kValueAndMetadata);
  EXPECT_EQ(OutcomeOf(kUpsert + kMetadataDelete), KeyOutcome::kValueAndMetadata);
  EXPECT_EQ(OutcomeOf(kUpsert + kDelete), KeyOutcome::kDelete);
  // Fabric's quirks of adding: two upserts read as a metadata update, three as an
  // upsert with a metadata update.
  EXPECT_EQ(OutcomeOf(kUpsert + kUpsert), KeyOutcome::kMetadataOnly);
  EXPECT_EQ(OutcomeOf(kUpsert + kUpsert + kUpsert), KeyOutcome::kValueAndMetadata);
  EXPECT_EQ(OutcomeOf(kMetadataUpdate + kMetadataUpdate), KeyOutcome::kMetadataOnly);
}

TEST(IsDeleteTest, EmptyValuesAndEmptyHashesDelete) {
  kvrwset::KVWrite w;
  w.set_key("k");
  EXPECT_TRUE(IsDelete(w));
  w.set_value("v");
  EXPECT_FALSE(IsDelete(w));
  w.set_is_delete(true);
  EXPECT_TRUE(IsDelete(w));

  kvrwset::KVWriteHash h;
  h.set_key_hash(Sha256("k"));
  EXPECT_TRUE(IsHashedDelete(h));
  h.set_value_hash(Sha256(""));
  EXPECT_TRUE(IsHashedDelete(h));
  h.set_value_hash(Sha256("v"));
  EXPECT_FALSE(IsHashedDelete(h));
  h.set_is_delete(true);
  EXPECT_TRUE(IsHashedDelete(h));
}

TEST(ForEachWriteTest, VisitsPublicThenHashedWritesInOrder) {
  wire::ActionView action;
  wire::NamespaceView ns;
  ns.name = "cc";
  kvrwset::KVWrite* w = ns.kv.add_writes();
  w->set_key("a");
  w->set_value("1");
  ns.kv.add_writes()->set_key("b");  // empty value: a delete
  kvrwset::KVMetadataWrite* m = ns.kv.add_metadata_writes();
  m->set_key("a");
  m->add_entries()->set_name("VALIDATION_PARAMETER");
  wire::CollectionView coll;
  coll.name = "secret";
  kvrwset::KVWriteHash* h = coll.hashed.add_hashed_writes();
  h->set_key_hash("kh");
  h->set_value_hash("vh");
  coll.hashed.add_metadata_writes()->set_key_hash("kh");  // no entries: a delete
  ns.collections.push_back(coll);
  action.namespaces.push_back(ns);

  std::vector<std::string> seen;
  ForEachWrite(
      action,
      [&](const std::string& n, const std::string& c, const std::string& k, bool is_delete,
          const std::string& value) {
        seen.push_back(absl::StrCat("w ", n, "/", c, "/", k, " ", is_delete, " ", value));
      },
      [&](const std::string& n, const std::string& c, const std::string& k,
          const MetadataEntries& entries) {
        seen.push_back(absl::StrCat("m ", n, "/", c, "/", k, " ", MetadataFlag(entries)));
      });
  EXPECT_EQ(seen, (std::vector<std::string>{"w cc//a 0 1", "w cc//b 1 ", "m cc//a 2",
                                            "w cc/secret/kh 0 vh", "m cc/secret/kh 4"}));
}

}  // namespace
}  // namespace fabric::rwset
