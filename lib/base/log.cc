#include "lib/base/log.h"

#include <atomic>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace fabric::log {
namespace {

// No level: the log is off.
constexpr int kOff = 1 << 20;

struct State {
  absl::Mutex mu;  // writers: SetSink; readers: calls into the sink
  Sink sink ABSL_GUARDED_BY(mu);
  std::atomic<int> min_level{kOff};
  std::atomic<bool> rocksdb{false};
};

State& Global() {
  static State* const state = new State();  // never destroyed: used by library threads
  return *state;
}

}  // namespace

void SetSink(Sink sink, const SinkOptions& options) {
  State& s = Global();
  absl::WriterMutexLock lock(&s.mu);
  const bool on = static_cast<bool>(sink);
  s.sink = std::move(sink);
  s.min_level.store(on ? static_cast<int>(options.min_level) : kOff);
  s.rocksdb.store(on && options.rocksdb);
}

bool Enabled(Level level) { return static_cast<int>(level) >= Global().min_level.load(); }

bool RocksDbEnabled() { return Global().rocksdb.load(); }

void Write(Level level, absl::string_view component, absl::string_view message) {
  State& s = Global();
  if (!Enabled(level)) return;
  absl::ReaderMutexLock lock(&s.mu);
  if (s.sink && static_cast<int>(level) >= s.min_level.load()) s.sink(level, component, message);
}

}  // namespace fabric::log
