#include "lib/snapshot/state_record.h"

#include "lib/wire/field_reader.h"

namespace fabric::snapshot {
namespace {

void PutOrderPreserving(std::string* out, uint64_t v) {
  int size = 0;
  for (uint64_t x = v; x != 0; x >>= 8) ++size;
  out->push_back(static_cast<char>(size));
  for (int i = size - 1; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

bool GetOrderPreserving(absl::string_view* in, uint64_t* v) {
  if (in->empty()) return false;
  const uint8_t size = static_cast<uint8_t>((*in)[0]);
  // Fabric decodes the size as a one-byte protobuf varint of at most 8.
  if (size > 8 || in->size() < 1u + size) return false;
  uint64_t r = 0;
  for (int i = 1; i <= size; ++i) r = (r << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(1 + size);
  *v = r;
  return true;
}

void PutBytesField(std::string* out, int number, absl::string_view bytes) {
  if (bytes.empty()) return;  // proto3: an empty field is not written
  out->push_back(static_cast<char>((number << 3) | 2));
  uint64_t n = bytes.size();
  while (n >= 0x80) {
    out->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
  out->append(bytes.data(), bytes.size());
}

}  // namespace

std::string EncodeHeight(const ledger::Version& v) {
  std::string out;
  PutOrderPreserving(&out, v.block);
  PutOrderPreserving(&out, v.tx);
  return out;
}

bool DecodeHeight(absl::string_view bytes, ledger::Version* v) {
  return GetOrderPreserving(&bytes, &v->block) && GetOrderPreserving(&bytes, &v->tx);
}

std::string EncodeStateRecord(absl::string_view key, const ledger::VersionedValue& v) {
  std::string out;
  PutBytesField(&out, 1, key);
  PutBytesField(&out, 2, v.value);
  PutBytesField(&out, 3, v.metadata);
  PutBytesField(&out, 4, EncodeHeight(v.version));
  return out;
}

absl::StatusOr<StateRecord> DecodeStateRecord(absl::string_view bytes) {
  StateRecord r;
  absl::string_view version;
  wire::FieldReader f(bytes);
  while (f.Next()) {
    if (f.wire_type() != wire::FieldReader::kBytes) continue;
    switch (f.number()) {
      case 1: r.key = std::string(f.bytes()); break;
      case 2: r.value.value = std::string(f.bytes()); break;
      case 3: r.value.metadata = std::string(f.bytes()); break;
      case 4: version = f.bytes(); break;
      default: break;
    }
  }
  if (!f.ok()) return absl::InvalidArgumentError("a state record that is not a SnapshotRecord");
  if (!DecodeHeight(version, &r.value.version)) {
    return absl::InvalidArgumentError("a state record without a valid version");
  }
  return r;
}

}  // namespace fabric::snapshot
