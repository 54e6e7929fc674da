// The library's log: messages with a level and the component that wrote them, handed to
// one process-wide sink that the host installs (the C ABI's fabric_log_set). With no
// sink, nothing is formatted and nothing is written anywhere.
//
//   if (log::Enabled(log::Level::kInfo)) {
//     log::Write(log::Level::kInfo, "channel", absl::StrCat("committed block ", n));
//   }
//
// Thread safety: every function may be called from any thread. The sink is called
// concurrently from the library's threads; SetSink waits for the calls running in the
// old sink to return, so a host may release what its sink uses once SetSink returns. A
// sink must not call SetSink.
#ifndef FABRIC_LIB_BASE_LOG_H_
#define FABRIC_LIB_BASE_LOG_H_

#include <functional>

#include "absl/strings/string_view.h"

namespace fabric::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

using Sink =
    std::function<void(Level level, absl::string_view component, absl::string_view message)>;

struct SinkOptions {
  Level min_level = Level::kInfo;
  // Also forward RocksDB's own informational log (component "rocksdb"), which is
  // otherwise discarded.
  bool rocksdb = false;
};

// Installs `sink` (an empty one turns the log off, the default).
void SetSink(Sink sink, const SinkOptions& options);

// Whether a message at `level` would reach a sink (cheap: check before formatting).
bool Enabled(Level level);
// Whether RocksDB's log is forwarded.
bool RocksDbEnabled();

void Write(Level level, absl::string_view component, absl::string_view message);

}  // namespace fabric::log

#endif  // FABRIC_LIB_BASE_LOG_H_
