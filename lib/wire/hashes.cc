#include "lib/wire/hashes.h"

#include "absl/strings/escaping.h"
#include "lib/base/sha256.h"

namespace fabric::wire {
namespace {

constexpr uint8_t kDerInteger = 0x02;
constexpr uint8_t kDerOctetString = 0x04;
constexpr uint8_t kDerSequence = 0x30;

// Appends a DER tag and definite length.
void AppendTagLength(uint8_t tag, size_t len, std::string* out) {
  out->push_back(static_cast<char>(tag));
  if (len < 0x80) {
    out->push_back(static_cast<char>(len));
    return;
  }
  uint8_t be[sizeof(size_t)];
  int n = 0;
  for (size_t v = len; v != 0; v >>= 8) be[n++] = static_cast<uint8_t>(v);
  out->push_back(static_cast<char>(0x80 | n));
  while (n > 0) out->push_back(static_cast<char>(be[--n]));
}

// A non-negative INTEGER in minimal two's complement (0 is one zero byte; a leading
// zero byte is added when the top bit is set).
void AppendUnsignedInteger(uint64_t v, std::string* out) {
  uint8_t be[9];
  int n = 0;
  do {
    be[n++] = static_cast<uint8_t>(v);
    v >>= 8;
  } while (v != 0);
  if (be[n - 1] & 0x80) be[n++] = 0;
  AppendTagLength(kDerInteger, n, out);
  while (n > 0) out->push_back(static_cast<char>(be[--n]));
}

void AppendOctetString(absl::string_view s, std::string* out) {
  AppendTagLength(kDerOctetString, s.size(), out);
  out->append(s.data(), s.size());
}

}  // namespace

std::string BlockHeaderDer(uint64_t number, absl::string_view previous_hash,
                           absl::string_view data_hash) {
  std::string body;
  body.reserve(16 + previous_hash.size() + data_hash.size());
  AppendUnsignedInteger(number, &body);
  AppendOctetString(previous_hash, &body);
  AppendOctetString(data_hash, &body);
  std::string out;
  out.reserve(body.size() + 4);
  AppendTagLength(kDerSequence, body.size(), &out);
  out += body;
  return out;
}

std::string BlockHeaderDer(const common::BlockHeader& header) {
  return BlockHeaderDer(header.number(), header.previous_hash(), header.data_hash());
}

std::string BlockHeaderHash(const common::BlockHeader& header) {
  return Sha256(BlockHeaderDer(header));
}

std::string BlockDataHash(const common::BlockData& data) {
  Sha256Hasher h;
  for (const std::string& entry : data.data()) h.Update(entry);
  return h.Finish();
}

std::string ComputeTxId(absl::string_view nonce, absl::string_view creator) {
  return absl::BytesToHexString(Sha256Concat(nonce, creator));
}

}  // namespace fabric::wire
