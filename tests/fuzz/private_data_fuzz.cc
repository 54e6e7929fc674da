// The private data a committing peer is handed, and the records it keeps of it, against
// block 3 of the private data chain (tests/vectors/pvt: collections written by VALID and
// invalid transactions, eligible and not).
//
// Input: byte 0 selects, the rest is:
//   0: a pvtdata/*.pvt file (tools/pvt_file.h). If it parses, the handed data is sorted
//      as at commit (every stored rwset hashes to the block's hash, every slot is a
//      collection the block writes), the private state updates are prepared, and the
//      same data is reconciled into a record that had every slot missing;
//   1: a stored private data record (the ledger's 'P' value), which decodes or not, and
//      re-encodes to the same bytes when it does;
//   2: a stored expiry schedule entry ('E' value), the same.
// Never a crash; a malformed input is a status.
#include <set>
#include <string>

#include "lib/base/sha256.h"
#include "lib/ledger/internal/schema.h"
#include "lib/ledger/private_data.h"
#include "lib/wire/block.h"
#include "tests/fuzz/fuzz_util.h"
#include "tools/pvt_file.h"

namespace {

using fabric::ledger::BlockPvtRecord;

// Nothing committed: every read is absent.
class EmptyState : public fabric::ledger::StateReader, public fabric::ledger::PrivateReader {
 public:
  absl::StatusOr<std::optional<fabric::ledger::VersionedValue>> Get(
      absl::string_view, absl::string_view) const override {
    return std::nullopt;
  }
  absl::StatusOr<std::optional<fabric::ledger::VersionedValue>> GetHashed(
      absl::string_view, absl::string_view, absl::string_view) const override {
    return std::nullopt;
  }
  absl::StatusOr<std::optional<fabric::ledger::VersionedValue>> GetPrivate(
      absl::string_view, absl::string_view, absl::string_view) const override {
    return std::nullopt;
  }
};

// Every collection exists, this peer is eligible, BlockToLive 2.
class AllEligible : public fabric::ledger::CollectionRules {
 public:
  absl::StatusOr<std::optional<fabric::ledger::CollectionRule>> Rule(
      absl::string_view, absl::string_view) const override {
    return fabric::ledger::CollectionRule{true, 2};
  }
};

const fabric::wire::ParsedBlock& Block() {
  static const auto* block = [] {  // kept for the process's life
    std::string bytes;
    FUZZ_CHECK(
        fabric::fuzz::ReadFile(fabric::fuzz::VectorsDir() + "/../pvt/blocks/000003.block", &bytes),
        "the private data vectors");
    auto parsed = fabric::wire::ParsedBlock::Parse(std::move(bytes));
    FUZZ_CHECK(parsed.ok(), "block 3 parses");
    return new std::shared_ptr<const fabric::wire::ParsedBlock>(*std::move(parsed));
  }();
  return **block;
}

// The block's hash of (tx, ns, coll), "" if it does not write that collection.
std::string HashOf(const fabric::ledger::PvtSlot& s) {
  const fabric::wire::TxView& tx = Block().tx(s.tx);
  if (tx.actions.empty()) return "";
  for (const auto& ns : tx.actions[0].namespaces) {
    if (ns.name != s.ns) continue;
    for (const auto& c : ns.collections) {
      if (c.name == s.coll) return c.pvt_rwset_hash;
    }
  }
  return "";
}

void SortAndReconcile(const std::string& file) {
  auto handed = fabric::tools::ParsePvtFile(file, "input");
  if (!handed.ok()) return;
  const EmptyState state;
  const AllEligible rules;
  const std::string filter(Block().num_transactions(), '\0');  // all VALID
  auto record = fabric::ledger::SortPrivateData(Block(), *handed, &rules);
  if (!record.ok()) return;
  for (const auto& [slot, rwset] : record->stored) {
    FUZZ_CHECK(fabric::Sha256(rwset) == HashOf(slot), "stored data matches the block");
  }
  for (const auto& [slot, eligible] : record->missing) {
    FUZZ_CHECK(!HashOf(slot).empty() || Block().tx(slot.tx).actions.size() > 0,
               "missing slots are collections the block writes");
  }
  auto updates = fabric::ledger::PreparePrivateUpdates(Block(), filter, *record,
                                                       fabric::ledger::BlockUpdates(), state);
  (void)updates;
  // Reconciliation into a record that has everything as missing.
  BlockPvtRecord all_missing;
  for (const auto& [slot, rwset] : record->stored) all_missing.missing[slot] = true;
  for (const auto& [slot, eligible] : record->missing) all_missing.missing[slot] = eligible;
  auto reconciled =
      fabric::ledger::ReconcilePrivateData(Block(), filter, all_missing, *handed, state);
  if (reconciled.ok()) {
    FUZZ_CHECK(reconciled->stored == record->stored.size(),
               "reconciliation stores what the commit stored (%zu, %zu)", reconciled->stored,
               record->stored.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Block();  // read once, before the first input
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      SortAndReconcile(body);
      break;
    case 1: {
      BlockPvtRecord r;
      if (fabric::ledger::internal::DecodePvtRecord(body, &r)) {
        BlockPvtRecord again;
        FUZZ_CHECK(fabric::ledger::internal::DecodePvtRecord(
                       fabric::ledger::internal::EncodePvtRecord(r), &again) &&
                       again.stored == r.stored && again.missing == r.missing &&
                       again.block_to_live == r.block_to_live,
                   "a record round-trips");
      }
      break;
    }
    default: {
      std::vector<fabric::ledger::ExpiringKey> keys;
      if (fabric::ledger::internal::DecodeExpiring(body, &keys)) {
        std::vector<fabric::ledger::ExpiringKey> again;
        FUZZ_CHECK(fabric::ledger::internal::DecodeExpiring(
                       fabric::ledger::internal::EncodeExpiring(keys), &again) &&
                       again.size() == keys.size(),
                   "a schedule entry round-trips");
      }
      break;
    }
  }
  return 0;
}
