// Writes the seed corpus of fuzz targets as files, for libFuzzer:
//   seedgen OUT_DIR [--vectors DIR] [TARGET...]
// writes OUT_DIR/<target>/seed-NNNN for each target (all by default).
#include <stdio.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/fuzz/seeds.h"

int main(int argc, char** argv) {
  std::string out;
  std::vector<std::string> targets;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--vectors" && i + 1 < argc) {
      setenv("FABRIC_FUZZ_VECTORS", argv[++i], 1);
    } else if (out.empty()) {
      out = arg;
    } else {
      targets.push_back(arg);
    }
  }
  if (out.empty()) {
    fprintf(stderr, "usage: %s OUT_DIR [--vectors DIR] [TARGET...]\n", argv[0]);
    return 2;
  }
  if (targets.empty()) targets = fabric::fuzz::Targets();
  for (const std::string& target : targets) {
    const std::vector<std::string> seeds = fabric::fuzz::Seeds(target);
    if (seeds.empty()) {
      fprintf(stderr, "unknown target %s\n", target.c_str());
      return 2;
    }
    const std::string dir = out + "/" + target;
    std::filesystem::create_directories(dir);
    for (size_t i = 0; i < seeds.size(); ++i) {
      char name[32];
      snprintf(name, sizeof name, "/seed-%04zu", i);
      std::ofstream f(dir + name, std::ios::binary);
      f.write(seeds[i].data(), static_cast<std::streamsize>(seeds[i].size()));
      if (!f) {
        fprintf(stderr, "cannot write %s%s\n", dir.c_str(), name);
        return 1;
      }
    }
    printf("%s: %zu seeds\n", target.c_str(), seeds.size());
  }
  return 0;
}
