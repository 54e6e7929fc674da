#include "lib/base/sha256.h"

#include <openssl/sha.h>

namespace fabric {
namespace {

static_assert(sizeof(SHA256_CTX) <= 128, "Sha256Hasher::state_ too small");

SHA256_CTX* Ctx(unsigned char* state) { return reinterpret_cast<SHA256_CTX*>(state); }

}  // namespace

std::string Sha256(absl::string_view data) {
  std::string out(kSha256Size, '\0');
  SHA256(reinterpret_cast<const uint8_t*>(data.data()), data.size(),
         reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

std::string Sha256Concat(absl::string_view a, absl::string_view b) {
  Sha256Hasher h;
  h.Update(a);
  h.Update(b);
  return h.Finish();
}

Sha256Hasher::Sha256Hasher() { SHA256_Init(Ctx(state_)); }

void Sha256Hasher::Update(absl::string_view data) {
  SHA256_Update(Ctx(state_), data.data(), data.size());
}

std::string Sha256Hasher::Finish() {
  std::string out(kSha256Size, '\0');
  SHA256_Final(reinterpret_cast<uint8_t*>(out.data()), Ctx(state_));
  return out;
}

}  // namespace fabric
