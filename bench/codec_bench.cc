// Parsing blocks into shared views (lib/wire), on Fabric-made blocks: the throughput
// set's 200-transaction blocks when present, and the bundled conformance blocks.
//   FABRIC_VECTORS=../shared/vectors .bazel/bin/bench/codec_bench   (after -c opt build)
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "lib/wire/block.h"
#include "lib/wire/well_formed.h"

namespace {

namespace fs = std::filesystem;

std::vector<std::string> LoadBlocks(const fs::path& dir, size_t min_bytes) {
  std::vector<fs::path> paths;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".block" && e.file_size() >= min_bytes) {
      paths.push_back(e.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    out.push_back(ss.str());
  }
  return out;
}

// Blocks of the throughput set from blocks 12 on (the 200-transaction ones).
const std::vector<std::string>& ThroughputBlocks() {
  static const std::vector<std::string> blocks = [] {
    const char* root = std::getenv("FABRIC_VECTORS");
    fs::path dir = fs::path(root ? root : "../shared/vectors") / "throughput" / "blocks";
    std::vector<std::string> all = LoadBlocks(dir, 0);
    std::vector<std::string> big;
    for (auto& b : all) {
      auto parsed = fabric::wire::ParsedBlock::Parse(b);
      if (parsed.ok() && (*parsed)->num_transactions() >= 200) big.push_back(std::move(b));
    }
    if (big.empty()) {
      std::fprintf(stderr,
                   "codec_bench: throughput vectors absent at %s (set FABRIC_VECTORS): "
                   "BM_ParseThroughputBlock is skipped\n",
                   dir.c_str());
    }
    return big;
  }();
  return blocks;
}

// The bundled conformance blocks (always present): a mix of every kind of case.
void BM_ParseConformanceBlocks(benchmark::State& state) {
  static const std::vector<std::string> blocks = LoadBlocks("tests/vectors/conformance/blocks", 0);
  if (blocks.empty()) {
    state.SkipWithError("run from the repository root (tests/vectors/conformance/blocks)");
    return;
  }
  size_t txs = 0;
  for (auto _ : state) {
    for (const std::string& b : blocks) {
      txs += (*fabric::wire::ParsedBlock::Parse(b))->num_transactions();
    }
  }
  state.counters["tx/s"] = benchmark::Counter(txs, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseConformanceBlocks)->Unit(benchmark::kMillisecond);

void BM_ParseThroughputBlock(benchmark::State& state) {
  const auto& blocks = ThroughputBlocks();
  if (blocks.empty()) {
    state.SkipWithError("throughput vectors absent (set FABRIC_VECTORS)");
    return;
  }
  size_t i = 0, txs = 0;
  for (auto _ : state) {
    auto b = fabric::wire::ParsedBlock::Parse(blocks[i++ % blocks.size()]);
    txs += (*b)->num_transactions();
  }
  state.counters["tx/s"] = benchmark::Counter(txs, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseThroughputBlock)->Unit(benchmark::kMillisecond);

void BM_WellFormedThroughputBlock(benchmark::State& state) {
  const auto& blocks = ThroughputBlocks();
  if (blocks.empty()) {
    state.SkipWithError("throughput vectors absent (set FABRIC_VECTORS)");
    return;
  }
  auto b = fabric::wire::ParsedBlock::Parse(blocks[0]);
  for (auto _ : state) {
    benchmark::DoNotOptimize(fabric::wire::CheckEnvelopesWellFormed((*b)->block().data()));
  }
  state.counters["tx/s"] = benchmark::Counter(state.iterations() * (*b)->num_transactions(),
                                              benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WellFormedThroughputBlock)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
