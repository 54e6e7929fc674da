#include "lib/base/thread_pool.h"

#include <atomic>
#include <memory>
#include <utility>

#include "absl/synchronization/mutex.h"

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

namespace {

// One ParallelFor's items: claimed from `next`, counted in `finished` once run.
struct Items {
  explicit Items(size_t count) : n(count) {}
  const size_t n;
  std::atomic<size_t> next{0};
  absl::Mutex mu;
  size_t finished ABSL_GUARDED_BY(mu) = 0;
};

// Runs items of `items` until none is left unclaimed. `fn` is called only for a claimed
// index, and the ParallelFor that owns `fn` waits for every claimed index.
void RunItems(Items& items, const std::function<void(size_t)>& fn) {
  size_t ran = 0;
  for (size_t i; (i = items.next.fetch_add(1)) < items.n;) {
    fn(i);
    ++ran;
  }
  if (ran == 0) return;
  absl::MutexLock lock(&items.mu);
  items.finished += ran;
}

}  // namespace

void ThreadPool::ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  // Indices are claimed from a shared counter by the caller and by up to size()-1
  // helpers, so uneven items balance themselves. The caller waits for the items, not
  // for the helpers: a helper still queued behind other work (another block's
  // verification, say) when the caller has run everything is not waited for; it finds
  // nothing left to claim and touches only the shared Items.
  auto items = std::make_shared<Items>(n);
  const size_t helpers = std::min(workers_.size(), n - 1);
  for (size_t h = 0; h < helpers; ++h) {
    Schedule([items, &fn] { RunItems(*items, fn); });
  }
  RunItems(*items, fn);
  absl::MutexLock lock(&items->mu);
  items->mu.Await(absl::Condition(
      +[](Items* i) ABSL_EXCLUSIVE_LOCKS_REQUIRED(i->mu) { return i->finished == i->n; },
      items.get()));
}

}  // namespace fabric
