#include "lib/ledger/state_db.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/testing/temp_dir.h"

namespace fabric::ledger {
namespace {

class StateDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = fabric::testing::FreshTempDir("state_db");
    auto db = Db::Open(dir);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    state_ = std::make_unique<StateDb>(db_.get());
  }

  void Apply(const BlockUpdates& u) {
    rocksdb::WriteBatch batch;
    state_->Apply(u, &batch);
    ASSERT_TRUE(db_->Write(&batch, false).ok());
  }

  std::vector<std::string> Keys(const RangeResult& r) {
    std::vector<std::string> out;
    for (const KeyValue& kv : r.kvs) out.push_back(kv.key);
    return out;
  }

  std::unique_ptr<Db> db_;
  std::unique_ptr<StateDb> state_;
};

Update Put(std::string value, uint64_t block, uint64_t tx, std::string metadata = "") {
  return Update{false, std::move(value), std::move(metadata), Version{block, tx}};
}

TEST_F(StateDbTest, PutGetDeleteVersionsAndMetadata) {
  BlockUpdates u;
  u.pub["cc"]["a"] = Put("1", 1, 0, "\x0a\x03VP");
  u.pub["cc"]["b"] = Put("2", 1, 1);
  Apply(u);
  auto a = state_->Get("cc", "a");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->value, "1");
  EXPECT_EQ((*a)->metadata, "\x0a\x03VP");
  EXPECT_EQ((*a)->version, (Version{1, 0}));
  EXPECT_EQ(**state_->GetVersion("cc", "b"), (Version{1, 1}));
  EXPECT_FALSE(state_->Get("cc", "c")->has_value());
  EXPECT_FALSE(state_->GetVersion("other", "a")->has_value());

  BlockUpdates v;
  v.pub["cc"]["a"] = Update{true, "", "", Version{2, 0}};
  v.pub["cc"]["b"] = Put("22", 2, 3);
  Apply(v);
  EXPECT_FALSE(state_->Get("cc", "a")->has_value());
  EXPECT_EQ((*state_->Get("cc", "b"))->value, "22");
  EXPECT_EQ(**state_->GetVersion("cc", "b"), (Version{2, 3}));
}

TEST_F(StateDbTest, MetadataIndexTellsWhichNamespacesNeedMetadataReads) {
  // Without the index (a ledger written before it), every namespace may have metadata.
  EXPECT_TRUE(*state_->MayHaveMetadata("cc", ""));
  rocksdb::WriteBatch start;
  state_->StartMetadataIndex(&start);
  ASSERT_TRUE(db_->Write(&start, false).ok());
  EXPECT_FALSE(*state_->MayHaveMetadata("cc", ""));

  BlockUpdates u;
  u.pub["cc"]["a"] = Put("1", 1, 0);
  u.pub["meta"]["a"] = Put("1", 1, 1, "\x0a\x03VP");
  u.hashed["cc"]["coll"]["kh"] = Put("vh", 1, 2, "\x0a\x03VP");
  Apply(u);
  EXPECT_FALSE(*state_->MayHaveMetadata("cc", ""));
  EXPECT_TRUE(*state_->MayHaveMetadata("meta", ""));
  EXPECT_TRUE(*state_->MayHaveMetadata("cc", "coll"));
  EXPECT_FALSE(*state_->MayHaveMetadata("cc", "other"));

  // Once a namespace had metadata, it stays indexed even when none is left.
  BlockUpdates v;
  v.pub["meta"]["a"] = Put("2", 2, 0);
  Apply(v);
  EXPECT_TRUE(*state_->MayHaveMetadata("meta", ""));
}

TEST_F(StateDbTest, HashedStateLivesUnderItsDerivedNamespace) {
  BlockUpdates u;
  u.hashed["cc"]["coll"]["kh"] = Put("vh", 4, 2);
  Apply(u);
  EXPECT_EQ((*state_->GetHashed("cc", "coll", "kh"))->value, "vh");
  EXPECT_EQ((*state_->Get("cc$$hcoll", "kh"))->version, (Version{4, 2}));
  EXPECT_FALSE(state_->Get("cc", "kh")->has_value());
}

TEST_F(StateDbTest, NamespacesDoNotCollide) {
  BlockUpdates u;
  u.pub["a"][std::string("\0b", 2)] = Put("1", 1, 0);
  u.pub[std::string("a\0", 2)]["b"] = Put("2", 1, 1);
  u.pub[""]["ab"] = Put("3", 1, 2);
  u.pub["ab"][""] = Put("4", 1, 3);
  Apply(u);
  EXPECT_EQ((*state_->Get("a", std::string("\0b", 2)))->value, "1");
  EXPECT_EQ((*state_->Get(std::string("a\0", 2), "b"))->value, "2");
  EXPECT_EQ((*state_->Get("", "ab"))->value, "3");
  EXPECT_EQ((*state_->Get("ab", ""))->value, "4");
  EXPECT_EQ(state_->Range("a", "", "", 0)->kvs.size(), 1u);
  EXPECT_EQ(state_->Range("", "", "", 0)->kvs.size(), 1u);
}

TEST_F(StateDbTest, RangeInByteOrderWithLimitsAndBookmarks) {
  // Composite keys (\0 separators, U+10FFFF max), non-ASCII, and a key with a \0 tail.
  const std::vector<std::string> keys = {std::string("\0color~name\0blue\0", 17),
                                         std::string("\0color~name\0red\0", 16),
                                         "a",
                                         std::string("a\0", 2),
                                         "a\x01",
                                         "b",
                                         "\xc3\xa9t\xc3\xa9",
                                         "\xf4\x8f\xbf\xbf"};
  BlockUpdates u;
  for (size_t i = 0; i < keys.size(); ++i) u.pub["cc"][keys[i]] = Put(absl::StrCat(i), 1, i);
  u.pub["cd"]["a"] = Put("other namespace", 1, 99);
  Apply(u);

  auto all = state_->Range("cc", "", "", 0);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Keys(*all), keys);  // `keys` is listed in byte order
  EXPECT_EQ(all->bookmark, "");
  EXPECT_EQ(all->kvs[2].value.value, "2");
  EXPECT_EQ(all->kvs[2].value.version, (Version{1, 2}));

  // The composite-key partial range of Fabric: [prefix, prefix + U+10FFFF).
  std::string prefix("\0color~name\0", 12);
  auto partial = state_->Range("cc", prefix, prefix + "\xf4\x8f\xbf\xbf", 0);
  EXPECT_EQ(Keys(*partial), std::vector<std::string>(keys.begin(), keys.begin() + 2));

  // [a, b) excludes b; "a\0" sorts between "a" and "a\x01".
  auto ab = state_->Range("cc", "a", "b", 0);
  EXPECT_EQ(Keys(*ab), std::vector<std::string>(keys.begin() + 2, keys.begin() + 5));

  // Pages of 3 joined by bookmarks give the whole range.
  std::vector<std::string> paged;
  std::string start;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 10);
    auto page = state_->Range("cc", start, "", 3);
    ASSERT_TRUE(page.ok());
    EXPECT_LE(page->kvs.size(), 3u);
    for (const auto& k : Keys(*page)) paged.push_back(k);
    if (page->bookmark.empty()) break;
    start = page->bookmark;
  }
  EXPECT_EQ(paged, keys);
  EXPECT_EQ(state_->Range("cc", "a", "b", 3)->bookmark, "");  // exactly 3 left: done
  EXPECT_EQ(state_->Range("cc", "a", "", 1)->bookmark, std::string("a\0", 2));
}

}  // namespace
}  // namespace fabric::ledger
