#include "lib/wire/well_formed.h"

#include "absl/strings/str_format.h"

namespace fabric::wire {
namespace {

// The single-CONFIG-entry exemption, decided as Fabric's HasConfigTx does.
bool IsSingleConfigEntry(const common::BlockData& data) {
  if (data.data_size() != 1) return false;
  common::Envelope env;
  common::Payload payload;
  common::ChannelHeader ch;
  return env.ParseFromString(data.data(0)) && payload.ParseFromString(env.payload()) &&
         payload.has_header() && ch.ParseFromString(payload.header().channel_header()) &&
         ch.type() == common::CONFIG;
}

}  // namespace

bool IsCanonicalEnvelope(absl::string_view raw) {
  common::Envelope env;
  if (!env.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) return false;
  return env.SerializeAsString() == raw;
}

absl::Status CheckEnvelopesWellFormed(const common::BlockData& data) {
  if (data.data_size() == 0) return absl::InvalidArgumentError("empty block");
  if (IsSingleConfigEntry(data)) return absl::OkStatus();
  for (int i = 0; i < data.data_size(); ++i) {
    const std::string& raw = data.data(i);
    common::Envelope env;
    if (!env.ParseFromString(raw)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("transaction %d is not a common.Envelope", i));
    }
    if (env.payload().empty()) {
      return absl::InvalidArgumentError(absl::StrFormat("transaction %d has no payload", i));
    }
    if (env.signature().empty()) {
      return absl::InvalidArgumentError(absl::StrFormat("transaction %d has no signature", i));
    }
    const std::string again = env.SerializeAsString();
    if (again.size() < raw.size()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("transaction %d has %d trailing bytes", i, raw.size() - again.size()));
    }
    if (again != raw) {
      return absl::InvalidArgumentError(
          absl::StrFormat("transaction %d does not match its raw form", i));
    }
  }
  return absl::OkStatus();
}

}  // namespace fabric::wire
