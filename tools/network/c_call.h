// The outcome of one C ABI call as an absl::Status, for the network's own code:
//
//   CCall call;
//   FABRIC_RETURN_IF_ERROR(call.Check(fabric_channel_create(&ch, dir, ..., call.err())));
//
// (Pass err() inside the call, as above: it must be evaluated before Check reads it.)
// The status carries the library's message prefixed with the code's name.
#ifndef FABRIC_TOOLS_NETWORK_C_CALL_H_
#define FABRIC_TOOLS_NETWORK_C_CALL_H_

#include <fabric/fabric.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace fabric::network {

class CCall {
 public:
  CCall() = default;
  CCall(const CCall&) = delete;
  CCall& operator=(const CCall&) = delete;
  ~CCall() { fabric_error_free(err_); }

  fabric_error** err() {
    fabric_error_free(err_);
    err_ = nullptr;
    return &err_;
  }

  // OK for FABRIC_OK; else the library's error as a status.
  absl::Status Check(int rc) const {
    if (rc == FABRIC_OK) return absl::OkStatus();
    const char* message = err_ != nullptr ? err_->message : "";
    return absl::Status(CodeOf(rc), absl::StrCat(fabric_error_code_name(rc), ": ", message));
  }

 private:
  static absl::StatusCode CodeOf(int rc) {
    switch (rc) {
      case FABRIC_EINVAL:
      case FABRIC_EMALFORMED:
        return absl::StatusCode::kInvalidArgument;
      case FABRIC_ENOTFOUND:
        return absl::StatusCode::kNotFound;
      case FABRIC_EDENIED:
        return absl::StatusCode::kPermissionDenied;
      case FABRIC_ECONFLICT:
        return absl::StatusCode::kFailedPrecondition;
      case FABRIC_ETIMEOUT:
        return absl::StatusCode::kDeadlineExceeded;
      default:
        return absl::StatusCode::kInternal;
    }
  }

  fabric_error* err_ = nullptr;
};

// The bytes of a filled fabric_buf, which it then disposes of.
inline std::string TakeBuf(fabric_buf* buf) {
  std::string bytes(reinterpret_cast<const char*>(buf->data), buf->size);
  fabric_buf_dispose(buf);
  return bytes;
}

inline const uint8_t* Bytes(const std::string& s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

}  // namespace fabric::network

#endif  // FABRIC_TOOLS_NETWORK_C_CALL_H_
