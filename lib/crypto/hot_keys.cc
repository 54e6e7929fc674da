#include "lib/crypto/hot_keys.h"

#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"

namespace fabric::crypto {
namespace {

// Keys counted towards a table at once: far more than ever sign in one channel's
// hot set, so a burst of one-off keys cannot keep a hot one from its count for long.
constexpr size_t kCountedKeys = 4096;

}  // namespace

HotKeys::HotKeys(Options options)
    : options_(options), tables_(options.max_tables > 0 ? options.max_tables : 1),
      uses_(kCountedKeys) {}

HotKeys& HotKeys::Process() {
  static HotKeys* process = [] {
    Options options;
    const char* env = std::getenv("FABRIC_P256_HOT_KEYS");
    size_t n = 0;
    if (env != nullptr && absl::SimpleAtoi(env, &n)) options.max_tables = n;
    return new HotKeys(options);
  }();
  return *process;
}

std::shared_ptr<const P256KeyTable> HotKeys::Find(absl::string_view point) const {
  if (options_.max_tables == 0) return nullptr;
  std::optional<std::shared_ptr<const P256KeyTable>> t = tables_.Get(point);
  if (t.has_value()) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return *std::move(t);
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void HotKeys::NoteUse(absl::string_view point, const EC_KEY* key) {
  if (options_.max_tables == 0 || point.empty() || !P256TablesAvailable()) return;
  // Get then Put is not atomic: two threads may count one use once, or both build
  // the table; either costs only time.
  uint32_t uses = uses_.Get(point).value_or(0) + 1;
  if (uses < options_.uses_before_table) {
    uses_.Put(point, uses);
    return;
  }
  uses_.Put(point, 0);
  absl::StatusOr<std::unique_ptr<const P256KeyTable>> table = P256KeyTable::Build(key);
  if (!table.ok() || (*table)->point() != point) return;
  builds_.fetch_add(1, std::memory_order_relaxed);
  tables_.Put(point, std::shared_ptr<const P256KeyTable>(*std::move(table)));
}

HotKeys::Stats HotKeys::stats() const {
  Stats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.builds = builds_.load(std::memory_order_relaxed);
  s.tables = options_.max_tables > 0 ? tables_.size() : 0;
  s.bytes = s.tables * P256KeyTable::kBytes;
  return s;
}

}  // namespace fabric::crypto
