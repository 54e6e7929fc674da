#include "tools/chain_source.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "tools/commands.h"

namespace fabric::tools {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> BlockFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".block") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChainSource>> ChainSource::Open(const std::string& path,
                                                               const std::string& channel) {
  std::unique_ptr<ChainSource> s(new ChainSource());
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return absl::NotFoundError(absl::StrCat("no directory ", path));
  if (fs::is_directory(path + "/blocks", ec)) {
    s->files_ = BlockFiles(path + "/blocks");
    // The vectors' blocks/ may leave the genesis block to genesis.block.
    if (fs::exists(path + "/genesis.block", ec) &&
        (s->files_.empty() || fs::path(s->files_.front()).filename() != "000000.block")) {
      s->files_.insert(s->files_.begin(), path + "/genesis.block");
    }
  } else if (ledger::FabricBlockFileReader::Recognizes(path)) {
    auto r = ledger::FabricBlockFileReader::Open(path, channel);
    if (!r.ok()) return r.status();
    s->reader_ = *std::move(r);
    return s;
  } else {
    s->files_ = BlockFiles(path);
  }
  if (s->files_.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no blocks in ", path,
        ": expected genesis.block and blocks/*.block, *.block files, or a Fabric peer's "
        "block files (ledgersData, or a directory of blockfile_NNNNNN)"));
  }
  return s;
}

absl::Status ChainSource::Skip(uint64_t n) {
  if (reader_ == nullptr) {
    const uint64_t to = std::min<uint64_t>(files_.size(), next_ + n);
    skipped_ += to - next_;
    next_ = to;
    return absl::OkStatus();
  }
  for (uint64_t i = 0; i < n; ++i) {
    absl::StatusOr<std::optional<Block>> b = Next();
    if (!b.ok()) return b.status();
    if (!b->has_value()) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<ChainSource::Block>> ChainSource::Next() {
  if (next_ + read_ >= limit_) return std::optional<Block>();
  if (reader_ != nullptr) {
    auto b = reader_->Next();
    if (!b.ok()) return b.status();
    if (!b->has_value()) return std::optional<Block>();
    return std::optional<Block>(
        Block{**std::move(b), absl::StrCat(reader_->dir(), " (record ", read_++, ")")});
  }
  if (next_ == files_.size()) return std::optional<Block>();
  const std::string& f = files_[next_++];
  auto bytes = ReadInput(f);
  if (!bytes.ok()) return bytes.status();
  return std::optional<Block>(Block{*std::move(bytes), f});
}

}  // namespace fabric::tools
