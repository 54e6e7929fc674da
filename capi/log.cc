// The library's log (lib/base/log.h) through the C ABI: a host's callback as the sink.
#include "lib/base/log.h"

#include <string>

#include "capi/internal.h"

using fabric::capi::Guard;
using fabric::capi::SaveError;

extern "C" {

int fabric_log_set(fabric_log_cb cb, int min_level, unsigned int flags, void* payload,
                   fabric_error** err) {
  return Guard(err, [&] {
    if (min_level < FABRIC_LOG_DEBUG || min_level > FABRIC_LOG_ERROR) {
      return SaveError(FABRIC_EINVAL, "unknown log level " + std::to_string(min_level), err);
    }
    if ((flags & ~FABRIC_LOG_ROCKSDB) != 0) {
      return SaveError(FABRIC_EINVAL, "unknown log flags " + std::to_string(flags), err);
    }
    fabric::log::Sink sink;
    if (cb != nullptr) {
      sink = [cb, payload](fabric::log::Level level, absl::string_view component,
                           absl::string_view message) {
        const std::string c(component), m(message);
        cb(static_cast<int>(level), c.c_str(), m.c_str(), payload);
      };
    }
    fabric::log::SetSink(std::move(sink), {static_cast<fabric::log::Level>(min_level),
                                           (flags & FABRIC_LOG_ROCKSDB) != 0});
    return static_cast<int>(FABRIC_OK);
  });
}

}  // extern "C"
