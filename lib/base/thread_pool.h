// A fixed set of worker threads for the data-parallel stages of block processing.
//
//   ThreadPool pool(0);                       // 0: one thread per core
//   pool.ParallelFor(n, [&](size_t i) { ... });  // returns when all n calls returned
//   pool.Schedule([] { ... });                 // fire and forget
//
// ParallelFor runs on the workers and on the calling thread, so it makes progress even
// when every worker is busy (or when the pool has no workers: size 1 means the caller
// alone). Calls to fn may run in any order and concurrently; fn must not throw.
//
// Thread safety: all methods may be called from any thread. The destructor waits for
// scheduled work to finish.
#ifndef FABRIC_LIB_BASE_THREAD_POOL_H_
#define FABRIC_LIB_BASE_THREAD_POOL_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace fabric {

class ThreadPool {
 public:
  // `threads` is the total parallelism of ParallelFor, the caller included; 0 means
  // std::thread::hardware_concurrency().
  explicit ThreadPool(size_t threads);
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t size() const { return workers_.size() + 1; }

  // Calls fn(i) for every i in [0, n) and returns once all calls have returned.
  void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

  // Runs fn on a worker (on the caller when the pool has no workers).
  void Schedule(std::function<void()> fn);

 private:
  void WorkerLoop();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace fabric

#endif  // FABRIC_LIB_BASE_THREAD_POOL_H_
