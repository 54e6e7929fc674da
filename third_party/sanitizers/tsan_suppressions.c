/* ThreadSanitizer reads its default suppressions from this function of the program
 * (see tsan.supp for each entry and why it is a false positive). */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
const char* __tsan_default_suppressions(void);
const char* __tsan_default_suppressions(void) {
  return
#include "third_party/sanitizers/tsan_supp.inc"
      "";
}
#endif
#endif
