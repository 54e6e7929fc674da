// For tests of code that must not recurse over its input: runs a function on a thread
// with a small stack, as a host's thread may have (1 MiB is common), so a recursion that
// grows with the input crashes the test instead of passing on the main thread's 8 MiB.
#ifndef FABRIC_LIB_TESTING_SMALL_STACK_H_
#define FABRIC_LIB_TESTING_SMALL_STACK_H_

#include <pthread.h>

#include <cstddef>
#include <cstdlib>
#include <functional>

namespace fabric::testing {

// Sanitizers grow frames severalfold; tests meant for 1 MiB get what they need there.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr size_t kStackScale = 4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr size_t kStackScale = 4;
#else
inline constexpr size_t kStackScale = 1;
#endif
#else
inline constexpr size_t kStackScale = 1;
#endif

inline constexpr size_t kSmallStack = size_t{1} << 20;

// Runs `fn` on a new thread with a stack of `bytes` (times kStackScale) and waits.
inline void RunOnSmallStack(const std::function<void()>& fn, size_t bytes = kSmallStack) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  if (pthread_attr_setstacksize(&attr, bytes * kStackScale) != 0) std::abort();
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  if (pthread_create(&thread, &attr, trampoline, const_cast<std::function<void()>*>(&fn)) != 0) {
    std::abort();
  }
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

}  // namespace fabric::testing

#endif  // FABRIC_LIB_TESTING_SMALL_STACK_H_
