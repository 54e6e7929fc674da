// What an endorser reads of its channel, and nothing more: the channel's id and current
// config, the committed state and history it simulates on, and whether a txid is
// already in a block. lib/channel's Channel implements it; a host or a test may give
// an endorser any other channel that can answer these.
//
// Thread safety: every method may be called from any thread, while blocks commit.
#ifndef FABRIC_LIB_ENDORSE_CHANNEL_VIEW_H_
#define FABRIC_LIB_ENDORSE_CHANNEL_VIEW_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/ledger/history_db.h"
#include "lib/ledger/state_db.h"

namespace fabric::endorse {

class ChannelView {
 public:
  virtual ~ChannelView() = default;

  virtual const std::string& channel_id() const = 0;
  // The config in force for the next block.
  virtual std::shared_ptr<const channelconfig::ChannelConfig> config() const = 0;
  // The committed world state and key history, as a simulation reads them.
  virtual const ledger::StateDb& state() const = 0;
  virtual const ledger::HistoryDb& history() const = 0;
  // Whether a committed block carries `txid`, valid or not (Fabric's duplicate check).
  virtual absl::StatusOr<bool> HasTransaction(absl::string_view txid) const = 0;
};

}  // namespace fabric::endorse

#endif  // FABRIC_LIB_ENDORSE_CHANNEL_VIEW_H_
