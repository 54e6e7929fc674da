// The one place where absl::Status becomes a C error code, and where C++ objects
// become opaque handles.
#ifndef FABRIC_CAPI_INTERNAL_H_
#define FABRIC_CAPI_INTERNAL_H_

#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fabric/fabric.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/identity/signing_identity.h"
#include "lib/ledger/history_db.h"
#include "lib/ledger/ledger.h"
#include "lib/ledger/ledger_manager.h"
#include "lib/ledger/state_db.h"
#include "lib/snapshot/metadata.h"
#include "lib/wire/block.h"

namespace fabric::endorse {
class Contract;
}  // namespace fabric::endorse
namespace fabric::channel {
class Channel;
}  // namespace fabric::channel

struct fabric_block {
  std::shared_ptr<const fabric::wire::ParsedBlock> rep;
};

struct fabric_channel_config {
  std::shared_ptr<const fabric::channelconfig::ChannelConfig> rep;
};

struct fabric_signer {
  // Shared with the endorsers and block assemblers made with it, which may outlive it.
  std::shared_ptr<const fabric::identity::SigningIdentity> rep;
};

struct fabric_ledger_manager {
  std::unique_ptr<fabric::ledger::LedgerManager> rep;
};

struct fabric_ledger {
  std::shared_ptr<fabric::ledger::Ledger> rep;
  // The ledger of a fabric_channel, which alone commits to it (fabric_ledger_commit
  // refuses).
  bool channel_owned = false;
};

// fabric_channel and fabric_block_result are defined in channel.cc, their
// only user; endorsers share the Channel through SharedChannelOf.

// Reads the range a chunk at a time (StateDb::Range, resuming at its bookmark).
struct fabric_state_iterator {
  std::shared_ptr<const fabric::ledger::Ledger> ledger;
  std::string ns;
  std::string collection;  // "" for the public state, else a collection's private values
  bool hashed = false;     // the collection's hashed state instead (key and value hashes)
  std::string end;
  size_t page_limit = 0;  // 0: no limit
  size_t loaded = 0;      // entries loaded so far, over all chunks
  fabric::ledger::RangeResult chunk;
  size_t pos = 0;  // the next entry of chunk.kvs to return
};

// Holds the whole history, read when the iterator is made.
struct fabric_history_iterator {
  std::vector<fabric::ledger::HistoryRecord> records;
  size_t pos = 0;  // the next record to return
};

namespace fabric::capi {

// The C code for a status:
//   OK -> FABRIC_OK; InvalidArgument -> FABRIC_EMALFORMED (inside, an invalid argument
//   is always bad input bytes; C-level argument errors are raised by capi/ itself);
//   NotFound -> FABRIC_ENOTFOUND; OutOfRange -> FABRIC_ITEROVER; DataLoss ->
//   FABRIC_ECORRUPT; AlreadyExists, FailedPrecondition, Aborted -> FABRIC_ECONFLICT;
//   ResourceExhausted -> FABRIC_ENOMEM; Unimplemented -> FABRIC_EUNSUPPORTED;
//   PermissionDenied -> FABRIC_EDENIED; DeadlineExceeded -> FABRIC_ETIMEOUT;
//   anything else -> FABRIC_ERROR.
int CodeOf(const absl::Status& s);

// Returns CodeOf(s) and, if `err` is not NULL and s is not OK, stores a detail in *err.
int SaveError(const absl::Status& s, fabric_error** err);

// Returns `code` with a detail message (for errors raised by capi/ itself).
int SaveError(int code, absl::string_view message, fabric_error** err);

// Runs `body` (returning a C code), turning any C++ exception into a code and detail:
// no exception ever crosses the C ABI.
template <typename Body>
int Guard(fabric_error** err, Body body) noexcept {
  if (err != nullptr) *err = nullptr;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return SaveError(FABRIC_ENOMEM, "out of memory", err);
  } catch (const std::exception& e) {
    return SaveError(FABRIC_ERROR, e.what(), err);
  } catch (...) {
    return SaveError(FABRIC_ERROR, "unexpected internal error", err);
  }
}

// `bytes, len` as a string_view (NULL with length 0 is the empty view).
inline absl::string_view View(const uint8_t* bytes, size_t len) {
  return absl::string_view(reinterpret_cast<const char*>(bytes), len);
}

// The bytes of `s`, borrowed, with their count in *len_out (if not NULL): what a C getter
// returns.
inline const uint8_t* Bytes(const std::string& s, size_t* len_out) {
  if (len_out != nullptr) *len_out = s.size();
  return reinterpret_cast<const uint8_t*>(s.data());
}

// FABRIC_OK if `version`, the layout a caller says its struct `name` has, is one this
// library fills (1 to `current`); else FABRIC_EINVAL, saying to use the _INIT macro.
int CheckStructVersion(unsigned int version, unsigned int current, const char* name,
                       fabric_error** err);

// Fills `out` with a copy of `bytes` (NUL-terminated). Returns FABRIC_ENOMEM on failure.
int FillBuf(absl::string_view bytes, fabric_buf* out, fabric_error** err);

// Fills *out (if not NULL, after checking its version) from a snapshot's metadata
// (snapshot.cc).
int FillSnapshotInfo(const snapshot::SnapshotMetadata& m, fabric_snapshot_info* out,
                     fabric_error** err);

// The Channel behind a channel handle, shared (channel.cc): an endorser keeps it.
std::shared_ptr<const channel::Channel> SharedChannelOf(const fabric_channel& channel);

// A host's C contract function as a Contract (contract.cc). `payload` is passed to
// every call.
std::shared_ptr<endorse::Contract> WrapContract(fabric_contract_fn fn, void* payload);

}  // namespace fabric::capi

#endif  // FABRIC_CAPI_INTERNAL_H_
