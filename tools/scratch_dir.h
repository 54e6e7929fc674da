// A temporary directory, removed with everything in it when the object goes away.
#ifndef FABRIC_TOOLS_SCRATCH_DIR_H_
#define FABRIC_TOOLS_SCRATCH_DIR_H_

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

#include "absl/status/statusor.h"

namespace fabric::tools {

class ScratchDir {
 public:
  // A new directory named `prefix`-XXXXXX under the system's temporary directory.
  static absl::StatusOr<ScratchDir> Make(const std::string& prefix) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return absl::InternalError("cannot make a temporary directory: " +
                                 std::string(std::strerror(errno)));
    }
    return ScratchDir(tmpl);
  }

  ScratchDir(ScratchDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }

  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace fabric::tools

#endif  // FABRIC_TOOLS_SCRATCH_DIR_H_
