#include "lib/rwset/write_ops.h"

#include "lib/base/sha256.h"

namespace fabric::rwset {

KeyOutcome OutcomeOf(uint8_t flags) {
  if ((flags & kDelete) == kDelete) return KeyOutcome::kDelete;
  const bool upsert = (flags & kUpsert) == kUpsert;
  if (upsert && (flags & (kMetadataUpdate | kMetadataDelete)) != 0) {
    return KeyOutcome::kValueAndMetadata;
  }
  if ((flags | kUpsert) == kUpsert) return KeyOutcome::kValueKeepMetadata;
  return KeyOutcome::kMetadataOnly;
}

bool IsHashedDelete(const kvrwset::KVWriteHash& w) {
  static const std::string* const kHashOfEmpty = new std::string(Sha256(""));
  return w.is_delete() || w.value_hash().empty() || w.value_hash() == *kHashOfEmpty;
}

}  // namespace fabric::rwset
