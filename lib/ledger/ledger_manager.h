// The ledgers of many channels under one root directory: <root>/ledgers/<channel id>/.
//
//   auto m = LedgerManager::Open(root, LedgerOptions());
//   auto l = (*m)->Create(genesis_bytes);       // the channel id comes from the block
//   auto l = (*m)->Get("mychannel");             // opened on first use, then shared
//   std::vector<std::string> ids = (*m)->List();
//   (*m)->Close("mychannel");                    // once no one uses it any more
//
// One directory per channel, open in one place at a time: include/fabric/fabric.h,
// "Ledger directories", says how this and a channel (channel/channel.h) share them.
//
// Thread safety: all methods may be called from any thread. A Ledger returned by Create
// or Get stays valid while the caller holds its shared_ptr, even after Close.
#ifndef FABRIC_LIB_LEDGER_LEDGER_MANAGER_H_
#define FABRIC_LIB_LEDGER_LEDGER_MANAGER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "lib/ledger/ledger.h"

namespace fabric::ledger {

class LedgerManager {
 public:
  static absl::StatusOr<std::unique_ptr<LedgerManager>> Open(std::string root,
                                                             const LedgerOptions& options);

  // Creates the ledger of the channel the genesis block configures. AlreadyExists if
  // that channel has one.
  absl::StatusOr<std::shared_ptr<Ledger>> Create(std::string genesis_block);
  // The ledger of `channel_id`, opening it if needed. NotFound if there is none.
  absl::StatusOr<std::shared_ptr<Ledger>> Get(const std::string& channel_id);
  // The channel ids that have a ledger, sorted.
  std::vector<std::string> List() const;
  // Forgets the open ledger (it closes when its last user lets go).
  void Close(const std::string& channel_id);

  const std::string& root() const { return root_; }

 private:
  LedgerManager(std::string root, LedgerOptions options)
      : root_(std::move(root)), options_(options) {}
  std::string DirOf(const std::string& channel_id) const;

  const std::string root_;
  const LedgerOptions options_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Ledger>> open_ ABSL_GUARDED_BY(mu_);
};

// Whether `id` can name a channel (Fabric's rule: [a-z][a-z0-9.-]*, under 250 bytes); it
// also keeps ledger directories inside the root.
bool IsValidChannelId(absl::string_view id);

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_LEDGER_MANAGER_H_
