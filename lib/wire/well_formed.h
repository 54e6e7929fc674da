// The structural check a peer runs on every block from the ordering service before it
// trusts the data hash: each entry is an Envelope with a payload and a signature that
// re-marshals to exactly its own bytes. Because the data hash covers the entries
// concatenated without lengths, this is what stops transaction boundaries from being
// shifted under one hash (CVE-2023-46132). A block of a single CONFIG entry is exempt.
#ifndef FABRIC_LIB_WIRE_WELL_FORMED_H_
#define FABRIC_LIB_WIRE_WELL_FORMED_H_

#include "absl/status/status.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::wire {

// OK, or InvalidArgument naming the first entry that is not well formed and why.
absl::Status CheckEnvelopesWellFormed(const common::BlockData& data);

// True if `raw` parses as an Envelope and serializes back to exactly `raw`.
bool IsCanonicalEnvelope(absl::string_view raw);

}  // namespace fabric::wire

#endif  // FABRIC_LIB_WIRE_WELL_FORMED_H_
