#include "lib/snapshot/export.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/snapshot/config_history.h"
#include "lib/snapshot/snapshot_file.h"
#include "lib/snapshot/state_record.h"

namespace fabric::snapshot {
namespace {

namespace fs = std::filesystem;

constexpr char kTxIdsData[] = "txids.data";
constexpr char kTxIdsMetadata[] = "txids.metadata";
constexpr char kConfigHistoryData[] = "confighistory.data";
constexpr char kConfigHistoryMetadata[] = "confighistory.metadata";
constexpr char kPublicStateData[] = "public_state.data";
constexpr char kPublicStateMetadata[] = "public_state.metadata";
constexpr char kHashedStateData[] = "private_state_hashes.data";
constexpr char kHashedStateMetadata[] = "private_state_hashes.metadata";

absl::Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("opening ", path, " to sync it"));
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return absl::UnavailableError(absl::StrCat("syncing ", path));
  return absl::OkStatus();
}

// A data file and its metadata file holding one count (txids, config history).
class CountedFile {
 public:
  CountedFile(std::string dir, const char* data, const char* metadata)
      : dir_(std::move(dir)), data_name_(data), metadata_name_(metadata) {}

  absl::Status Add(absl::string_view a) {
    FABRIC_RETURN_IF_ERROR(Open());
    ++count_;
    return file_.WriteBytes(a);
  }
  absl::Status Add(absl::string_view a, absl::string_view b) {
    FABRIC_RETURN_IF_ERROR(Add(a));
    return file_.WriteBytes(b);
  }
  // Writes the metadata file; both hashes into `hashes`. Nothing when empty.
  absl::Status Finish(std::map<std::string, std::string>* hashes) {
    if (count_ == 0) return absl::OkStatus();
    FABRIC_ASSIGN_OR_RETURN((*hashes)[data_name_], file_.Finish());
    SnapshotFileWriter meta;
    FABRIC_RETURN_IF_ERROR(meta.Create(dir_ + "/" + metadata_name_, kSnapshotFileFormat));
    FABRIC_RETURN_IF_ERROR(meta.WriteUvarint(count_));
    FABRIC_ASSIGN_OR_RETURN((*hashes)[metadata_name_], meta.Finish());
    return absl::OkStatus();
  }

 private:
  absl::Status Open() {
    if (count_ > 0) return absl::OkStatus();
    return file_.Create(dir_ + "/" + data_name_, kSnapshotFileFormat);
  }

  const std::string dir_;
  const char* const data_name_;
  const char* const metadata_name_;
  SnapshotFileWriter file_;
  uint64_t count_ = 0;
};

// A state data file and its metadata: (namespace, count) per namespace.
class StateFile {
 public:
  StateFile(std::string dir, const char* data, const char* metadata)
      : dir_(std::move(dir)), data_name_(data), metadata_name_(metadata) {}

  absl::Status Add(absl::string_view ns, absl::string_view key, const ledger::VersionedValue& v) {
    if (counts_.empty()) {
      FABRIC_RETURN_IF_ERROR(file_.Create(dir_ + "/" + data_name_, kSnapshotFileFormat));
    }
    if (counts_.empty() || counts_.back().first != ns) counts_.emplace_back(std::string(ns), 0);
    ++counts_.back().second;
    return file_.WriteBytes(EncodeStateRecord(key, v));
  }

  absl::Status Finish(std::map<std::string, std::string>* hashes) {
    if (counts_.empty()) return absl::OkStatus();
    FABRIC_ASSIGN_OR_RETURN((*hashes)[data_name_], file_.Finish());
    SnapshotFileWriter meta;
    FABRIC_RETURN_IF_ERROR(meta.Create(dir_ + "/" + metadata_name_, kSnapshotFileFormat));
    FABRIC_RETURN_IF_ERROR(meta.WriteUvarint(counts_.size()));
    for (const auto& [ns, count] : counts_) {
      FABRIC_RETURN_IF_ERROR(meta.WriteBytes(ns));
      FABRIC_RETURN_IF_ERROR(meta.WriteUvarint(count));
    }
    FABRIC_ASSIGN_OR_RETURN((*hashes)[metadata_name_], meta.Finish());
    return absl::OkStatus();
  }

 private:
  const std::string dir_;
  const char* const data_name_;
  const char* const metadata_name_;
  SnapshotFileWriter file_;
  std::vector<std::pair<std::string, uint64_t>> counts_;
};

absl::Status ExportTxIds(const ledger::LedgerView& view, const std::string& dir,
                         std::map<std::string, std::string>* hashes) {
  CountedFile file(dir, kTxIdsData, kTxIdsMetadata);
  // The index orders txids by varint(length) and Fabric's by length: the same for
  // lengths below 128, which come first; longer ones are sorted here.
  std::vector<std::string> long_ids;
  FABRIC_RETURN_IF_ERROR(view.ForEachTxId([&](absl::string_view txid) -> absl::Status {
    if (txid.size() >= 128) {
      long_ids.emplace_back(txid);
      return absl::OkStatus();
    }
    return file.Add(txid);
  }));
  std::sort(long_ids.begin(), long_ids.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  for (const std::string& txid : long_ids) FABRIC_RETURN_IF_ERROR(file.Add(txid));
  return file.Finish(hashes);
}

absl::Status ExportConfigHistory(const ledger::LedgerView& view, const std::string& dir,
                                 std::map<std::string, std::string>* hashes) {
  FABRIC_ASSIGN_OR_RETURN(auto entries, ConfigHistory(view));
  CountedFile file(dir, kConfigHistoryData, kConfigHistoryMetadata);
  for (const auto& [key, value] : entries) FABRIC_RETURN_IF_ERROR(file.Add(key, value));
  return file.Finish(hashes);
}

absl::Status ExportState(const ledger::LedgerView& view, const std::string& dir,
                         std::map<std::string, std::string>* hashes) {
  FABRIC_ASSIGN_OR_RETURN(std::vector<std::string> namespaces, view.Namespaces());
  std::sort(namespaces.begin(), namespaces.end());  // Fabric's order: by name, bytewise
  StateFile pub(dir, kPublicStateData, kPublicStateMetadata);
  StateFile hashed(dir, kHashedStateData, kHashedStateMetadata);
  for (const std::string& ns : namespaces) {
    if (absl::StrContains(ns, "$$p")) continue;  // private values stay out
    StateFile& file = absl::StrContains(ns, "$$h") ? hashed : pub;
    FABRIC_RETURN_IF_ERROR(view.ForEachKey(
        ns, [&](absl::string_view key, const ledger::VersionedValue& v) {
          return file.Add(ns, key, v);
        }));
  }
  FABRIC_RETURN_IF_ERROR(pub.Finish(hashes));
  return hashed.Finish(hashes);
}

absl::Status WriteSmallFile(const std::string& path, absl::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("creating ", path));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      return absl::UnavailableError(absl::StrCat("writing ", path));
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return absl::UnavailableError(absl::StrCat("syncing ", path));
  return absl::OkStatus();
}

absl::StatusOr<SnapshotMetadata> WriteAll(const ledger::LedgerView& view, const std::string& dir) {
  const ledger::ChainInfo& info = view.chain_info();
  if (info.height == 0) return absl::FailedPreconditionError("the ledger has no block");
  SnapshotMetadata m;
  m.channel_name = view.channel_id();
  m.last_block_number = info.height - 1;
  m.last_block_hash = info.current_hash;
  m.previous_block_hash = info.previous_hash;
  m.last_block_commit_hash = view.commit_hash();
  FABRIC_RETURN_IF_ERROR(ExportTxIds(view, dir, &m.file_hashes));
  FABRIC_RETURN_IF_ERROR(ExportConfigHistory(view, dir, &m.file_hashes));
  FABRIC_RETURN_IF_ERROR(ExportState(view, dir, &m.file_hashes));
  const std::string signable = SignableMetadataJson(m);
  FABRIC_RETURN_IF_ERROR(WriteSmallFile(dir + "/" + kSignableMetadataFile, signable));
  m.snapshot_hash = Sha256(signable);
  FABRIC_RETURN_IF_ERROR(
      WriteSmallFile(dir + "/" + kAdditionalMetadataFile, AdditionalMetadataJson(m)));
  FABRIC_RETURN_IF_ERROR(SyncPath(dir));
  return m;
}

}  // namespace

absl::StatusOr<SnapshotMetadata> ExportSnapshot(const ledger::LedgerView& view,
                                                const std::string& dir) {
  std::error_code ec;
  std::string target = dir;
  while (target.size() > 1 && target.back() == '/') target.pop_back();
  if (fs::exists(target, ec)) return absl::AlreadyExistsError(absl::StrCat(target, " exists"));
  // A directory of our own beside it (never one another export is writing).
  std::string templ = target + ".partial-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    return absl::UnavailableError(absl::StrCat("creating ", templ, ": ", std::strerror(errno)));
  }
  const std::string partial = templ;
  absl::StatusOr<SnapshotMetadata> m = WriteAll(view, partial);
  if (m.ok()) {
    fs::rename(partial, target, ec);
    if (ec) m = absl::UnavailableError(absl::StrCat("renaming ", partial, ": ", ec.message()));
  }
  if (!m.ok()) {
    fs::remove_all(partial, ec);
    return m.status();
  }
  const fs::path parent = fs::absolute(target, ec).parent_path();
  FABRIC_RETURN_IF_ERROR(SyncPath(parent.string()));
  return m;
}

}  // namespace fabric::snapshot
