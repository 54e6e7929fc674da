#include "lib/base/thread_pool.h"

#include <atomic>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace fabric {
namespace {

TEST(ThreadPoolTest, ParallelForCallsEveryIndexOnce) {
  for (size_t threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    std::vector<std::atomic<int>> hits(1000);
    pool.ParallelFor(hits.size(), [&](size_t i) { hits[i].fetch_add(1); });
    for (size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i].load(), 1) << i;
  }
}

TEST(ThreadPoolTest, ParallelForOfNothingReturns) {
  ThreadPool pool(2);
  pool.ParallelFor(0, [](size_t) { ADD_FAILURE(); });
}

TEST(ThreadPoolTest, ParallelForProgressesWhileWorkersAreBusy) {
  // Declared before the pool, so it outlives the pool's workers: the one blocked here may
  // still be inside WaitForNotification when Notify returns.
  absl::Notification release;
  ThreadPool pool(2);
  pool.Schedule([&] { release.WaitForNotification(); });
  std::atomic<int> sum{0};
  // The only worker is blocked until after ParallelFor is expected to finish its share on
  // the caller; ParallelFor still completes once the worker is released.
  pool.Schedule([&] {});
  std::thread t([&] { pool.ParallelFor(10, [&](size_t i) { sum += static_cast<int>(i); }); });
  release.Notify();
  t.join();
  EXPECT_EQ(sum.load(), 45);
}

TEST(ThreadPoolTest, ScheduledWorkRunsBeforeDestruction) {
  std::atomic<int> runs{0};
  {
    ThreadPool pool(3);
    for (int i = 0; i < 100; ++i) pool.Schedule([&] { runs++; });
  }
  EXPECT_EQ(runs.load(), 100);
}

}  // namespace
}  // namespace fabric
