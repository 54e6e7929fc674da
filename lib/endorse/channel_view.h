// What an endorser reads of its channel, and nothing more: the channel's id and current
// config, the committed state and history it simulates on, and whether a txid is
// already committed. lib/channel's Channel implements it; a host or a test may give
// an endorser any other channel that can answer these.
//
// Thread safety: every method may be called from any thread, while blocks commit.
#ifndef FABRIC_LIB_ENDORSE_CHANNEL_VIEW_H_
#define FABRIC_LIB_ENDORSE_CHANNEL_VIEW_H_

#include <memory>
#include <string>

#include "lib/channelconfig/channel_config.h"
#include "lib/ledger/ledger.h"

namespace fabric::endorse {

class ChannelView {
 public:
  virtual ~ChannelView() = default;

  virtual const std::string& channel_id() const = 0;
  // The config in force for the next block.
  virtual std::shared_ptr<const channelconfig::ChannelConfig> config() const = 0;
  // The committed ledger, for reads only: state and history to simulate on, and its
  // txid index for the duplicate check.
  virtual const ledger::Ledger& ledger() const = 0;
};

}  // namespace fabric::endorse

#endif  // FABRIC_LIB_ENDORSE_CHANNEL_VIEW_H_
