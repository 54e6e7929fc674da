// The transaction simulator and its stub against ledgers holding the conformance chain
// (replayed through a channel) and, where a test needs more, blocks of our own:
// every value and version a test expects is read from the ledger, never typed in.
//
// The strongest check is FabricMadeReadWriteSetsAreReproducedByteForByte: every valid
// transaction of the chain was simulated by Fabric's own TxSimulator; replaying its reads,
// range queries and writes on our simulator, against the state it was endorsed on, must
// give the very bytes Fabric put in the block.
#include "lib/endorse/simulator.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/channel/channel.h"
#include "lib/endorse/contract.h"
#include "lib/ledger/ledger.h"
#include "lib/rwset/range_query.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"
#include "lib/validate/mvcc.h"
#include "lib/wire/block.h"
#include "lib/wire/hashes.h"
#include "lib/wire/testing/unsigned_tx.h"

namespace fabric::endorse {
namespace {

using Mode = TxSimulator::Mode;

// U+10FFFF in UTF-8.
constexpr char kMaxRune[] = "\xF4\x8F\xBF\xBF";

// ---- Ledgers ----

// The conformance chain submitted to a channel in `dir`, as a peer receives it (block
// 20, which verification rejects, is submitted again unverified, as the vectors were
// made). `before_each` runs before each block with the ledger as of the block before.
void ReplayConformance(
    const std::string& dir,
    const std::function<void(const ledger::Ledger&, const std::string& block)>& before_each = {}) {
  auto c = channel::Channel::Create(dir, testing::ReadVector("genesis.block"),
                                    channel::ChannelOptions());
  ASSERT_TRUE(c.ok()) << c.status();
  for (const std::string& path :
       testing::ListFiles(testing::ConformanceDir() + "/blocks", ".block")) {
    auto bytes = testing::ReadFile(path);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    if (before_each) before_each((*c)->ledger(), *bytes);
    absl::StatusOr<channel::BlockResult> r = (*c)->Submit(*bytes);
    if (!r.ok()) r = (*c)->Submit(*bytes, channel::SubmitOptions{.skip_verification = true});
    ASSERT_TRUE(r.ok()) << path << ": " << r.status();
  }
}

std::unique_ptr<ledger::Ledger> OpenLedger(const std::string& dir) {
  auto l = ledger::Ledger::Open(dir, ledger::LedgerOptions());
  EXPECT_TRUE(l.ok()) << l.status();
  return l.ok() ? *std::move(l) : nullptr;
}

// The next block of `l` carrying `envelopes`.
std::shared_ptr<const wire::ParsedBlock> NextBlock(const ledger::Ledger& l,
                                                   const std::vector<std::string>& envelopes) {
  common::Block b;
  for (const std::string& e : envelopes) b.mutable_data()->add_data(e);
  b.mutable_header()->set_number(l.chain_info().height);
  b.mutable_header()->set_previous_hash(l.chain_info().current_hash);
  b.mutable_header()->set_data_hash(wire::BlockDataHash(b.data()));
  auto parsed = wire::ParsedBlock::Parse(b.SerializeAsString());
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : nullptr;
}

// Commits the results of `sim` as the one (valid) transaction of the next block.
void CommitResults(ledger::Ledger& l, const TxSimulator& sim) {
  absl::StatusOr<std::string> results = sim.Results();
  ASSERT_TRUE(results.ok()) << results.status();
  auto block = NextBlock(
      l, {wire::testing::UnsignedEndorserTx(absl::StrCat("tx", l.chain_info().height), *results)});
  ASSERT_NE(block, nullptr);
  ASSERT_TRUE(l.Commit(*block, std::string(1, protos::VALID)).ok());
}

// The MVCC codes the next block of `l` would give transactions with these results.
std::vector<uint8_t> MvccCodes(const ledger::Ledger& l, const std::vector<std::string>& results) {
  std::vector<std::string> envelopes;
  for (size_t i = 0; i < results.size(); ++i) {
    envelopes.push_back(wire::testing::UnsignedEndorserTx(absl::StrCat("check", i), results[i]));
  }
  auto block = NextBlock(l, envelopes);
  std::vector<uint8_t> codes(results.size(), protos::VALID);
  absl::Status s = validate::CheckReadConflicts(*block, l.state(), absl::MakeSpan(codes));
  EXPECT_TRUE(s.ok()) << s;
  return codes;
}

// ---- Reading results ----

struct Recorded {
  std::vector<std::string> namespaces;  // in rwset order
  std::map<std::string, kvrwset::KVRWSet> kv;
};

Recorded Parse(const absl::StatusOr<std::string>& results) {
  EXPECT_TRUE(results.ok()) << results.status();
  Recorded out;
  ::rwset::TxReadWriteSet tx;
  EXPECT_TRUE(results.ok() && tx.ParseFromString(*results));
  EXPECT_EQ(tx.data_model(), ::rwset::TxReadWriteSet::KV);
  for (const ::rwset::NsReadWriteSet& ns : tx.ns_rwset()) {
    out.namespaces.push_back(ns.namespace_());
    EXPECT_TRUE(out.kv[ns.namespace_()].ParseFromString(ns.rwset()));
  }
  return out;
}

void ExpectVersion(const kvrwset::KVRead& r, const ledger::Version& v) {
  ASSERT_TRUE(r.has_version()) << r.key();
  EXPECT_EQ(r.version().block_num(), v.block) << r.key();
  EXPECT_EQ(r.version().tx_num(), v.tx) << r.key();
}

// ---- The conformance ledger, shared by the tests that only read ----

class SimulatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = fabric::testing::FreshTempDir("simulator_test_conformance");
    ReplayConformance(dir);
    ledger_ = OpenLedger(dir).release();
  }
  static void TearDownTestSuite() {
    delete ledger_;
    ledger_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(ledger_, nullptr); }

  static std::vector<ledger::KeyValue> State(const std::string& ns, const std::string& start = "",
                                             const std::string& end = "") {
    auto r = ledger_->state().Range(ns, start, end, 0);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->kvs : std::vector<ledger::KeyValue>();
  }
  // The committed key of `ns` that starts with `prefix` (the vectors' key names end with
  // a tag that changes from run to run).
  static ledger::KeyValue KeyWithPrefix(const std::string& ns, const std::string& prefix) {
    for (ledger::KeyValue& kv : State(ns)) {
      if (absl::StartsWith(kv.key, prefix)) return kv;
    }
    ADD_FAILURE() << "no key " << prefix << "* in " << ns;
    return {};
  }

  static ledger::Ledger* ledger_;
};

ledger::Ledger* SimulatorTest::ledger_ = nullptr;

// ---- Reads and writes ----

TEST_F(SimulatorTest, ReadReturnsTheCommittedValueAndRecordsItsVersion) {
  const ledger::KeyValue committed = KeyWithPrefix("cc_or", "valid_range_query_");
  TxSimulator sim(*ledger_, Mode::kEndorse);
  auto v = sim.GetState("cc_or", committed.key);
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(**v, committed.value.value);

  Recorded r = Parse(sim.Results());
  ASSERT_EQ(r.namespaces, std::vector<std::string>{"cc_or"});
  const kvrwset::KVRWSet& kv = r.kv["cc_or"];
  ASSERT_EQ(kv.reads_size(), 1);
  EXPECT_EQ(kv.reads(0).key(), committed.key);
  ExpectVersion(kv.reads(0), committed.value.version);
  EXPECT_EQ(kv.writes_size(), 0);
}

TEST_F(SimulatorTest, ATransactionDoesNotReadItsOwnWrites) {
  const ledger::KeyValue committed = KeyWithPrefix("cc_or", "blind_writes_");
  TxSimulator sim(*ledger_, Mode::kEndorse);
  ASSERT_TRUE(sim.PutState("cc_or", committed.key, "mine").ok());
  auto v = sim.GetState("cc_or", committed.key);
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(**v, committed.value.value);  // not "mine"
  ASSERT_TRUE(sim.DelState("cc_or", committed.key).ok());
  v = sim.GetState("cc_or", committed.key);
  ASSERT_TRUE(v.ok() && v->has_value());  // still there

  Recorded r = Parse(sim.Results());
  const kvrwset::KVRWSet& kv = r.kv["cc_or"];
  ASSERT_EQ(kv.reads_size(), 1);
  ExpectVersion(kv.reads(0), committed.value.version);
  ASSERT_EQ(kv.writes_size(), 1);
  EXPECT_TRUE(kv.writes(0).is_delete());
}

TEST_F(SimulatorTest, TheLastWriteOfAKeyWins) {
  TxSimulator sim(*ledger_, Mode::kEndorse);
  ASSERT_TRUE(sim.PutState("cc_or", "a", "1").ok());
  ASSERT_TRUE(sim.DelState("cc_or", "a").ok());
  ASSERT_TRUE(sim.DelState("cc_or", "b").ok());
  ASSERT_TRUE(sim.PutState("cc_or", "b", "2").ok());
  ASSERT_TRUE(sim.PutState("cc_or", "c", "3").ok());
  ASSERT_TRUE(sim.PutState("cc_or", "c", "4").ok());
  // As in Fabric, an empty value is a delete.
  ASSERT_TRUE(sim.PutState("cc_or", "d", "").ok());

  const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc_or"];
  ASSERT_EQ(kv.writes_size(), 4);
  EXPECT_EQ(kv.writes(0).key(), "a");
  EXPECT_TRUE(kv.writes(0).is_delete());
  EXPECT_EQ(kv.writes(0).value(), "");
  EXPECT_EQ(kv.writes(1).key(), "b");
  EXPECT_FALSE(kv.writes(1).is_delete());
  EXPECT_EQ(kv.writes(1).value(), "2");
  EXPECT_EQ(kv.writes(2).value(), "4");
  EXPECT_TRUE(kv.writes(3).is_delete());
  EXPECT_EQ(kv.reads_size(), 0);
}

TEST_F(SimulatorTest, AnAbsentKeyIsReadWithoutAVersion) {
  TxSimulator sim(*ledger_, Mode::kEndorse);
  auto v = sim.GetState("cc_or", "no such key");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_FALSE(v->has_value());
  // A namespace with no state at all, too.
  v = sim.GetState("no_such_chaincode", "k");
  ASSERT_TRUE(v.ok() && !v->has_value());

  Recorded r = Parse(sim.Results());
  EXPECT_EQ(r.namespaces, (std::vector<std::string>{"cc_or", "no_such_chaincode"}));
  ASSERT_EQ(r.kv["cc_or"].reads_size(), 1);
  EXPECT_EQ(r.kv["cc_or"].reads(0).key(), "no such key");
  EXPECT_FALSE(r.kv["cc_or"].reads(0).has_version());
  // Serialized without a version field at all: key only.
  EXPECT_EQ(r.kv["cc_or"].reads(0).ByteSizeLong(), 2 + std::string("no such key").size());
}

TEST_F(SimulatorTest, StubChecksKeysAsTheShimDoes) {
  TxSimulator sim(*ledger_, Mode::kEndorse);
  Invocation inv;
  auto stub = NewSimulatorStub(&sim, "cc_or", &inv);
  EXPECT_EQ(&stub->invocation(), &inv);
  // The shim refuses the empty key to PutState, and composite keys as range ends.
  EXPECT_EQ(stub->PutState("", "v").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(stub->GetStateByRange(std::string("\0a", 2), "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(stub->GetStateByRange("a", std::string("\0z", 2)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(stub->GetStateByRangeWithPagination(std::string("\0a", 2), "", 1, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  // Keys, range ends, bookmarks, metadata and event names are protobuf strings: Go's
  // shim cannot send them unless they are UTF-8 (a lone continuation byte, an overlong
  // '/', a surrogate).
  for (const std::string bad : {"k\x80", "\xC0\xAF", "\xED\xA0\x80"}) {
    EXPECT_EQ(stub->GetState(bad).status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(stub->PutState(bad, "v").code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(stub->DelState(bad).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(stub->GetStateByRange(bad, "").status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(stub->GetStateByRange("a", bad).status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(stub->GetStateByRangeWithPagination("a", "", 1, bad).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(stub->GetStateMetadata(bad).status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(stub->SetStateMetadata("k", bad, "v").code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(stub->SetEvent(bad, "p").code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(stub->GetHistoryForKey(bad).status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(StubEvent(*stub).has_value());
  // Nothing refused was recorded.
  EXPECT_TRUE(Parse(sim.Results()).namespaces.empty());

  // Fabric reads, deletes and gives metadata to the empty key like any other key.
  auto v = stub->GetState("");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_FALSE(v->has_value());
  auto md = stub->GetStateMetadata("");
  ASSERT_TRUE(md.ok()) << md.status();
  EXPECT_TRUE(md->empty());
  EXPECT_TRUE(stub->DelState("").ok());
  EXPECT_TRUE(stub->SetStateMetadata("", "n", "v").ok());
  const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc_or"];
  ASSERT_EQ(kv.reads_size(), 1);
  EXPECT_EQ(kv.reads(0).key(), "");
  EXPECT_FALSE(kv.reads(0).has_version());
  ASSERT_EQ(kv.writes_size(), 1);
  EXPECT_EQ(kv.writes(0).key(), "");
  EXPECT_TRUE(kv.writes(0).is_delete());
  ASSERT_EQ(kv.metadata_writes_size(), 1);
  EXPECT_EQ(kv.metadata_writes(0).key(), "");
}

// ---- Range queries ----

TEST_F(SimulatorTest, RangeQueryRecordsItsKeysAndVersions) {
  const std::vector<ledger::KeyValue> all = State("cc_or");
  ASSERT_GT(all.size(), 10u);
  ASSERT_LE(all.size(), rwset::kDefaultMaxDegree);
  TxSimulator sim(*ledger_, Mode::kEndorse);
  auto stub = NewSimulatorStub(&sim, "cc_or", nullptr);

  // "" starts at the shim's "\x01": every simple key.
  auto kvs = stub->GetStateByRange("", "");
  ASSERT_TRUE(kvs.ok()) << kvs.status();
  ASSERT_EQ(kvs->size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ((*kvs)[i].key, all[i].key);
    EXPECT_EQ((*kvs)[i].value, all[i].value.value);
  }
  // A bounded range: [all[2], all[5]).
  kvs = stub->GetStateByRange(all[2].key, all[5].key);
  ASSERT_TRUE(kvs.ok());
  ASSERT_EQ(kvs->size(), 3u);

  const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc_or"];
  EXPECT_EQ(kv.reads_size(), 0);  // range results are not point reads
  ASSERT_EQ(kv.range_queries_info_size(), 2);
  const kvrwset::RangeQueryInfo& full = kv.range_queries_info(0);
  EXPECT_EQ(full.start_key(), "\x01");
  EXPECT_EQ(full.end_key(), "");
  EXPECT_TRUE(full.itr_exhausted());
  ASSERT_TRUE(full.has_raw_reads());
  ASSERT_EQ(full.raw_reads().kv_reads_size(), static_cast<int>(all.size()));
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(full.raw_reads().kv_reads(i).key(), all[i].key);
    ExpectVersion(full.raw_reads().kv_reads(i), all[i].value.version);
  }
  const kvrwset::RangeQueryInfo& part = kv.range_queries_info(1);
  EXPECT_EQ(part.start_key(), all[2].key);
  EXPECT_EQ(part.end_key(), all[5].key);
  EXPECT_TRUE(part.itr_exhausted());
  ASSERT_EQ(part.raw_reads().kv_reads_size(), 3);
  EXPECT_EQ(part.raw_reads().kv_reads(2).key(), all[4].key);
}

TEST_F(SimulatorTest, EmptyRangeRecordsNoReads) {
  TxSimulator sim(*ledger_, Mode::kEndorse);
  auto kvs = sim.GetStateRange("cc_or", "zzz", "zzzz");
  ASSERT_TRUE(kvs.ok());
  EXPECT_TRUE(kvs->empty());
  const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc_or"];
  ASSERT_EQ(kv.range_queries_info_size(), 1);
  EXPECT_TRUE(kv.range_queries_info(0).itr_exhausted());
  EXPECT_EQ(kv.range_queries_info(0).reads_info_case(),
            kvrwset::RangeQueryInfo::READS_INFO_NOT_SET);
}

TEST_F(SimulatorTest, SimpleKeyRangesSkipCompositeKeys) {
  const std::vector<ledger::KeyValue> all = State("cc_and");
  size_t simple = 0;
  for (const ledger::KeyValue& kv : all) simple += kv.key[0] != '\0';
  ASSERT_LT(simple, all.size()) << "cc_and holds composite keys";
  TxSimulator sim(*ledger_, Mode::kEndorse);
  auto kvs = NewSimulatorStub(&sim, "cc_and", nullptr)->GetStateByRange("", "");
  ASSERT_TRUE(kvs.ok());
  EXPECT_EQ(kvs->size(), simple);
}

// ---- Composite keys ----

TEST(CompositeKeyTest, RoundTrip) {
  auto key = CreateCompositeKey("asset", {"color", "blue", "", "ключ 🔑"});
  ASSERT_TRUE(key.ok()) << key.status();
  const std::string z(1, '\0');
  EXPECT_EQ(*key, absl::StrCat(z, "asset", z, "color", z, "blue", z, z, "ключ 🔑", z));
  auto split = SplitCompositeKey(*key);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->first, "asset");
  EXPECT_EQ(split->second, (std::vector<std::string>{"color", "blue", "", "ключ 🔑"}));

  key = CreateCompositeKey("t", {});
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, absl::StrCat(z, "t", z));
  split = SplitCompositeKey(*key);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->first, "t");
  EXPECT_TRUE(split->second.empty());
}

TEST(CompositeKeyTest, InvalidPartsAreRefused) {
  const std::vector<std::string> bad = {
      std::string("a\0b", 3),  // U+0000
      "a\xF4\x8F\xBF\xBF",     // U+10FFFF
      "\xFF",                  // not UTF-8
      "\xC3",                  // truncated
      "\xC0\x80",              // overlong U+0000
      "\xED\xA0\x80",          // a surrogate
      "\xF4\x90\x80\x80",      // past U+10FFFF
  };
  for (const std::string& part : bad) {
    EXPECT_EQ(CreateCompositeKey(part, {}).status().code(), absl::StatusCode::kInvalidArgument)
        << absl::CEscape(part);
    EXPECT_EQ(CreateCompositeKey("t", {"ok", part}).status().code(),
              absl::StatusCode::kInvalidArgument)
        << absl::CEscape(part);
  }
  auto s = CreateCompositeKey("t", {"x\xF4\x8F\xBF\xBF"}).status();
  EXPECT_NE(s.message().find("U+10FFFF starting at position [1]"), std::string::npos) << s;
  // The largest allowed code point below U+10FFFF is fine.
  EXPECT_TRUE(CreateCompositeKey("t", {"\xF4\x8F\xBF\xBE"}).ok());

  for (const std::string& key :
       {std::string("plain"), std::string(""), std::string("\0", 1), std::string("\0abc", 4)}) {
    EXPECT_EQ(SplitCompositeKey(key).status().code(), absl::StatusCode::kInvalidArgument)
        << absl::CEscape(key);
  }
}

TEST_F(SimulatorTest, PartialCompositeKeyQueryFindsTheCommittedCompositeKeys) {
  // The composite keys cc_and holds, all of one object type and first attribute.
  std::vector<ledger::KeyValue> composite = State("cc_and", std::string("\0", 1), "\x01");
  ASSERT_GE(composite.size(), 2u);
  auto parts = SplitCompositeKey(composite[0].key);
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_FALSE(parts->second.empty());

  TxSimulator sim(*ledger_, Mode::kEndorse);
  auto stub = NewSimulatorStub(&sim, "cc_and", nullptr);
  auto kvs = stub->GetStateByPartialCompositeKey(parts->first, {parts->second[0]});
  ASSERT_TRUE(kvs.ok()) << kvs.status();
  ASSERT_EQ(kvs->size(), composite.size());
  for (size_t i = 0; i < composite.size(); ++i) {
    EXPECT_EQ((*kvs)[i].key, composite[i].key);
    EXPECT_EQ((*kvs)[i].value, composite[i].value.value);
  }
  // An attribute no key has: nothing.
  kvs = stub->GetStateByPartialCompositeKey(parts->first, {parts->second[0] + "x"});
  ASSERT_TRUE(kvs.ok());
  EXPECT_TRUE(kvs->empty());
  EXPECT_EQ(stub->GetStateByPartialCompositeKey("t", {"\xFF"}).status().code(),
            absl::StatusCode::kInvalidArgument);

  const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc_and"];
  ASSERT_EQ(kv.range_queries_info_size(), 2);
  auto prefix = CreateCompositeKey(parts->first, {parts->second[0]});
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(kv.range_queries_info(0).start_key(), *prefix);
  EXPECT_EQ(kv.range_queries_info(0).end_key(), *prefix + kMaxRune);
  EXPECT_EQ(kv.range_queries_info(0).raw_reads().kv_reads_size(),
            static_cast<int>(composite.size()));
}

// ---- Metadata ----

TEST_F(SimulatorTest, GetStateMetadataReturnsTheEntriesAndRecordsARead) {
  const ledger::KeyValue kle = KeyWithPrefix("cc_or", "kle_violate_");
  ASSERT_FALSE(kle.value.metadata.empty());
  kvrwset::KVMetadataWrite stored;
  ASSERT_TRUE(stored.ParseFromString(kle.value.metadata));
  ASSERT_EQ(stored.entries_size(), 1);

  TxSimulator sim(*ledger_, Mode::kEndorse);
  auto stub = NewSimulatorStub(&sim, "cc_or", nullptr);
  auto md = stub->GetStateMetadata(kle.key);
  ASSERT_TRUE(md.ok()) << md.status();
  EXPECT_EQ(
      *md,
      (std::map<std::string, std::string>{{stored.entries(0).name(), stored.entries(0).value()}}));
  EXPECT_EQ(md->count("VALIDATION_PARAMETER"), 1u);
  // A key without metadata, and an absent one.
  const ledger::KeyValue plain = KeyWithPrefix("cc_or", "blind_writes_");
  md = stub->GetStateMetadata(plain.key);
  ASSERT_TRUE(md.ok() && md->empty());
  md = stub->GetStateMetadata("absent");
  ASSERT_TRUE(md.ok() && md->empty());

  const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc_or"];
  ASSERT_EQ(kv.reads_size(), 3);
  EXPECT_EQ(kv.reads(0).key(), "absent");
  EXPECT_FALSE(kv.reads(0).has_version());
  EXPECT_EQ(kv.reads(1).key(), plain.key);
  ExpectVersion(kv.reads(1), plain.value.version);
  EXPECT_EQ(kv.reads(2).key(), kle.key);
  ExpectVersion(kv.reads(2), kle.value.version);
}

TEST_F(SimulatorTest, SetStateMetadataRecordsOneEntryAsThePeerDoes) {
  const ledger::KeyValue kle = KeyWithPrefix("cc_or", "kle_violate_");
  TxSimulator sim(*ledger_, Mode::kEndorse);
  auto stub = NewSimulatorStub(&sim, "cc_or", nullptr);
  ASSERT_TRUE(stub->SetStateMetadata(kle.key, "OTHER", "x").ok());
  ASSERT_TRUE(stub->SetStateValidationParameter(kle.key, "policy").ok());  // replaces it
  ASSERT_TRUE(stub->PutState(kle.key, "value").ok());
  // The simulator's form takes the whole map; entries are recorded sorted by name.
  ASSERT_TRUE(sim.SetStateMetadata("cc_or", "b", {{"zeta", "1"}, {"alpha", "2"}}).ok());
  ASSERT_TRUE(sim.SetStateMetadata("cc_or", "a", {}).ok());  // removes all metadata

  const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc_or"];
  EXPECT_EQ(kv.reads_size(), 0);  // nothing read
  ASSERT_EQ(kv.writes_size(), 1);
  EXPECT_EQ(kv.writes(0).value(), "value");
  ASSERT_EQ(kv.metadata_writes_size(), 3);
  EXPECT_EQ(kv.metadata_writes(0).key(), "a");
  EXPECT_EQ(kv.metadata_writes(0).entries_size(), 0);
  EXPECT_EQ(kv.metadata_writes(1).key(), "b");
  ASSERT_EQ(kv.metadata_writes(1).entries_size(), 2);
  EXPECT_EQ(kv.metadata_writes(1).entries(0).name(), "alpha");
  EXPECT_EQ(kv.metadata_writes(1).entries(1).name(), "zeta");
  EXPECT_EQ(kv.metadata_writes(2).key(), kle.key);
  ASSERT_EQ(kv.metadata_writes(2).entries_size(), 1);
  EXPECT_EQ(kv.metadata_writes(2).entries(0).name(), "VALIDATION_PARAMETER");
  EXPECT_EQ(kv.metadata_writes(2).entries(0).value(), "policy");
}

// ---- Query and endorse modes ----

TEST_F(SimulatorTest, QueriesRefuseWrites) {
  TxSimulator sim(*ledger_, Mode::kQuery);
  auto stub = NewSimulatorStub(&sim, "cc_or", nullptr);
  EXPECT_EQ(stub->PutState("k", "v").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(stub->DelState("k").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(stub->SetStateValidationParameter("k", "p").code(),
            absl::StatusCode::kFailedPrecondition);
  // Reads still work.
  EXPECT_TRUE(stub->GetState("k").ok());
  const Recorded r = Parse(sim.Results());
  ASSERT_EQ(r.namespaces.size(), 1u);
  EXPECT_EQ(r.kv.at("cc_or").writes_size() + r.kv.at("cc_or").metadata_writes_size(), 0);
}

// Fabric's TxSimulator: a paginated query only in a transaction that has not written,
// and no write after one; history either way.
TEST_F(SimulatorTest, APaginatedQueryAndWritesExcludeEachOther) {
  const ledger::KeyValue key = KeyWithPrefix("cc_or", "blind_writes_");
  {
    TxSimulator sim(*ledger_, Mode::kEndorse);
    auto stub = NewSimulatorStub(&sim, "cc_or", nullptr);
    auto page = stub->GetStateByRangeWithPagination("", "", 5, "");
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->kvs.size(), 5u);
    EXPECT_TRUE(stub->GetHistoryForKey(key.key).ok());
    EXPECT_EQ(stub->PutState("k", "v").code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(stub->DelState("k").code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(stub->SetStateValidationParameter("k", "p").code(),
              absl::StatusCode::kFailedPrecondition);
    const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc_or"];
    EXPECT_EQ(kv.writes_size() + kv.metadata_writes_size(), 0);
    ASSERT_EQ(kv.range_queries_info_size(), 1);  // a full page: not read past its end
    EXPECT_FALSE(kv.range_queries_info(0).itr_exhausted());
  }
  {
    TxSimulator sim(*ledger_, Mode::kEndorse);
    auto stub = NewSimulatorStub(&sim, "cc_or", nullptr);
    ASSERT_TRUE(stub->PutState("k", "v").ok());
    EXPECT_EQ(stub->GetStateByRangeWithPagination("", "", 5, "").status().code(),
              absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(stub->GetHistoryForKey(key.key).ok());
    EXPECT_TRUE(stub->PutState("k2", "v").ok());  // the refused page changed nothing
    const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc_or"];
    EXPECT_EQ(kv.writes_size(), 2);
    EXPECT_EQ(kv.range_queries_info_size(), 0);
    EXPECT_EQ(kv.reads_size(), 0);  // history is not recorded
  }
}

TEST_F(SimulatorTest, QueriesPageThroughARange) {
  const std::vector<ledger::KeyValue> all = State("cc_or");
  const int32_t page_size = 10;
  ASSERT_GT(all.size(), 2u * page_size);
  TxSimulator sim(*ledger_, Mode::kQuery);
  auto stub = NewSimulatorStub(&sim, "cc_or", nullptr);
  EXPECT_EQ(stub->GetStateByRangeWithPagination("", "", 0, "").status().code(),
            absl::StatusCode::kInvalidArgument);

  std::vector<std::string> keys;
  std::vector<std::string> bookmarks;
  std::string bookmark;
  do {
    auto page = stub->GetStateByRangeWithPagination("", "", page_size, bookmark);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->kvs.size(), static_cast<size_t>(page_size));
    for (const KeyValue& kv : page->kvs) keys.push_back(kv.key);
    bookmark = page->bookmark;
    bookmarks.push_back(bookmark);
  } while (!bookmark.empty() && bookmarks.size() < 100);
  ASSERT_EQ(keys.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(keys[i], all[i].key);
  // The bookmark is the first key of the next page.
  EXPECT_EQ(bookmarks[0], all[page_size].key);

  // Recorded as Fabric records paginated iterators: a full page was not read past its
  // last key; the last, short page was read to its end.
  const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc_or"];
  ASSERT_EQ(kv.range_queries_info_size(), static_cast<int>(bookmarks.size()));
  EXPECT_EQ(kv.range_queries_info(0).start_key(), "\x01");
  EXPECT_EQ(kv.range_queries_info(0).end_key(), all[page_size - 1].key);
  EXPECT_FALSE(kv.range_queries_info(0).itr_exhausted());
  EXPECT_EQ(kv.range_queries_info(1).start_key(), all[page_size].key);
  if (all.size() % page_size != 0) {
    const kvrwset::RangeQueryInfo& last = kv.range_queries_info(kv.range_queries_info_size() - 1);
    EXPECT_EQ(last.end_key(), "");
    EXPECT_TRUE(last.itr_exhausted());
  }
}

TEST_F(SimulatorTest, QueriesReadHistoryNewestFirst) {
  const ledger::KeyValue current = KeyWithPrefix("cc_or", "blind_writes_");
  auto records = ledger_->history().Get("cc_or", current.key);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_GE(records->size(), 2u);

  TxSimulator sim(*ledger_, Mode::kQuery);
  auto history = NewSimulatorStub(&sim, "cc_or", nullptr)->GetHistoryForKey(current.key);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), records->size());
  for (size_t i = 0; i < history->size(); ++i) {
    const ledger::KeyModification& want = (*records)[i].modification;
    EXPECT_EQ((*history)[i].txid, want.txid);
    EXPECT_EQ((*history)[i].value, want.value);
    EXPECT_EQ((*history)[i].is_delete, want.is_delete);
    EXPECT_EQ((*history)[i].timestamp_seconds, want.timestamp_seconds);
    EXPECT_EQ((*history)[i].timestamp_nanos, want.timestamp_nanos);
  }
  // Newest first: the first entry is the committed value, by the last writer.
  EXPECT_EQ((*history)[0].value, current.value.value);
  EXPECT_NE((*history)[0].txid, (*history)[1].txid);
  // History is not recorded.
  EXPECT_TRUE(Parse(sim.Results()).namespaces.empty());
}

// ---- Events ----

TEST_F(SimulatorTest, TheLastEventWins) {
  TxSimulator sim(*ledger_, Mode::kEndorse);
  auto stub = NewSimulatorStub(&sim, "cc_or", nullptr);
  EXPECT_FALSE(StubEvent(*stub).has_value());
  EXPECT_EQ(stub->SetEvent("", "p").code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(stub->SetEvent("first", "1").ok());
  ASSERT_TRUE(stub->SetEvent("second", "2").ok());
  auto event = StubEvent(*stub);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->name, "second");
  EXPECT_EQ(event->payload, "2");
}

// ---- Results: order and determinism ----

TEST_F(SimulatorTest, ResultsAreSortedAndDoNotDependOnCallOrder) {
  const std::vector<ledger::KeyValue> or_keys = State("cc_or");
  auto run = [&](bool reversed) {
    TxSimulator sim(*ledger_, Mode::kEndorse);
    std::vector<std::function<void()>> ops = {
        [&] { ASSERT_TRUE(sim.PutState("cc_or", "w2", "b").ok()); },
        [&] { ASSERT_TRUE(sim.PutState("cc_or", "w1", "a").ok()); },
        [&] { ASSERT_TRUE(sim.GetState("cc_or", or_keys[3].key).ok()); },
        [&] { ASSERT_TRUE(sim.GetState("cc_or", or_keys[1].key).ok()); },
        [&] { ASSERT_TRUE(sim.PutState("cc_and", "x", "c").ok()); },
        [&] { ASSERT_TRUE(sim.GetState("_lifecycle", "y").ok()); },
        [&] {
          ASSERT_TRUE(sim.SetStateMetadata("cc_or", "m2", {{"n", "v"}}).ok());
        },
        [&] {
          ASSERT_TRUE(sim.SetStateMetadata("cc_or", "m1", {{"n", "v"}}).ok());
        },
    };
    if (reversed) std::reverse(ops.begin(), ops.end());
    for (auto& op : ops) op();
    // Range queries keep their order of execution; a repeat is recorded once.
    EXPECT_TRUE(sim.GetStateRange("cc_or", or_keys[5].key, "").ok());
    EXPECT_TRUE(sim.GetStateRange("cc_or", or_keys[0].key, or_keys[2].key).ok());
    EXPECT_TRUE(sim.GetStateRange("cc_or", or_keys[5].key, "").ok());
    return sim.Results();
  };
  absl::StatusOr<std::string> a = run(false);
  absl::StatusOr<std::string> b = run(true);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);

  Recorded r = Parse(a);
  EXPECT_EQ(r.namespaces, (std::vector<std::string>{"_lifecycle", "cc_and", "cc_or"}));
  const kvrwset::KVRWSet& kv = r.kv["cc_or"];
  ASSERT_EQ(kv.reads_size(), 2);
  EXPECT_EQ(kv.reads(0).key(), or_keys[1].key);
  EXPECT_EQ(kv.reads(1).key(), or_keys[3].key);
  ASSERT_EQ(kv.writes_size(), 2);
  EXPECT_EQ(kv.writes(0).key(), "w1");
  ASSERT_EQ(kv.metadata_writes_size(), 2);
  EXPECT_EQ(kv.metadata_writes(0).key(), "m1");
  ASSERT_EQ(kv.range_queries_info_size(), 2);
  EXPECT_EQ(kv.range_queries_info(0).start_key(), or_keys[5].key);
  EXPECT_EQ(kv.range_queries_info(1).start_key(), or_keys[0].key);

  // Fabric's layout: reads (1), range queries (2), writes (3), metadata writes (4), each
  // namespace's set serialized on its own; re-serializing what we parsed changes nothing.
  ::rwset::TxReadWriteSet tx;
  ASSERT_TRUE(tx.ParseFromString(*a));
  EXPECT_EQ(tx.SerializeAsString(), *a);
  EXPECT_EQ(tx.ns_rwset(2).rwset(), kv.SerializeAsString());
}

// Makes on `sim` the calls that gave `action`'s read-write set: each read, range query,
// write and metadata write. False if that cannot be done (private data, or a range the
// contract stopped reading early, which a stub returning whole ranges never does).
bool ReplayCalls(const wire::ActionView& action, TxSimulator* sim) {
  for (const wire::NamespaceView& ns : action.namespaces) {
    if (!ns.collections.empty()) return false;
    for (const kvrwset::KVRead& r : ns.kv.reads()) {
      if (!sim->GetState(ns.name, r.key()).ok()) return false;
    }
    for (const kvrwset::RangeQueryInfo& q : ns.kv.range_queries_info()) {
      if (!q.itr_exhausted() || !sim->GetStateRange(ns.name, q.start_key(), q.end_key()).ok()) {
        return false;
      }
    }
    for (const kvrwset::KVWrite& w : ns.kv.writes()) {
      absl::Status s = w.is_delete() ? sim->DelState(ns.name, w.key())
                                     : sim->PutState(ns.name, w.key(), w.value());
      if (!s.ok()) return false;
    }
    for (const kvrwset::KVMetadataWrite& m : ns.kv.metadata_writes()) {
      std::map<std::string, std::string> entries;
      for (const kvrwset::KVMetadataEntry& e : m.entries()) entries[e.name()] = e.value();
      if (!sim->SetStateMetadata(ns.name, m.key(), entries).ok()) return false;
    }
  }
  return true;
}

// Every valid transaction of the chain, simulated by Fabric's TxSimulator, replayed on
// ours against the ledger as of the block before it: the same bytes.
TEST(FabricConformanceTest, FabricMadeReadWriteSetsAreReproducedByteForByte) {
  int compared = 0, skipped = 0, with_ranges = 0, with_metadata = 0;
  ReplayConformance(
      fabric::testing::FreshTempDir("simulator_test_replay"),
      [&](const ledger::Ledger& l, const std::string& bytes) {
        auto block = wire::ParsedBlock::Parse(bytes);
        ASSERT_TRUE(block.ok()) << block.status();
        auto committed = wire::ParsedBlock::Parse(
            testing::ReadVector(absl::StrFormat("committed/%06d.block", (*block)->number())));
        ASSERT_TRUE(committed.ok());
        const absl::string_view filter = (*committed)->metadata(2);  // the final codes
        ASSERT_EQ(filter.size(), (*block)->num_transactions());
        for (const wire::TxView& tx : (*block)->transactions()) {
          if (tx.type() != common::ENDORSER_TRANSACTION || !tx.ok() || tx.actions.empty() ||
              !tx.actions_ok() || filter[tx.index] != protos::VALID) {
            continue;
          }
          const wire::ActionView& action = tx.actions[0];
          TxSimulator sim(l, Mode::kEndorse);
          if (!ReplayCalls(action, &sim)) {
            ++skipped;
            continue;
          }
          absl::StatusOr<std::string> results = sim.Results();
          ASSERT_TRUE(results.ok()) << results.status();
          EXPECT_EQ(*results, action.chaincode_action.results())
              << "block " << (*block)->number() << " tx " << tx.index << " (" << tx.txid() << ")";
          ++compared;
          for (const wire::NamespaceView& ns : action.namespaces) {
            with_ranges += ns.kv.range_queries_info_size() > 0;
            with_metadata += ns.kv.metadata_writes_size() > 0;
          }
        }
      });
  EXPECT_GT(compared, 30);
  EXPECT_GT(with_ranges, 0);
  EXPECT_GT(with_metadata, 0);
  std::printf(
      "compared %d Fabric-made read-write sets (%d with range queries, %d with metadata "
      "writes), skipped %d\n",
      compared, with_ranges, with_metadata, skipped);
}

// ---- Ledgers of our own: many keys, and a phantom ----

class OwnLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = ledger::Ledger::Create(
        fabric::testing::FreshTempDir(absl::StrCat(
            "simulator_test_", ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        testing::ReadVector("genesis.block"), ledger::LedgerOptions());
    ASSERT_TRUE(l.ok()) << l.status();
    ledger_ = *std::move(l);
  }

  // Commits keys "<prefix>000" ... with value "v", one block.
  void CommitKeys(const std::string& ns, const std::string& prefix, int count) {
    TxSimulator sim(*ledger_, Mode::kEndorse);
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(sim.PutState(ns, absl::StrFormat("%s%03d", prefix, i), "v").ok());
    }
    CommitResults(*ledger_, sim);
  }

  std::unique_ptr<ledger::Ledger> ledger_;
};

TEST_F(OwnLedgerTest, PastFiftyResultsARangeRecordsTheMerkleSummary) {
  CommitKeys("cc", "k", 50);
  CommitKeys("cc", "m", 51);
  CommitKeys("cc", "z", 2600);  // past 51 groups of 51: a second level of hashes

  for (const char* prefix : {"k", "m", "z"}) {
    TxSimulator sim(*ledger_, Mode::kEndorse);
    auto kvs = sim.GetStateRange("cc", prefix, std::string(prefix) + "~");
    ASSERT_TRUE(kvs.ok()) << kvs.status();
    auto state = ledger_->state().Range("cc", prefix, std::string(prefix) + "~", 0);
    ASSERT_TRUE(state.ok());
    ASSERT_EQ(kvs->size(), state->kvs.size());

    rwset::RangeQueryResultsHelper helper;
    for (const ledger::KeyValue& kv : state->kvs) helper.Add(kv.key, kv.value.version);
    rwset::RangeQueryResultsHelper::Result want = helper.Done();

    const kvrwset::KVRWSet kv = Parse(sim.Results()).kv["cc"];
    ASSERT_EQ(kv.range_queries_info_size(), 1);
    const kvrwset::RangeQueryInfo& q = kv.range_queries_info(0);
    if (state->kvs.size() <= rwset::kDefaultMaxDegree) {
      ASSERT_TRUE(q.has_raw_reads()) << prefix;
      EXPECT_EQ(q.raw_reads().SerializeAsString(), want.raw.SerializeAsString());
    } else {
      ASSERT_TRUE(q.has_reads_merkle_hashes()) << prefix;
      ASSERT_TRUE(want.summary.has_value());
      EXPECT_EQ(q.reads_merkle_hashes().SerializeAsString(), want.summary->SerializeAsString());
      EXPECT_EQ(q.reads_merkle_hashes().max_degree(), rwset::kDefaultMaxDegree);
      if (std::string(prefix) == "m") {
        EXPECT_EQ(q.reads_merkle_hashes().max_level(), 1u);
      }
      if (std::string(prefix) == "z") {
        EXPECT_GE(q.reads_merkle_hashes().max_level(), 2u);
      }
    }
  }
}

TEST_F(OwnLedgerTest, AKeyCommittedIntoARecordedRangeIsAPhantom) {
  CommitKeys("cc", "a", 3);   // a000 a001 a002
  CommitKeys("cc", "b", 60);  // b000 ... b059
  CommitKeys("cc", "c", 2);

  auto simulate = [&](const std::function<void(Stub&)>& body) {
    TxSimulator sim(*ledger_, Mode::kEndorse);
    auto stub = NewSimulatorStub(&sim, "cc", nullptr);
    body(*stub);
    absl::StatusOr<std::string> r = sim.Results();
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : "";
  };
  const std::vector<std::string> txs = {
      // Raw reads over [a000, a003).
      simulate([](Stub& s) { ASSERT_TRUE(s.GetStateByRange("a000", "a003").ok()); }),
      // A Merkle summary over the b keys.
      simulate([](Stub& s) { ASSERT_TRUE(s.GetStateByRange("b", "c").ok()); }),
      // Ranges the block below does not touch.
      simulate([](Stub& s) { ASSERT_TRUE(s.GetStateByRange("c", "").ok()); }),
      simulate([](Stub& s) { ASSERT_TRUE(s.GetStateByRange("a002", "a0025").ok()); }),
  };
  // Checked one at a time: each is valid against the state it was simulated on.
  for (const std::string& tx : txs) EXPECT_EQ(MvccCodes(*ledger_, {tx}), std::vector<uint8_t>{0});

  // A block inserts a001a into the first range and b0305 among the b keys.
  TxSimulator inserts(*ledger_, Mode::kEndorse);
  ASSERT_TRUE(inserts.PutState("cc", "a001a", "new").ok());
  ASSERT_TRUE(inserts.PutState("cc", "b0305", "new").ok());
  CommitResults(*ledger_, inserts);

  for (size_t i = 0; i < txs.size(); ++i) {
    const uint8_t want = i < 2 ? protos::PHANTOM_READ_CONFLICT : protos::VALID;
    EXPECT_EQ(MvccCodes(*ledger_, {txs[i]}), std::vector<uint8_t>{want}) << "tx " << i;
  }
}

TEST_F(OwnLedgerTest, ReadsOfAKeyChangedSinceConflict) {
  CommitKeys("cc", "k", 2);
  TxSimulator sim(*ledger_, Mode::kEndorse);
  ASSERT_TRUE(sim.GetState("cc", "k000").ok());
  ASSERT_TRUE(sim.GetState("cc", "absent").ok());
  ASSERT_TRUE(sim.PutState("cc", "k001", "w").ok());
  absl::StatusOr<std::string> tx = sim.Results();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ(MvccCodes(*ledger_, {*tx}), std::vector<uint8_t>{protos::VALID});
  // Committing it makes it stale for a second submission; a blind write to k001 does
  // not conflict with a transaction that only read k000.
  CommitResults(*ledger_, sim);
  EXPECT_EQ(MvccCodes(*ledger_, {*tx}), std::vector<uint8_t>{protos::VALID});
  CommitKeys("cc", "k", 1);  // rewrites k000
  EXPECT_EQ(MvccCodes(*ledger_, {*tx}), std::vector<uint8_t>{protos::MVCC_READ_CONFLICT});
}

TEST_F(OwnLedgerTest, HistoryShowsADeleteNewestFirst) {
  CommitKeys("cc", "k", 1);
  TxSimulator del(*ledger_, Mode::kEndorse);
  ASSERT_TRUE(del.DelState("cc", "k000").ok());
  CommitResults(*ledger_, del);

  TxSimulator sim(*ledger_, Mode::kQuery);
  auto history = NewSimulatorStub(&sim, "cc", nullptr)->GetHistoryForKey("k000");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_TRUE((*history)[0].is_delete);
  EXPECT_EQ((*history)[0].txid, absl::StrCat("tx", ledger_->chain_info().height - 1));
  EXPECT_FALSE((*history)[1].is_delete);
  EXPECT_EQ((*history)[1].value, "v");
  EXPECT_EQ((*history)[1].timestamp_seconds, 1700000000);
}

}  // namespace
}  // namespace fabric::endorse
