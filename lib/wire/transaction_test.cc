#include "lib/wire/transaction.h"

#include <string>

#include "gtest/gtest.h"
#include "lib/wire/block.h"
#include "lib/wire/well_formed.h"

namespace fabric::wire {
namespace {

// Builds a well-formed endorser transaction entry; setting one level's bytes replaces
// that level, so tests can break any of them.
struct TxBuilder {
  std::string kv_rwset;
  std::string tx_rwset;
  std::string response_payload;
  std::string action_payload;
  std::string transaction;
  std::string channel_header;
  std::string signature_header =
      "\x0a\x03"
      "abc"
      "\x12\x02"
      "no";  // creator, nonce

  static const std::string& Or(const std::string& override, const std::string& built) {
    return override.empty() ? built : override;
  }

  std::string Entry() const {
    kvrwset::KVRWSet kv;
    auto* w = kv.add_writes();
    w->set_key("k");
    w->set_value("v");
    ::rwset::TxReadWriteSet rw;
    auto* ns = rw.add_ns_rwset();
    ns->set_namespace_("cc");
    ns->set_rwset(Or(kv_rwset, kv.SerializeAsString()));
    protos::ChaincodeAction ca;
    ca.set_results(Or(tx_rwset, rw.SerializeAsString()));
    ca.mutable_chaincode_id()->set_name("cc");
    protos::ProposalResponsePayload prp;
    prp.set_proposal_hash(std::string(32, 'h'));
    prp.set_extension(ca.SerializeAsString());
    protos::ChaincodeActionPayload cap;
    cap.mutable_action()->set_proposal_response_payload(
        Or(response_payload, prp.SerializeAsString()));
    cap.mutable_action()->add_endorsements()->set_endorser("e");
    protos::Transaction t;
    auto* act = t.add_actions();
    act->set_header(signature_header);
    act->set_payload(Or(action_payload, cap.SerializeAsString()));
    common::ChannelHeader ch;
    ch.set_type(common::ENDORSER_TRANSACTION);
    ch.set_channel_id("mychannel");
    ch.set_tx_id("tx1");
    common::Payload p;
    p.mutable_header()->set_channel_header(Or(channel_header, ch.SerializeAsString()));
    p.mutable_header()->set_signature_header(signature_header);
    p.set_data(Or(transaction, t.SerializeAsString()));
    common::Envelope e;
    e.set_payload(p.SerializeAsString());
    e.set_signature("sig");
    return e.SerializeAsString();
  }
};

TxView Parse(const std::string& entry) {
  TxView tx;
  ParseTransaction(entry, 5, 3, &tx);
  return tx;
}

TEST(ParseTransactionTest, WellFormedEndorserTransaction) {
  TxView tx = Parse(TxBuilder().Entry());
  ASSERT_TRUE(tx.ok()) << tx.error;
  EXPECT_EQ(tx.index, 3);
  EXPECT_EQ(tx.txid(), "tx1");
  EXPECT_EQ(tx.type(), common::ENDORSER_TRANSACTION);
  EXPECT_EQ(tx.signature_header.creator(), "abc");
  ASSERT_EQ(tx.actions.size(), 1u);
  const ActionView& a = tx.actions[0];
  EXPECT_EQ(a.defect, ActionDefect::kNone);
  EXPECT_EQ(a.chaincode_action.chaincode_id().name(), "cc");
  ASSERT_EQ(a.namespaces.size(), 1u);
  EXPECT_EQ(a.namespaces[0].name, "cc");
  ASSERT_EQ(a.namespaces[0].kv.writes_size(), 1);
  EXPECT_EQ(a.namespaces[0].kv.writes(0).value(), "v");
  EXPECT_FALSE(a.has_event);
}

TEST(ParseTransactionTest, GarbageIsNotAnEnvelope) {
  TxView tx = Parse("\xff\xff\xff");
  EXPECT_EQ(tx.defect, TxDefect::kEnvelope);
  EXPECT_FALSE(tx.has_envelope());
  EXPECT_EQ(tx.txid(), "");
  // The position and the message are named.
  EXPECT_NE(tx.error.message().find("block 5, tx 3"), std::string::npos) << tx.error;
  EXPECT_NE(tx.error.message().find("common.Envelope"), std::string::npos) << tx.error;
}

TEST(ParseTransactionTest, EmptyEntryIsAnEmptyEnvelopeWithoutHeader) {
  TxView tx = Parse("");
  EXPECT_TRUE(tx.has_payload());
  EXPECT_EQ(tx.defect, TxDefect::kMissingHeader);
}

TEST(ParseTransactionTest, BadPayload) {
  common::Envelope e;
  e.set_payload("\x0a\xff");  // field 1, length 255, truncated
  TxView tx = Parse(e.SerializeAsString());
  EXPECT_TRUE(tx.has_envelope());
  EXPECT_EQ(tx.defect, TxDefect::kPayload);
  EXPECT_NE(tx.error.message().find("Envelope.payload"), std::string::npos) << tx.error;
}

TEST(ParseTransactionTest, BadChannelHeaderThenSignatureHeader) {
  TxBuilder b;
  b.channel_header = "\x0a\x05";
  EXPECT_EQ(Parse(b.Entry()).defect, TxDefect::kChannelHeader);
  TxBuilder c;
  c.signature_header = "\x0a\x05";
  TxView tx = Parse(c.Entry());
  EXPECT_EQ(tx.defect, TxDefect::kSignatureHeader);
  EXPECT_TRUE(tx.has_channel_header());
  EXPECT_EQ(tx.txid(), "tx1");
}

TEST(ParseTransactionTest, BadTransaction) {
  TxBuilder b;
  b.transaction = "\x0a\x09";
  TxView tx = Parse(b.Entry());
  EXPECT_EQ(tx.defect, TxDefect::kTransaction);
  EXPECT_TRUE(tx.has_headers());
}

TEST(ParseTransactionTest, ActionDefectsAreRecordedPerAction) {
  TxBuilder b;
  b.kv_rwset = "\x1a\x09";  // writes, truncated
  TxView tx = Parse(b.Entry());
  EXPECT_TRUE(tx.ok());
  EXPECT_FALSE(tx.actions_ok());
  EXPECT_EQ(tx.actions[0].defect, ActionDefect::kNamespaceReadWriteSet);
  EXPECT_NE(tx.actions[0].error.message().find("namespace \"cc\""), std::string::npos);

  TxBuilder c;
  c.tx_rwset = "\x12\x09";
  EXPECT_EQ(Parse(c.Entry()).actions[0].defect, ActionDefect::kReadWriteSet);

  TxBuilder d;
  d.response_payload = "\x0a\x09";
  EXPECT_EQ(Parse(d.Entry()).actions[0].defect, ActionDefect::kResponsePayload);
}

TEST(ParseTransactionTest, MissingEndorsedAction) {
  TxBuilder b;
  b.action_payload = std::string("\x0a\x00", 2);  // empty proposal payload, no action
  EXPECT_EQ(Parse(b.Entry()).actions[0].defect, ActionDefect::kMissingEndorsedAction);
}

TEST(WellFormedTest, CanonicalEnvelopes) {
  std::string entry = TxBuilder().Entry();
  EXPECT_TRUE(IsCanonicalEnvelope(entry));
  common::BlockData data;
  data.add_data(entry);
  EXPECT_TRUE(CheckEnvelopesWellFormed(data).ok());

  // A trailing unknown field survives a re-marshal: still canonical.
  data.set_data(0, entry + std::string("\x1a\x01x", 3));
  EXPECT_TRUE(CheckEnvelopesWellFormed(data).ok());

  // Signature before payload: parses, but does not re-marshal to the same bytes.
  common::Envelope e;
  ASSERT_TRUE(e.ParseFromString(entry));
  std::string swapped =
      std::string("\x12") + static_cast<char>(e.signature().size()) + e.signature();
  common::Envelope only_payload;
  only_payload.set_payload(e.payload());
  swapped += only_payload.SerializeAsString();
  EXPECT_FALSE(IsCanonicalEnvelope(swapped));
  data.set_data(0, swapped);
  EXPECT_FALSE(CheckEnvelopesWellFormed(data).ok());
}

TEST(WellFormedTest, MissingPartsNameTheEntry) {
  common::BlockData data;
  data.add_data(TxBuilder().Entry());
  common::Envelope unsigned_env;
  unsigned_env.set_payload("p");
  data.add_data(unsigned_env.SerializeAsString());
  absl::Status s = CheckEnvelopesWellFormed(data);
  EXPECT_EQ(s.message(), "transaction 1 has no signature");
  EXPECT_FALSE(CheckEnvelopesWellFormed(common::BlockData()).ok());
}

TEST(ParsedBlockTest, RejectsNonBlocksAndHeaderlessBlocks) {
  EXPECT_FALSE(ParsedBlock::Parse("\xff\xff").ok());
  common::Block headerless;
  headerless.mutable_data()->add_data("x");
  EXPECT_FALSE(ParsedBlock::Parse(headerless.SerializeAsString()).ok());
}

TEST(ParsedBlockTest, ParsesEveryEntry) {
  common::Block b;
  b.mutable_header()->set_number(9);
  b.mutable_data()->add_data(TxBuilder().Entry());
  b.mutable_data()->add_data("\xff");
  auto parsed = ParsedBlock::Parse(b.SerializeAsString());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const ParsedBlock& p = **parsed;
  EXPECT_EQ(p.number(), 9u);
  ASSERT_EQ(p.num_transactions(), 2u);
  EXPECT_TRUE(p.tx(0).ok());
  EXPECT_EQ(p.tx(1).defect, TxDefect::kEnvelope);
  EXPECT_NE(p.tx(1).error.message().find("block 9, tx 1"), std::string::npos);
  EXPECT_FALSE(p.IsConfigBlock());
  EXPECT_EQ(p.metadata(0), "");
}

TEST(ParsedBlockTest, WithMetadataSharesTransactions) {
  common::Block b;
  b.mutable_header()->set_number(3);
  b.mutable_data()->add_data(TxBuilder().Entry());
  auto parsed = ParsedBlock::Parse(b.SerializeAsString());
  ASSERT_TRUE(parsed.ok());
  const std::pair<int, std::string> slots[] = {{common::TRANSACTIONS_FILTER, std::string(1, '\0')},
                                               {common::COMMIT_HASH, "h"}};
  auto stored = (*parsed)->WithMetadata(slots);
  // The same bytes as setting the slots and serializing; the same parsed transactions.
  common::Block want = b;
  for (int i = 0; i <= common::COMMIT_HASH; ++i) want.mutable_metadata()->add_metadata();
  want.mutable_metadata()->set_metadata(common::TRANSACTIONS_FILTER, std::string(1, '\0'));
  want.mutable_metadata()->set_metadata(common::COMMIT_HASH, "h");
  EXPECT_EQ(stored->raw(), want.SerializeAsString());
  EXPECT_EQ(stored->metadata(common::COMMIT_HASH), "h");
  EXPECT_EQ(&stored->tx(0), &(*parsed)->tx(0));
  EXPECT_EQ(stored->header_hash(), (*parsed)->header_hash());
  EXPECT_EQ((*parsed)->metadata(common::COMMIT_HASH), "");  // the original is unchanged
}

}  // namespace
}  // namespace fabric::wire
