#include "lib/snapshot/join.h"

#include <filesystem>
#include <map>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/base/file.h"
#include "lib/base/status_macros.h"
#include "lib/chaincode/collections.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/ledger/ledger_import.h"
#include "lib/snapshot/config_history.h"
#include "lib/snapshot/metadata.h"
#include "lib/snapshot/snapshot_file.h"
#include "lib/snapshot/state_record.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::snapshot {
namespace {

absl::Status Malformed(absl::string_view file, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("snapshot file ", file, ": ", what));
}

// The paths of a data file and its metadata file when the snapshot lists the pair;
// nullopt when it lists neither. InvalidArgument for half a pair, or a file present in
// the directory but not covered by the hashes.
absl::StatusOr<bool> Listed(const std::string& dir, const SnapshotMetadata& m,
                            const std::string& data, const std::string& metadata) {
  const bool has_data = m.file_hashes.count(data) > 0;
  const bool has_metadata = m.file_hashes.count(metadata) > 0;
  if (has_data != has_metadata) {
    return absl::InvalidArgumentError(
        absl::StrCat("the snapshot lists ", has_data ? data : metadata, " without ",
                     has_data ? metadata : data));
  }
  std::error_code ec;
  if (!has_data && (std::filesystem::exists(dir + "/" + data, ec) ||
                    std::filesystem::exists(dir + "/" + metadata, ec))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the snapshot holds ", data, " or ", metadata, " but its metadata has no hash of it"));
  }
  return has_data;
}

// The count a metadata file holds alone (txids, config history).
absl::StatusOr<uint64_t> ReadCount(const std::string& dir, const std::string& name) {
  SnapshotFileReader r;
  FABRIC_RETURN_IF_ERROR(r.Open(dir + "/" + name, kSnapshotFileFormat));
  FABRIC_ASSIGN_OR_RETURN(uint64_t n, r.ReadUvarint());
  if (!r.AtEnd()) return Malformed(name, "bytes after the count");
  return n;
}

absl::Status ExpectEnd(SnapshotFileReader& r, absl::string_view name) {
  if (!r.AtEnd()) return Malformed(name, "more records than its metadata counts");
  return absl::OkStatus();
}

absl::Status ImportTxIds(const std::string& dir, const SnapshotMetadata& m,
                         ledger::LedgerImporter* imp) {
  FABRIC_ASSIGN_OR_RETURN(bool listed, Listed(dir, m, "txids.data", "txids.metadata"));
  if (!listed) return absl::OkStatus();
  FABRIC_ASSIGN_OR_RETURN(uint64_t count, ReadCount(dir, "txids.metadata"));
  SnapshotFileReader r;
  FABRIC_RETURN_IF_ERROR(r.Open(dir + "/txids.data", kSnapshotFileFormat));
  for (uint64_t i = 0; i < count; ++i) {
    FABRIC_ASSIGN_OR_RETURN(std::string txid, r.ReadBytes());
    FABRIC_RETURN_IF_ERROR(imp->AddTxId(txid));
  }
  return ExpectEnd(r, "txids.data");
}

absl::StatusOr<std::map<std::string, std::string>> ImportConfigHistory(
    const std::string& dir, const SnapshotMetadata& m, ledger::LedgerImporter* imp) {
  std::map<std::string, std::string> entries;
  FABRIC_ASSIGN_OR_RETURN(bool listed,
                          Listed(dir, m, "confighistory.data", "confighistory.metadata"));
  if (!listed) return entries;
  FABRIC_ASSIGN_OR_RETURN(uint64_t count, ReadCount(dir, "confighistory.metadata"));
  SnapshotFileReader r;
  FABRIC_RETURN_IF_ERROR(r.Open(dir + "/confighistory.data", kSnapshotFileFormat));
  for (uint64_t i = 0; i < count; ++i) {
    FABRIC_ASSIGN_OR_RETURN(std::string key, r.ReadBytes());
    FABRIC_ASSIGN_OR_RETURN(std::string value, r.ReadBytes());
    std::string cc;
    uint64_t block = 0;
    if (!DecodeConfigHistoryKey(key, &cc, &block)) {
      return Malformed("confighistory.data", "a key that is not a collection config key");
    }
    if (block > m.last_block_number) {
      return Malformed("confighistory.data",
                       absl::StrCat("an entry of block ", block, ", after the last block"));
    }
    FABRIC_RETURN_IF_ERROR(imp->AddConfigHistory(key, value));
    entries[std::move(key)] = std::move(value);
  }
  FABRIC_RETURN_IF_ERROR(ExpectEnd(r, "confighistory.data"));
  return entries;
}

// The state files: (namespace, count) rows in the metadata file, records in the data
// file. `on_record` takes each.
absl::Status ReadStateFiles(
    const std::string& dir, const std::string& data, const std::string& metadata,
    const std::function<absl::Status(const std::string&, const StateRecord&)>& on_record) {
  SnapshotFileReader meta;
  FABRIC_RETURN_IF_ERROR(meta.Open(dir + "/" + metadata, kSnapshotFileFormat));
  FABRIC_ASSIGN_OR_RETURN(uint64_t rows, meta.ReadUvarint());
  SnapshotFileReader r;
  FABRIC_RETURN_IF_ERROR(r.Open(dir + "/" + data, kSnapshotFileFormat));
  std::string previous;
  for (uint64_t row = 0; row < rows; ++row) {
    FABRIC_ASSIGN_OR_RETURN(std::string ns, meta.ReadBytes());
    FABRIC_ASSIGN_OR_RETURN(uint64_t count, meta.ReadUvarint());
    if (row > 0 && ns <= previous) {
      return Malformed(metadata, absl::StrCat("namespace '", ns, "' out of order"));
    }
    for (uint64_t i = 0; i < count; ++i) {
      FABRIC_ASSIGN_OR_RETURN(std::string bytes, r.ReadBytes());
      absl::StatusOr<StateRecord> rec = DecodeStateRecord(bytes);
      if (!rec.ok()) return Malformed(data, rec.status().message());
      FABRIC_RETURN_IF_ERROR(on_record(ns, *rec));
    }
    previous = std::move(ns);
  }
  if (!meta.AtEnd()) return Malformed(metadata, "bytes after its last namespace");
  return ExpectEnd(r, data);
}

// Imports the public state; returns the channel config it holds ("" if none).
absl::StatusOr<std::string> ImportPublicState(const std::string& dir, const SnapshotMetadata& m,
                                              ledger::LedgerImporter* imp) {
  std::string config;
  FABRIC_ASSIGN_OR_RETURN(bool listed,
                          Listed(dir, m, "public_state.data", "public_state.metadata"));
  if (!listed) return config;
  FABRIC_RETURN_IF_ERROR(ReadStateFiles(
      dir, "public_state.data", "public_state.metadata",
      [&](const std::string& ns, const StateRecord& rec) -> absl::Status {
        if (absl::StrContains(ns, "$$")) {
          return Malformed("public_state.metadata",
                           absl::StrCat("namespace '", ns, "' is not a public namespace"));
        }
        if (ns == ledger::kChannelConfigNamespace && rec.key == ledger::kChannelConfigKey) {
          config = rec.value.value;
        }
        return imp->AddState(ns, rec.key, rec.value);
      }));
  return config;
}

// A channel joined from the snapshot takes its config from the state: one that is
// missing or does not load is refused before the join is finished.
absl::Status CheckConfig(const std::string& envelope, const std::string& channel) {
  common::ConfigEnvelope env;
  if (envelope.empty() || !env.ParseFromString(envelope)) {
    return absl::InvalidArgumentError(
        "the snapshot's public state holds no channel config (CHANNEL_CONFIG_ENV_BYTES)");
  }
  absl::StatusOr<std::shared_ptr<const channelconfig::ChannelConfig>> config =
      channelconfig::ChannelConfig::FromConfig(env.config(), channel);
  if (!config.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the snapshot's channel config does not load: ", config.status().message()));
  }
  return absl::OkStatus();
}

// BlockToLive of a collection, from the newest collections of its chaincode; implicit
// collections have none.
absl::StatusOr<uint64_t> BlockToLive(
    const std::map<std::string, protos::CollectionConfigPackage>& latest, const std::string& cc,
    const std::string& coll) {
  if (absl::StartsWith(coll, chaincode::kImplicitCollectionPrefix)) return 0;
  auto it = latest.find(cc);
  if (it != latest.end()) {
    for (const protos::CollectionConfig& c : it->second.config()) {
      if (c.static_collection_config().name() == coll) {
        return c.static_collection_config().block_to_live();
      }
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the snapshot has hashed state of collection ", coll, " of chaincode ", cc,
                   ", which its config history does not define"));
}

absl::Status ImportHashedState(const std::string& dir, const SnapshotMetadata& m,
                               const std::map<std::string, protos::CollectionConfigPackage>& latest,
                               ledger::LedgerImporter* imp) {
  FABRIC_ASSIGN_OR_RETURN(bool listed, Listed(dir, m, "private_state_hashes.data",
                                              "private_state_hashes.metadata"));
  if (!listed) return absl::OkStatus();
  std::string current_ns;
  std::string cc, coll;
  uint64_t btl = 0;
  return ReadStateFiles(
      dir, "private_state_hashes.data", "private_state_hashes.metadata",
      [&](const std::string& ns, const StateRecord& rec) -> absl::Status {
        if (ns != current_ns) {
          const size_t at = ns.find("$$h");
          if (at == std::string::npos || at == 0 || at + 3 == ns.size() ||
              absl::StrContains(ns, "$$p")) {
            return Malformed("private_state_hashes.metadata",
                             absl::StrCat("namespace '", ns, "' is not a hashed namespace"));
          }
          cc = ns.substr(0, at);
          coll = ns.substr(at + 3);
          FABRIC_ASSIGN_OR_RETURN(btl, BlockToLive(latest, cc, coll));
          current_ns = ns;
        }
        FABRIC_RETURN_IF_ERROR(imp->AddState(ns, rec.key, rec.value));
        if (btl > 0) {
          const uint64_t written = rec.value.version.block;
          imp->AddExpiring(written + btl + 1, written, ledger::ExpiringKey{cc, coll, rec.key, ""});
        }
        return absl::OkStatus();
      });
}

}  // namespace

absl::StatusOr<std::unique_ptr<ledger::Ledger>> JoinFromSnapshot(
    const std::string& snapshot_dir, const std::string& ledger_dir,
    const ledger::LedgerOptions& options) {
  FABRIC_ASSIGN_OR_RETURN(SnapshotMetadata m, VerifySnapshot(snapshot_dir));
  ledger::SnapshotOrigin origin;
  origin.channel_id = m.channel_name;
  origin.last_block = m.last_block_number;
  origin.last_block_hash = m.last_block_hash;
  origin.previous_block_hash = m.previous_block_hash;
  origin.commit_hash = m.last_block_commit_hash;
  FABRIC_ASSIGN_OR_RETURN(origin.signable_metadata,
                          ReadFileBounded(snapshot_dir + "/" + kSignableMetadataFile, 1 << 20));
  FABRIC_ASSIGN_OR_RETURN(origin.additional_metadata,
                          ReadFileBounded(snapshot_dir + "/" + kAdditionalMetadataFile, 1 << 20));
  FABRIC_ASSIGN_OR_RETURN(std::unique_ptr<ledger::LedgerImporter> imp,
                          ledger::LedgerImporter::Start(ledger_dir, std::move(origin), options));
  FABRIC_RETURN_IF_ERROR(ImportTxIds(snapshot_dir, m, imp.get()));
  FABRIC_ASSIGN_OR_RETURN(auto history, ImportConfigHistory(snapshot_dir, m, imp.get()));
  absl::StatusOr<std::map<std::string, protos::CollectionConfigPackage>> latest =
      LatestCollections(history);
  if (!latest.ok()) return Malformed("confighistory.data", latest.status().message());
  FABRIC_ASSIGN_OR_RETURN(std::string config, ImportPublicState(snapshot_dir, m, imp.get()));
  FABRIC_RETURN_IF_ERROR(CheckConfig(config, m.channel_name));
  FABRIC_RETURN_IF_ERROR(ImportHashedState(snapshot_dir, m, *latest, imp.get()));
  return imp->Finish();
}

}  // namespace fabric::snapshot
