// The files of a Fabric ledger snapshot (Fabric's common/ledger/snapshot): one data
// format byte, then a stream of unsigned varints and length-prefixed byte strings
// (varint(len) bytes). What the stream means is up to each file (txids, state records,
// config history, counts); the SHA-256 of the whole file goes into the snapshot's
// signable metadata.
//
//   SnapshotFileWriter w;  FABRIC_RETURN_IF_ERROR(w.Create(path, kSnapshotFileFormat));
//   w.WriteBytes(txid); ...;  absl::StatusOr<std::string> hash = w.Finish();
//
//   SnapshotFileReader r;  FABRIC_RETURN_IF_ERROR(r.Open(path, kSnapshotFileFormat));
//   absl::StatusOr<uint64_t> n = r.ReadUvarint();  absl::StatusOr<std::string> b = r.ReadBytes();
//
// A reader never trusts the file: a truncated value, a varint over 64 bits or a
// length past the end of the file is InvalidArgument naming the file and offset.
//
// Thread safety: one thread per reader or writer.
#ifndef FABRIC_LIB_SNAPSHOT_SNAPSHOT_FILE_H_
#define FABRIC_LIB_SNAPSHOT_SNAPSHOT_FILE_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/base/sha256.h"

namespace fabric::snapshot {

// The data format byte every snapshot file of Fabric 2.x starts with.
inline constexpr uint8_t kSnapshotFileFormat = 1;

class SnapshotFileWriter {
 public:
  SnapshotFileWriter() = default;
  ~SnapshotFileWriter();
  SnapshotFileWriter(const SnapshotFileWriter&) = delete;
  SnapshotFileWriter& operator=(const SnapshotFileWriter&) = delete;

  // Creates `path` (which must not exist), read-only as Fabric makes it, and writes the
  // format byte.
  absl::Status Create(const std::string& path, uint8_t format);
  absl::Status WriteUvarint(uint64_t v);
  // varint(len) bytes
  absl::Status WriteBytes(absl::string_view bytes);
  // Flushes, syncs and closes the file; returns its SHA-256.
  absl::StatusOr<std::string> Finish();

 private:
  absl::Status Append(absl::string_view bytes);

  std::string path_;
  std::FILE* file_ = nullptr;
  Sha256Hasher hash_;
};

class SnapshotFileReader {
 public:
  SnapshotFileReader() = default;
  ~SnapshotFileReader();
  SnapshotFileReader(const SnapshotFileReader&) = delete;
  SnapshotFileReader& operator=(const SnapshotFileReader&) = delete;

  // Opens `path` and checks its format byte. NotFound if it cannot be opened.
  absl::Status Open(const std::string& path, uint8_t format);
  absl::StatusOr<uint64_t> ReadUvarint();
  // A length-prefixed byte string.
  absl::StatusOr<std::string> ReadBytes();
  // Whether the whole file has been read.
  bool AtEnd();

 private:
  absl::Status Truncated(absl::string_view what) const;

  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t size_ = 0;
  uint64_t offset_ = 0;
};

}  // namespace fabric::snapshot

#endif  // FABRIC_LIB_SNAPSHOT_SNAPSHOT_FILE_H_
