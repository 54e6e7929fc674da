// Early-return helpers for absl::Status and absl::StatusOr (Debian's Abseil 20220623
// has no public macros for this).
#ifndef FABRIC_LIB_BASE_STATUS_MACROS_H_
#define FABRIC_LIB_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define FABRIC_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status fabric_status_ = (expr);          \
    if (!fabric_status_.ok()) return fabric_status_; \
  } while (0)

#define FABRIC_STATUS_CONCAT_INNER_(a, b) a##b
#define FABRIC_STATUS_CONCAT_(a, b) FABRIC_STATUS_CONCAT_INNER_(a, b)

// `lhs = value of rexpr` (an absl::StatusOr<T>), or return its status.
#define FABRIC_ASSIGN_OR_RETURN(lhs, rexpr) \
  FABRIC_ASSIGN_OR_RETURN_IMPL_(FABRIC_STATUS_CONCAT_(fabric_statusor_, __LINE__), lhs, rexpr)

#define FABRIC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                  \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()

#endif  // FABRIC_LIB_BASE_STATUS_MACROS_H_
