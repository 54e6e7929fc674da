#include "lib/base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace fabric {
namespace {

absl::Status TooLarge(const std::string& name, size_t max_bytes) {
  return absl::InvalidArgumentError(
      absl::StrCat(name, ": larger than ", max_bytes, " bytes, the most accepted"));
}

}  // namespace

absl::StatusOr<std::string> ReadFdBounded(int fd, const std::string& name, size_t max_bytes) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    return absl::DataLossError(absl::StrCat("cannot read ", name, ": ", std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": is a directory, not a file"));
  }
  std::string out;
  if (S_ISREG(st.st_mode)) {
    if (static_cast<uint64_t>(st.st_size) > max_bytes) return TooLarge(name, max_bytes);
    out.reserve(static_cast<size_t>(st.st_size));
  }
  char buf[1 << 16];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::DataLossError(absl::StrCat("cannot read ", name, ": ", std::strerror(errno)));
    }
    if (n == 0) return out;
    if (out.size() + static_cast<size_t>(n) > max_bytes) return TooLarge(name, max_bytes);
    out.append(buf, static_cast<size_t>(n));
  }
}

absl::StatusOr<std::string> ReadFileBounded(const std::string& path, size_t max_bytes) {
  int fd;
  do {
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  absl::StatusOr<std::string> bytes = ReadFdBounded(fd, path, max_bytes);
  close(fd);
  return bytes;
}

}  // namespace fabric
