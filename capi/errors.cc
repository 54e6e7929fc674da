// Errors, buffers and versions: the conventions every C function shares.
#include <cstdlib>
#include <cstring>

#include "capi/internal.h"

namespace fabric::capi {

int CodeOf(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kOk:
      return FABRIC_OK;
    case absl::StatusCode::kInvalidArgument:
      return FABRIC_EMALFORMED;
    case absl::StatusCode::kNotFound:
      return FABRIC_ENOTFOUND;
    case absl::StatusCode::kOutOfRange:
      return FABRIC_ITEROVER;
    case absl::StatusCode::kDataLoss:
      return FABRIC_ECORRUPT;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
      return FABRIC_ECONFLICT;
    case absl::StatusCode::kResourceExhausted:
      return FABRIC_ENOMEM;
    case absl::StatusCode::kUnimplemented:
      return FABRIC_EUNSUPPORTED;
    case absl::StatusCode::kPermissionDenied:
      return FABRIC_EDENIED;
    case absl::StatusCode::kDeadlineExceeded:
      return FABRIC_ETIMEOUT;
    default:
      return FABRIC_ERROR;
  }
}

int SaveError(int code, absl::string_view message, fabric_error** err) {
  if (err == nullptr || code == FABRIC_OK) return code;
  auto* e = static_cast<fabric_error*>(std::malloc(sizeof(fabric_error)));
  char* m = static_cast<char*>(std::malloc(message.size() + 1));
  if (e == nullptr || m == nullptr) {
    std::free(e);
    std::free(m);
    *err = nullptr;
    return code;
  }
  std::memcpy(m, message.data(), message.size());
  m[message.size()] = '\0';
  e->code = code;
  e->message = m;
  *err = e;
  return code;
}

int SaveError(const absl::Status& s, fabric_error** err) {
  return SaveError(CodeOf(s), s.message(), err);
}

int CheckStructVersion(unsigned int version, unsigned int current, const char* name,
                       fabric_error** err) {
  if (version >= 1 && version <= current) return FABRIC_OK;
  return SaveError(FABRIC_EINVAL,
                   "unknown " + std::string(name) + " version " + std::to_string(version) +
                       " (initialize it with its _INIT macro)",
                   err);
}

int FillBuf(absl::string_view bytes, fabric_buf* out, fabric_error** err) {
  auto* p = static_cast<uint8_t*>(std::malloc(bytes.size() + 1));
  if (p == nullptr) return SaveError(FABRIC_ENOMEM, "out of memory", err);
  std::memcpy(p, bytes.data(), bytes.size());
  p[bytes.size()] = '\0';
  out->data = p;
  out->size = bytes.size();
  return FABRIC_OK;
}

}  // namespace fabric::capi

extern "C" {

const char* fabric_libversion(void) { return FABRIC_VERSION; }

int fabric_libversion_number(void) { return FABRIC_VERSION_NUMBER; }

const char* fabric_fabric_version(void) { return FABRIC_FABRIC_VERSION; }

void fabric_error_free(fabric_error* err) {
  if (err == nullptr) return;
  std::free(err->message);
  std::free(err);
}

const char* fabric_error_code_name(int code) {
  switch (code) {
    case FABRIC_OK:
      return "FABRIC_OK";
    case FABRIC_ERROR:
      return "FABRIC_ERROR";
    case FABRIC_EINVAL:
      return "FABRIC_EINVAL";
    case FABRIC_EMALFORMED:
      return "FABRIC_EMALFORMED";
    case FABRIC_ENOTFOUND:
      return "FABRIC_ENOTFOUND";
    case FABRIC_ITEROVER:
      return "FABRIC_ITEROVER";
    case FABRIC_ECORRUPT:
      return "FABRIC_ECORRUPT";
    case FABRIC_ECONFLICT:
      return "FABRIC_ECONFLICT";
    case FABRIC_ENOMEM:
      return "FABRIC_ENOMEM";
    case FABRIC_EUNSUPPORTED:
      return "FABRIC_EUNSUPPORTED";
    case FABRIC_EDENIED:
      return "FABRIC_EDENIED";
    case FABRIC_ETIMEOUT:
      return "FABRIC_ETIMEOUT";
    default:
      return "FABRIC_UNKNOWN";
  }
}

void fabric_buf_dispose(fabric_buf* buf) {
  if (buf == nullptr) return;
  std::free(buf->data);
  buf->data = nullptr;
  buf->size = 0;
}

}  // extern "C"
