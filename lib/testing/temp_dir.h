// Fresh temporary directories for tests.
//
//   const std::string dir = FreshTempDir("ledger_reopen");   // exists and is empty
//
// The directory is <TEST_TMPDIR>/<name> under Bazel (which removes it after the test),
// else <the system's temporary directory>/<name>. Whatever an earlier run left there is
// removed first, so a test starts from nothing even when run twice by hand.
#ifndef FABRIC_LIB_TESTING_TEMP_DIR_H_
#define FABRIC_LIB_TESTING_TEMP_DIR_H_

#include <string>

#include "absl/strings/string_view.h"

namespace fabric::testing {

// REQUIRES: `name` is a relative path without "..". Aborts the test program if the
// directory cannot be made (a broken test environment, not a test failure).
std::string FreshTempDir(absl::string_view name);

}  // namespace fabric::testing

#endif  // FABRIC_LIB_TESTING_TEMP_DIR_H_
