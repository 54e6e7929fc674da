#include "lib/base/log.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace fabric::log {
namespace {

TEST(LogTest, OffUntilASinkIsSetAndFromTheMinimumLevel) {
  EXPECT_FALSE(Enabled(Level::kError));
  std::vector<std::string> got;
  SetSink(
      [&](Level level, absl::string_view component, absl::string_view message) {
        got.push_back(std::to_string(static_cast<int>(level)) + " " + std::string(component) +
                      ": " + std::string(message));
      },
      SinkOptions{Level::kWarn, false});
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kWarn));
  Write(Level::kInfo, "test", "dropped");
  Write(Level::kWarn, "test", "kept");
  Write(Level::kError, "ledger", "also kept");
  EXPECT_FALSE(RocksDbEnabled());
  SetSink(nullptr, SinkOptions{Level::kDebug, true});
  EXPECT_FALSE(Enabled(Level::kError));
  EXPECT_FALSE(RocksDbEnabled());
  Write(Level::kError, "test", "after off");
  EXPECT_EQ(got, (std::vector<std::string>{"2 test: kept", "3 ledger: also kept"}));
}

// Replacing the sink waits for calls in the old one: once SetSink returns, the old sink's
// state may go.
TEST(LogTest, SetSinkWaitsForRunningCalls) {
  absl::Mutex mu;
  int calls = 0;
  bool old_sink_gone = false;
  bool called_after_gone = false;
  SetSink(
      [&](Level, absl::string_view, absl::string_view) {
        absl::MutexLock l(&mu);
        if (old_sink_gone) called_after_gone = true;
        ++calls;
      },
      SinkOptions{Level::kDebug, false});
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([] {
      for (int i = 0; i < 2000; ++i) Write(Level::kDebug, "test", "message");
    });
  }
  SetSink(nullptr, {});
  {
    absl::MutexLock l(&mu);
    old_sink_gone = true;
  }
  for (std::thread& w : writers) w.join();
  absl::MutexLock l(&mu);
  EXPECT_FALSE(called_after_gone);
}

}  // namespace
}  // namespace fabric::log
