#include "tools/pvt_file.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/base/file.h"
#include "lib/wire/proto/rwset.pb.h"

namespace fabric::tools {
namespace {

uint64_t BigEndian(absl::string_view b) {
  uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

}  // namespace

absl::StatusOr<ledger::HandedPvtData> ParsePvtFile(absl::string_view bytes,
                                                   const std::string& name) {
  ledger::HandedPvtData out;
  std::optional<uint64_t> last;
  while (!bytes.empty()) {
    if (bytes.size() < 12) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": truncated record header"));
    }
    const uint64_t tx = BigEndian(bytes.substr(0, 8));
    const uint64_t len = BigEndian(bytes.substr(8, 4));
    bytes.remove_prefix(12);
    if (len > bytes.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": record of transaction ", tx, " is truncated"));
    }
    if (last.has_value() && tx <= *last) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": transaction ", tx, " after ", *last, " (not ascending)"));
    }
    std::string record(bytes.substr(0, len));
    bytes.remove_prefix(len);
    ::rwset::TxPvtReadWriteSet check;
    if (!check.ParseFromString(record)) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": the record of transaction ", tx,
                                                     " is not a rwset.TxPvtReadWriteSet"));
    }
    out[tx] = std::move(record);
    last = tx;
  }
  return out;
}

absl::StatusOr<std::optional<ledger::HandedPvtData>> ReadPvtData(const std::string& dir,
                                                                 uint64_t number) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir + "/pvtdata", ec)) return std::nullopt;
  const std::string path = absl::StrFormat("%s/pvtdata/%06d.pvt", dir, number);
  if (!std::filesystem::exists(path, ec)) return ledger::HandedPvtData();
  absl::StatusOr<std::string> bytes = ReadFileBounded(path);
  if (!bytes.ok()) return bytes.status();
  return ParsePvtFile(*bytes, path);
}

}  // namespace fabric::tools
