// A one-line progress bar on stderr, drawn only when stderr is a terminal (a log gets
// nothing from it: callers print their own line per step).
//
//   ProgressBar bar;
//   bar.Start("create", 800);
//   bar.Update(120);   // redrawn at most ten times a second
//   bar.Clear();       // before printing the step's line
//
// Thread safety: one thread at a time.
#ifndef FABRIC_TOOLS_PROGRESS_H_
#define FABRIC_TOOLS_PROGRESS_H_

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace fabric::tools {

class ProgressBar {
 public:
  ProgressBar() : tty_(isatty(STDERR_FILENO)) {}

  void Start(std::string label, size_t total) {
    label_ = std::move(label);
    total_ = total;
    last_ = {};
    Update(0);
  }

  void Update(size_t done) {
    if (!tty_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done != total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const int width = 30;
    const int filled = total_ == 0 ? width : static_cast<int>(width * done / total_);
    std::fprintf(stderr, "\r%-9s [%s%s] %zu/%zu", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), done, total_);
    std::fflush(stderr);
    drawn_ = true;
  }

  void Clear() {
    if (!drawn_) return;
    std::fprintf(stderr, "\r%s\r", std::string(70, ' ').c_str());
    std::fflush(stderr);
    drawn_ = false;
  }

 private:
  const bool tty_;
  std::string label_;
  size_t total_ = 0;
  std::chrono::steady_clock::time_point last_;
  bool drawn_ = false;
};

}  // namespace fabric::tools

#endif  // FABRIC_TOOLS_PROGRESS_H_
