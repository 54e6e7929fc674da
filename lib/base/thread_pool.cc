#include "lib/base/thread_pool.h"

#include <atomic>
#include <memory>
#include <utility>

#include "absl/synchronization/blocking_counter.h"

namespace fabric {

ThreadPool::ThreadPool(size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 1; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::WorkerLoop() {
  for (;;) {
    std::function<void()> job;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ThreadPool* p)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return p->stopping_ || !p->queue_.empty(); },
          this));
      if (queue_.empty()) return;  // stopping, and nothing left to run
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

void ThreadPool::Schedule(std::function<void()> fn) {
  if (workers_.empty()) return fn();
  absl::MutexLock lock(&mu_);
  queue_.push_back(std::move(fn));
}

void ThreadPool::ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  // Indices are claimed from a shared counter by the caller and by up to size()-1
  // helpers, so uneven items balance themselves.
  struct State {
    std::atomic<size_t> next{0};
  };
  auto state = std::make_shared<State>();
  auto drain = [state, n, &fn] {
    for (size_t i; (i = state->next.fetch_add(1)) < n;) fn(i);
  };
  const size_t helpers = std::min(workers_.size(), n - 1);
  absl::BlockingCounter done(static_cast<int>(helpers));
  for (size_t h = 0; h < helpers; ++h) {
    Schedule([&drain, &done] {
      drain();
      done.DecrementCount();
    });
  }
  drain();
  done.Wait();
}

}  // namespace fabric
