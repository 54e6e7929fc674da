// Snapshots (lib/snapshot) and a Fabric peer's block files (lib/ledger) at the C ABI.
// Joining and exporting live in channel.cc, beside the channel they make or read.
#include <cstring>

#include "absl/strings/str_cat.h"

#include "capi/internal.h"
#include "lib/ledger/fabric_block_files.h"
#include "lib/snapshot/metadata.h"

using fabric::capi::Guard;
using fabric::capi::SaveError;

struct fabric_blockfile_reader {
  std::unique_ptr<fabric::ledger::FabricBlockFileReader> rep;
};

namespace fabric::capi {

int FillSnapshotInfo(const snapshot::SnapshotMetadata& m, fabric_snapshot_info* out,
                     fabric_error** err) {
  if (out == nullptr) return FABRIC_OK;
  if (int rc = CheckStructVersion(out->version, FABRIC_SNAPSHOT_INFO_VERSION,
                                  "fabric_snapshot_info", err);
      rc != FABRIC_OK) {
    return rc;
  }
  const auto hash = [&](const std::string& h, uint8_t* dst, size_t* len_out) -> bool {
    if (h.size() != 0 && h.size() != FABRIC_HASH_SIZE) return false;
    std::memset(dst, 0, FABRIC_HASH_SIZE);
    std::memcpy(dst, h.data(), h.size());
    if (len_out != nullptr) *len_out = h.size();
    return true;
  };
  fabric_snapshot_info info{};
  info.version = FABRIC_SNAPSHOT_INFO_VERSION;
  if (m.channel_name.size() >= sizeof info.channel_id ||
      m.channel_name.find('\0') != std::string::npos) {
    return SaveError(FABRIC_EMALFORMED, "the snapshot's channel name is not a channel name", err);
  }
  std::memcpy(info.channel_id, m.channel_name.data(), m.channel_name.size());
  info.last_block_number = m.last_block_number;
  size_t last_len = 0;
  if (!hash(m.last_block_hash, info.last_block_hash, &last_len) || last_len == 0 ||
      !hash(m.previous_block_hash, info.previous_block_hash, &info.previous_block_hash_len) ||
      !hash(m.last_block_commit_hash, info.commit_hash, &info.commit_hash_len) ||
      !hash(m.snapshot_hash, info.snapshot_hash, nullptr)) {
    return SaveError(FABRIC_EMALFORMED, "the snapshot's metadata holds a hash of a wrong size",
                     err);
  }
  info.num_files = m.file_hashes.size();
  *out = info;
  return FABRIC_OK;
}

}  // namespace fabric::capi

extern "C" {

int fabric_snapshot_verify(fabric_snapshot_info* info_out, const char* dir, fabric_error** err) {
  return Guard(err, [&] {
    if (dir == nullptr) return SaveError(FABRIC_EINVAL, "dir is NULL", err);
    if (info_out != nullptr) {
      if (int rc = fabric::capi::CheckStructVersion(
              info_out->version, FABRIC_SNAPSHOT_INFO_VERSION, "fabric_snapshot_info", err);
          rc != FABRIC_OK) {
        return rc;
      }
    }
    auto m = fabric::snapshot::VerifySnapshot(dir);
    if (!m.ok()) return SaveError(m.status(), err);
    return fabric::capi::FillSnapshotInfo(*m, info_out, err);
  });
}

int fabric_ledger_snapshot_origin(fabric_snapshot_info* info_out, const fabric_ledger* ledger,
                                  fabric_error** err) {
  return Guard(err, [&] {
    if (info_out == nullptr || ledger == nullptr) {
      return SaveError(FABRIC_EINVAL, "info_out or ledger is NULL", err);
    }
    if (int rc = fabric::capi::CheckStructVersion(info_out->version, FABRIC_SNAPSHOT_INFO_VERSION,
                                                  "fabric_snapshot_info", err);
        rc != FABRIC_OK) {
      return rc;
    }
    const auto& origin = ledger->rep->origin();
    if (!origin.has_value()) {
      return SaveError(FABRIC_ENOTFOUND, "the ledger was created from a genesis block", err);
    }
    auto m = fabric::snapshot::ParseMetadata(origin->signable_metadata,
                                             origin->additional_metadata);
    if (!m.ok()) {
      return SaveError(absl::DataLossError(absl::StrCat(
                           "the stored snapshot metadata does not parse: ", m.status().message())),
                       err);
    }
    return fabric::capi::FillSnapshotInfo(*m, info_out, err);
  });
}

int fabric_blockfile_reader_open(fabric_blockfile_reader** out, const char* path,
                                 const char* channel, fabric_error** err) {
  return Guard(err, [&] {
    if (out == nullptr || path == nullptr) return SaveError(FABRIC_EINVAL, "out or path is NULL", err);
    *out = nullptr;
    auto r = fabric::ledger::FabricBlockFileReader::Open(path, channel == nullptr ? "" : channel);
    if (!r.ok()) return SaveError(r.status(), err);
    auto h = std::make_unique<fabric_blockfile_reader>();
    h->rep = *std::move(r);
    *out = h.release();
    return static_cast<int>(FABRIC_OK);
  });
}

int fabric_blockfile_reader_next(fabric_buf* block_out, fabric_blockfile_reader* reader,
                                 fabric_error** err) {
  return Guard(err, [&] {
    if (block_out == nullptr || reader == nullptr) {
      return SaveError(FABRIC_EINVAL, "block_out or reader is NULL", err);
    }
    auto b = reader->rep->Next();
    if (!b.ok()) return SaveError(b.status(), err);
    if (!b->has_value()) return static_cast<int>(FABRIC_ITEROVER);
    return fabric::capi::FillBuf(**b, block_out, err);
  });
}

void fabric_blockfile_reader_free(fabric_blockfile_reader* reader) { delete reader; }

}  // extern "C"
