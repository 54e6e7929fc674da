#include "lib/validate/block_validator.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/channelconfig/config_update.h"
#include "lib/crypto/p256_inverse_batch.h"
#include "lib/crypto/p256_verify_batch.h"

namespace fabric::validate {
namespace {

// What the parallel pass leaves for one transaction.
struct TxWork {
  TxVerdict verdict;
  absl::Status error;  // a failure that stops the block
  // Endorser transactions that reached the policies: the namespaces to check, and the
  // verdict of each, up to and including the first that is not VALID.
  std::vector<std::string> namespaces;
  std::vector<TxVerdict> namespace_verdicts;
};

// Identifies a key of a namespace, or of a private collection (by key hash).
std::string KeyId(absl::string_view ns, absl::string_view coll, absl::string_view key) {
  return absl::StrCat(ns.size(), ":", ns, coll.size(), ":", coll, key);
}

// Calls fn(coll, key) for every key `ns` writes, values and metadata ("" for public).
template <typename Fn>
void ForEachWrittenKey(const wire::NamespaceView& ns, Fn fn) {
  for (const auto& w : ns.kv.writes()) fn("", w.key());
  for (const auto& w : ns.kv.metadata_writes()) fn("", w.key());
  for (const wire::CollectionView& c : ns.collections) {
    for (const auto& w : c.hashed.hashed_writes()) fn(c.name, w.key_hash());
    for (const auto& w : c.hashed.metadata_writes()) fn(c.name, w.key_hash());
  }
}

// The endorser transactions of the block that update the metadata of each key: the
// candidates for Fabric's "validation parameter updated" rule. As in Fabric, every
// transaction whose read-write set parses counts, whatever its own verdict; only
// those that pass their policy check for the namespace take effect (pass 2).
absl::flat_hash_map<std::string, std::vector<size_t>> MetadataWriters(
    const wire::ParsedBlock& block) {
  absl::flat_hash_map<std::string, std::vector<size_t>> out;
  for (size_t i = 0; i < block.num_transactions(); ++i) {
    const wire::TxView& tx = block.tx(i);
    if (tx.type() != common::ENDORSER_TRANSACTION || tx.actions.empty()) continue;
    const wire::ActionView& a = tx.actions[0];
    if (a.Failed(wire::ActionDefect::kNamespaceReadWriteSet) ||
        a.Failed(wire::ActionDefect::kCollectionHashedSet)) {
      continue;
    }
    for (const wire::NamespaceView& ns : a.namespaces) {
      for (const auto& w : ns.kv.metadata_writes()) out[KeyId(ns.name, "", w.key())].push_back(i);
      for (const wire::CollectionView& c : ns.collections) {
        for (const auto& w : c.hashed.metadata_writes()) {
          out[KeyId(ns.name, c.name, w.key_hash())].push_back(i);
        }
      }
    }
  }
  return out;
}

// Fabric's ValidationParameterUpdatedError: a key of `ns` that transaction `i` writes
// has its metadata updated by an earlier transaction of the block that passed its
// policy check for `ns`.
std::optional<TxVerdict> UpdatedKey(
    const wire::ActionView& action, const std::string& ns, size_t i,
    const absl::flat_hash_map<std::string, std::vector<size_t>>& writers,
    const std::vector<absl::flat_hash_set<std::string>>& passed, const wire::ParsedBlock& block) {
  std::optional<TxVerdict> out;
  for (const wire::NamespaceView& view : action.namespaces) {
    if (view.name != ns) continue;
    ForEachWrittenKey(view, [&](absl::string_view coll, absl::string_view key) {
      if (out.has_value()) return;
      auto it = writers.find(KeyId(ns, coll, key));
      if (it == writers.end()) return;
      for (size_t j : it->second) {
        if (j >= i || !passed[j].contains(ns)) continue;
        out =
            Invalid(protos::ENDORSEMENT_POLICY_FAILURE,
                    absl::StrCat("validation parameter for key ", absl::CHexEscape(key), " (coll'",
                                 coll, "':ns'", ns, "') updated in tx ", block.number(), ":", j));
        return;
      }
    });
  }
  return out;
}

// Fabric's channel resources Apply: the configuration `envelope` carries must be a
// valid, authorized update of `current` (configtx's validator), must load, and must
// keep what a running channel cannot change (its orgs' MSP ids, its application and
// orderer sections); it replaces `current` from the next block on.
absl::StatusOr<std::shared_ptr<const channelconfig::ChannelConfig>> ApplyConfig(
    const channelconfig::ChannelConfig& current, const common::ConfigEnvelope& envelope) {
  FABRIC_RETURN_IF_ERROR(channelconfig::ValidateConfigEnvelope(current, envelope));
  FABRIC_ASSIGN_OR_RETURN(
      std::shared_ptr<const channelconfig::ChannelConfig> next,
      channelconfig::ChannelConfig::FromConfig(envelope.config(), current.channel_id()));
  for (const char* section : {"Application", "Orderer"}) {
    if (current.config().channel_group().groups().contains(section) &&
        !next->config().channel_group().groups().contains(section)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the ", section, " section cannot be removed from a channel"));
    }
  }
  for (const channelconfig::Organization& before : current.organizations()) {
    for (const channelconfig::Organization& after : next->organizations()) {
      if (after.name == before.name && after.orderer == before.orderer &&
          after.mspid != before.mspid) {
        return absl::InvalidArgumentError(absl::StrCat(
            "org ", before.name, " MSP id cannot change from ", before.mspid, " to ", after.mspid));
      }
    }
  }
  return next;
}

// Whether `tx`'s txid is in the ledger: `known`[i] (the block's lookup, when it
// succeeded), else looked up by itself.
absl::StatusOr<bool> InLedger(const wire::TxView& tx, const ledger::Ledger& ledger,
                              const absl::StatusOr<std::vector<bool>>& known, size_t i) {
  if (known.ok()) return (*known)[i];
  FABRIC_ASSIGN_OR_RETURN(std::vector<ledger::TxLocation> seen,
                          ledger.blocks().TxLocations(tx.txid()));
  return !seen.empty();
}

// Pass 1 for an endorser transaction that passed CheckTransaction; `in_ledger` tells
// whether its txid is committed already.
void ValidateEndorser(const wire::TxView& tx, const PreparedBlock::Tx& p, const std::string& where,
                      const absl::StatusOr<bool>& in_ledger, PolicySource& source, TxWork* w) {
  if (!in_ledger.ok()) {
    w->error = in_ledger.status();
    return;
  }
  if (*in_ledger) {
    w->verdict = Invalid(protos::DUPLICATE_TXID,
                         absl::StrCat("transaction ", tx.txid(), " is already in the ledger"));
    return;
  }
  w->verdict = p.action_verdict;
  if (!w->verdict.valid()) return;
  const wire::ActionView& action = tx.actions[0];
  for (const std::string& ns : p.namespaces) {
    absl::StatusOr<chaincode::ValidationInfo> info = source.Info(ns);
    if (absl::IsNotFound(info.status()) || absl::IsInvalidArgument(info.status())) {
      w->namespace_verdicts.push_back(
          Invalid(protos::INVALID_CHAINCODE, std::string(info.status().message())));
      return;
    }
    if (!info.ok()) {
      w->error =
          absl::Status(info.status().code(), absl::StrCat("could not retrieve state for chaincode ",
                                                          ns, ": ", info.status().message()));
      return;
    }
    if (info->plugin != "vscc") {
      w->error = absl::UnimplementedError(
          absl::StrCat("plugin with name ", info->plugin, " couldn't be used: plugin with name ",
                       info->plugin, " wasn't found (namespace ", ns, ")"));
      return;
    }
    absl::StatusOr<TxVerdict> v =
        ValidateNamespace(source, action, ns, info->policy, *p.endorsements, where);
    if (!v.ok()) {
      w->error = v.status();
      return;
    }
    w->namespace_verdicts.push_back(*std::move(v));
    if (!w->namespace_verdicts.back().valid()) return;
  }
}

}  // namespace

std::string FilterOf(const std::vector<TxVerdict>& verdicts) {
  std::string filter(verdicts.size(), '\0');
  for (size_t i = 0; i < verdicts.size(); ++i) filter[i] = static_cast<char>(verdicts[i].code);
  return filter;
}

PreparedBlock BlockValidator::Prepare(
    std::shared_ptr<const wire::ParsedBlock> block,
    std::shared_ptr<const channelconfig::ChannelConfig> config) const {
  PreparedBlock out;
  out.block = std::move(block);
  out.config = std::move(config);
  out.txs.resize(out.block->num_transactions());
  // The block's signatures: each transaction's creator's, and its endorsements'.
  std::vector<absl::string_view> signatures;
  for (size_t i = 0; i < out.txs.size(); ++i) {
    const wire::TxView& tx = out.block->tx(i);
    signatures.push_back(tx.envelope.signature());
    if (tx.actions.size() == 1) {
      for (const protos::Endorsement& e : tx.actions[0].payload.action().endorsements()) {
        signatures.push_back(e.signature());
      }
    }
  }
  auto prepare = [&out](size_t i) {
    const wire::TxView& tx = out.block->tx(i);
    PreparedBlock::Tx& p = out.txs[i];
    p.verdict = CheckTransaction(tx, out.config->channel_id(), out.config->msps());
    if (!p.verdict.valid() || tx.type() != common::ENDORSER_TRANSACTION) return;
    p.action_verdict = CheckEndorserAction(tx, &p.namespaces);
    if (!p.action_verdict.valid()) return;
    p.endorsements = std::make_unique<policy::SignatureSet>(EndorsementSignedData(tx.actions[0]),
                                                            out.config->shared_msps());
    p.endorsements->size();  // verifies every signature now
  };
  if (signatures.size() >= batch_from_) {
    // Enough signatures to verify side by side: every verification with a hot key's
    // table is taken as valid, then the batch computes them all; the transactions with
    // one it does not confirm are prepared again, verifying at once (see
    // crypto/p256_verify_batch.h). What a transaction's preparation yields depends only
    // on its verifications' answers, so with the batch's confirmed it is the same.
    crypto::P256VerifyBatch deferred;
    pool_->ParallelFor(out.txs.size(), [&](size_t i) {
      crypto::ScopedP256VerifyBatch use(&deferred, i);
      prepare(i);
    });
    const std::vector<size_t> again = deferred.Compute(pool_);
    pool_->ParallelFor(again.size(), [&](size_t k) {
      out.txs[again[k]] = PreparedBlock::Tx();
      prepare(again[k]);
    });
    return out;
  }
  // Every signature's s inverted together, so that each verification below skips its
  // own inversion (crypto::P256InverseBatch; an inverse is checked before it is used).
  crypto::P256InverseBatch inverses;
  for (absl::string_view sig : signatures) inverses.Add(sig);
  inverses.Compute();
  pool_->ParallelFor(out.txs.size(), [&](size_t i) {
    crypto::ScopedP256InverseBatch use(&inverses);
    prepare(i);
  });
  return out;
}

absl::StatusOr<BlockValidation> BlockValidator::Validate(const PreparedBlock& prepared,
                                                         const ledger::Ledger& ledger) {
  const wire::ParsedBlock& block = *prepared.block;
  const std::shared_ptr<const channelconfig::ChannelConfig>& config = prepared.config;
  if (policies_ == nullptr || &policies_->config() != config.get()) {
    policies_ = std::make_shared<PolicyCache>(config);
  }
  PolicySource source(policies_.get(), &ledger.state());
  const size_t n = block.num_transactions();
  std::vector<TxWork> work(n);

  // Which txids the ledger holds, looked up together: one scan of the index per pool
  // thread. If that fails, each transaction looks its own up, for the error it would
  // meet.
  std::vector<size_t> looked_up(n, n);  // index into txids, n if not looked up
  std::vector<absl::string_view> txids;
  for (size_t i = 0; i < n; ++i) {
    if (prepared.txs[i].verdict.valid() && block.tx(i).type() == common::ENDORSER_TRANSACTION) {
      looked_up[i] = txids.size();
      txids.push_back(block.tx(i).txid());
    }
  }
  const size_t parts = std::max<size_t>(1, std::min(pool_->size(), txids.size()));
  const size_t per_part = (txids.size() + parts - 1) / parts;
  std::vector<absl::StatusOr<std::vector<bool>>> found(parts);
  pool_->ParallelFor(parts, [&](size_t k) {
    const size_t begin = std::min(txids.size(), k * per_part);
    const size_t end = std::min(txids.size(), begin + per_part);
    found[k] = ledger.blocks().HasTxIds(
        std::vector<absl::string_view>(txids.begin() + begin, txids.begin() + end));
  });
  absl::StatusOr<std::vector<bool>> known = std::vector<bool>();
  for (absl::StatusOr<std::vector<bool>>& f : found) {
    if (!f.ok()) {
      known = f.status();
      break;
    }
    known->insert(known->end(), f->begin(), f->end());
  }

  // Pass 1: what depends on one transaction and the committed ledger.
  pool_->ParallelFor(n, [&](size_t i) {
    const wire::TxView& tx = block.tx(i);
    const PreparedBlock::Tx& p = prepared.txs[i];
    TxWork& w = work[i];
    w.verdict = p.verdict;
    if (!w.verdict.valid() || tx.type() != common::ENDORSER_TRANSACTION) return;
    w.namespaces = p.namespaces;
    ValidateEndorser(tx, p, absl::StrCat(block.number(), ":", i),
                     InLedger(tx, ledger, known, looked_up[i]), source, &w);
  });

  // Pass 2, in block order.
  BlockValidation out;
  out.verdicts.resize(n);
  const auto writers = MetadataWriters(block);
  std::vector<absl::flat_hash_set<std::string>> passed(n);  // namespaces whose policy held
  absl::flat_hash_set<std::string> valid_txids;
  std::shared_ptr<const channelconfig::ChannelConfig> current = config;
  for (size_t i = 0; i < n; ++i) {
    TxWork& w = work[i];
    if (!w.error.ok()) {
      return absl::Status(w.error.code(), absl::StrCat("block ", block.number(), ", tx ", i, ": ",
                                                       w.error.message()));
    }
    TxVerdict& v = out.verdicts[i];
    v = std::move(w.verdict);
    const wire::TxView& tx = block.tx(i);
    if (v.valid() && tx.type() == common::ENDORSER_TRANSACTION) {
      const wire::ActionView& action = tx.actions[0];
      for (size_t k = 0; k < w.namespace_verdicts.size() && v.valid(); ++k) {
        const std::string& ns = w.namespaces[k];
        TxVerdict& nv = w.namespace_verdicts[k];
        if (nv.code != protos::INVALID_CHAINCODE && !writers.empty()) {
          if (std::optional<TxVerdict> updated =
                  UpdatedKey(action, ns, i, writers, passed, block)) {
            nv = *std::move(updated);
          }
        }
        if (nv.valid()) {
          passed[i].insert(ns);
        } else {
          v = nv;
        }
      }
    }
    if (v.valid() && tx.type() == common::CONFIG) {
      if (tx.defect == wire::TxDefect::kConfigEnvelope) {
        return absl::InvalidArgumentError(
            absl::StrCat("error unmarshalling config which passed initial validity checks: ",
                         tx.error.message()));
      }
      auto next = ApplyConfig(*current, tx.config_envelope);
      if (!next.ok()) {
        return absl::Status(next.status().code(),
                            absl::StrCat("error validating config which passed initial validity "
                                         "checks: ",
                                         next.status().message()));
      }
      current = *std::move(next);
      out.new_config = current;
    }
    if (v.valid() && tx.type() == common::ENDORSER_TRANSACTION &&
        !valid_txids.insert(tx.txid()).second) {
      v = Invalid(
          protos::DUPLICATE_TXID,
          absl::StrCat("txid ", tx.txid(), " already used by a valid transaction of the block"));
    }
  }
  return out;
}

}  // namespace fabric::validate
