#include "lib/ledger/ledger_manager.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"

namespace fabric::ledger {

bool IsValidChannelId(absl::string_view id) {
  if (id.empty() || id.size() >= 250 || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
}

absl::StatusOr<std::unique_ptr<LedgerManager>> LedgerManager::Open(std::string root,
                                                                   const LedgerOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(root) / "ledgers", ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create ", root, ": ", ec.message()));
  return std::unique_ptr<LedgerManager>(new LedgerManager(std::move(root), options));
}

std::string LedgerManager::DirOf(const std::string& channel_id) const {
  return (std::filesystem::path(root_) / "ledgers" / channel_id).string();
}

absl::StatusOr<std::shared_ptr<Ledger>> LedgerManager::Create(std::string genesis_block) {
  FABRIC_ASSIGN_OR_RETURN(auto genesis, wire::ParsedBlock::Parse(genesis_block));
  if (!genesis->IsConfigBlock()) {
    return absl::InvalidArgumentError("a ledger starts from a config (genesis) block");
  }
  const std::string channel = genesis->tx(0).channel_header.channel_id();
  if (!IsValidChannelId(channel)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid channel id '", channel, "'"));
  }
  absl::MutexLock lock(&mu_);
  if (open_.count(channel) != 0) {
    return absl::AlreadyExistsError(absl::StrCat("channel ", channel, " already has a ledger"));
  }
  FABRIC_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> l,
                          Ledger::Create(DirOf(channel), std::move(genesis_block), options_));
  std::shared_ptr<Ledger> shared = std::move(l);
  open_[channel] = shared;
  return shared;
}

absl::StatusOr<std::shared_ptr<Ledger>> LedgerManager::Get(const std::string& channel_id) {
  if (!IsValidChannelId(channel_id)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid channel id '", channel_id, "'"));
  }
  absl::MutexLock lock(&mu_);
  if (auto it = open_.find(channel_id); it != open_.end()) return it->second;
  FABRIC_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> l, Ledger::Open(DirOf(channel_id), options_));
  std::shared_ptr<Ledger> shared = std::move(l);
  open_[channel_id] = shared;
  return shared;
}

std::vector<std::string> LedgerManager::List() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(root_) / "ledgers", ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && IsValidChannelId(name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void LedgerManager::Close(const std::string& channel_id) {
  absl::MutexLock lock(&mu_);
  open_.erase(channel_id);
}

}  // namespace fabric::ledger
