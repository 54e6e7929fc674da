// Whether a CONFIG transaction's ConfigEnvelope is a valid next configuration of a
// channel, as Fabric 2.5's configtx validator (ValidatorImpl.Validate, which a peer's
// channel Apply runs on every CONFIG block) decides.
//
//   absl::Status s = ValidateConfigEnvelope(*current, block.tx(0).config_envelope);
//   if (s.ok()) next = ChannelConfig::FromConfig(envelope.config(), current->channel_id());
//
// The envelope is valid iff, in this order:
//   1. it has a config whose sequence is current.sequence() + 1;
//   2. last_update is an Envelope whose payload has a header, whose channel header says
//      CONFIG_UPDATE, and whose data is a ConfigUpdateEnvelope holding a ConfigUpdate
//      for current.channel_id() (the update's own channel_id; the envelope's channel
//      header and signature are not checked, as in Fabric);
//   3. every element of the update's read set exists in the current config at the
//      version the read set names;
//   4. the delta (write set elements absent from the read set or at another version
//      than it names) is not empty, and for each delta element: its new mod_policy is
//      set and made of valid names; if it is new, its version is 0; if it exists, its
//      version is the current one + 1 and the signatures of the ConfigUpdateEnvelope
//      satisfy the CURRENT element's mod_policy;
//   5. the current config with the delta laid over it, rebuilt from /Channel down,
//      equals envelope.config().channel_group() (field by field, unknown fields
//      included).
//
// Elements are keyed by kind and path, e.g. "[Value]  /Channel/Application/Org1MSP/MSP".
// A group in the delta replaces the current one together with its list of children, so
// children it no longer names are deleted. A mod_policy starting with '/' is an absolute
// policy path; any other is relative to the element's group (to the group itself for a
// group element); an empty one names no policy, so such an element cannot be changed.
// Like Fabric, when the rebuilt config has /Channel/Orderer/Capabilities, every empty
// mod_policy in it becomes "Admins" (the repair of channels made by Fabric v1.0).
//
// Names must be 1-249 characters of [A-Za-z0-9.-], neither "." nor "..". Where an
// update has several faults, Fabric reports whichever its random map order meets first;
// here elements are visited in key order, so the error is stable. Errors read like
// Fabric's: PermissionDenied when a mod_policy is not satisfied, InvalidArgument for
// every other fault.
//
// Not checked here: what Fabric's Apply checks afterwards on the new bundle (that the
// new config builds, MSP ids of existing orgs unchanged, no consensus-type change,
// sections not removed, capabilities supported).
//
// Thread safety: a pure function of its arguments.
#ifndef FABRIC_LIB_CHANNELCONFIG_CONFIG_UPDATE_H_
#define FABRIC_LIB_CHANNELCONFIG_CONFIG_UPDATE_H_

#include "absl/status/status.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/wire/proto/configtx.pb.h"

namespace fabric::channelconfig {

// OK iff `envelope` is a valid next configuration of `current` (see above).
absl::Status ValidateConfigEnvelope(const ChannelConfig& current,
                                    const common::ConfigEnvelope& envelope);

}  // namespace fabric::channelconfig

#endif  // FABRIC_LIB_CHANNELCONFIG_CONFIG_UPDATE_H_
