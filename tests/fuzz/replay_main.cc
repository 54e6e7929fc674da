// A main for a fuzz target without libFuzzer: runs LLVMFuzzerTestOneInput over the
// target's seed corpus and over every file given (directories recursively), so every
// seed and every committed finding (tests/fuzz/regressions/<target>/) runs in
// `make test`. A crash or failed check aborts, which fails the test.
//
// The inputs run on a thread with a 1 MiB stack (what a host's worker threads commonly
// have, and less than a main thread's 8 MiB), so input that recurses too deep fails
// here with a small regression file.
//
//   replay --target NAME [--vectors DIR] [--no-seeds] [FILE_OR_DIR...]
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/seeds.h"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void RunOne(const std::string& input) {
  // An exact-size heap copy, so a sanitizer build sees any read past the end.
  std::unique_ptr<uint8_t[]> copy(new uint8_t[input.size() + 1]);
  memcpy(copy.get(), input.data(), input.size());
  LLVMFuzzerTestOneInput(copy.get(), input.size());
}

struct Job {
  std::string target;
  bool seeds;
  std::vector<std::string> paths;
  size_t num_seeds = 0, num_files = 0;
};

void* RunAll(void* arg) {
  Job* job = static_cast<Job*>(arg);
  if (job->seeds) {
    const std::vector<std::string> corpus = fabric::fuzz::Seeds(job->target);
    FUZZ_CHECK(!corpus.empty(), "no seeds for target %s", job->target.c_str());
    for (const std::string& s : corpus) RunOne(s);
    job->num_seeds = corpus.size();
  }
  for (const std::string& path : job->paths) {
    std::vector<std::string> files;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      files = fabric::fuzz::ListFiles(path);
    } else if (!std::filesystem::exists(path, ec)) {
      fprintf(stderr, "%s does not exist: no regressions yet\n", path.c_str());
    } else {
      files.push_back(path);
    }
    for (const std::string& f : files) {
      if (std::filesystem::path(f).filename().string().rfind("README", 0) == 0) continue;
      std::string input;
      FUZZ_CHECK(fabric::fuzz::ReadFile(f, &input), "cannot read %s", f.c_str());
      fprintf(stderr, "replay %s (%zu bytes)\n", f.c_str(), input.size());
      RunOne(input);
      ++job->num_files;
    }
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target;
  bool seeds = true;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--target" && i + 1 < argc) {
      target = argv[++i];
    } else if (arg == "--vectors" && i + 1 < argc) {
      setenv("FABRIC_FUZZ_VECTORS", argv[++i], 1);
    } else if (arg == "--no-seeds") {
      seeds = false;
    } else {
      paths.push_back(arg);
    }
  }
  if (target.empty()) {
    fprintf(stderr, "usage: %s --target NAME [--vectors DIR] [--no-seeds] [FILE_OR_DIR...]\n",
            argv[0]);
    return 2;
  }
  LLVMFuzzerInitialize(&argc, &argv);
  Job job{target, seeds, paths};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);
  pthread_t thread;
  FUZZ_CHECK(pthread_create(&thread, &attr, RunAll, &job) == 0, "pthread_create");
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  const size_t num_seeds = job.num_seeds, num_files = job.num_files;
  printf("%s: %zu seeds and %zu files ran clean\n", target.c_str(), num_seeds, num_files);
  return 0;
}
