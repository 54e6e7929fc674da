// Reading a whole file as bytes, with the checks every reader of untrusted paths needs:
// a directory or other non-file is an error (not an empty read), and a file larger
// than the caller's limit is refused before it is read, not loaded whole.
//
// Thread safety: stateless.
#ifndef FABRIC_LIB_BASE_FILE_H_
#define FABRIC_LIB_BASE_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace fabric {

// The largest Fabric message worth reading: gRPC's default limit for a peer is 100 MiB.
inline constexpr size_t kMaxMessageFile = size_t{128} << 20;

// The bytes of `path`, a regular file, a pipe or a character device ("-" is not special
// here). NotFound if it cannot be opened, InvalidArgument for a directory or a file
// larger than `max_bytes`, DataLoss on a read error; each message names the path.
absl::StatusOr<std::string> ReadFileBounded(const std::string& path,
                                            size_t max_bytes = kMaxMessageFile);

// The same from an open descriptor, read until end of file; `name` is for messages.
absl::StatusOr<std::string> ReadFdBounded(int fd, const std::string& name, size_t max_bytes);

}  // namespace fabric

#endif  // FABRIC_LIB_BASE_FILE_H_
