// Config update envelopes: a CONFIG block built around fuzzed ConfigUpdate bytes,
// signed by orderer0 and submitted to a channel at height 3 of the conformance chain.
// The channel must either commit it (and then hold a new config that reopens) or leave
// the ledger untouched (see ChannelFixture::Submit).
//
// Input: byte 0 holds flags, the rest is a serialized ConfigUpdate (used as is, bytes
// and all, in the ConfigUpdateEnvelope):
//   bits 0-2: which of Admin@org1, Admin@org2, Admin@org3 sign the update;
//   bit 3: Admin@example.com (the orderer org's admin) signs too;
//   bit 4: the new config is the current one with the update's write set laid over it
//          (the config the update produces, when it is valid); else the current config
//          unchanged;
//   bit 5: FABRIC_SUBMIT_SKIP_VERIFICATION.
#include <string>
#include <vector>

#include "fabric/fabric.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/configtx.pb.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/proto_util.h"

namespace {

using fabric::fuzz::TakeError;

fabric::fuzz::ChannelFixture* g_fixture = nullptr;
fabric_signer* g_orderer = nullptr;
std::vector<fabric_signer*>* g_admins = nullptr;
common::Config* g_genesis_config = nullptr;

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::string Identity(const fabric_signer* s) {
  size_t len = 0;
  const uint8_t* id = fabric_signer_identity(s, &len);
  return std::string(reinterpret_cast<const char*>(id), len);
}

std::string Sign(const fabric_signer* s, const std::string& data) {
  fabric_buf sig = FABRIC_BUF_INIT;
  FUZZ_CHECK(fabric_signer_sign(&sig, s, U(data), data.size(), nullptr) == FABRIC_OK, "sign");
  std::string out(reinterpret_cast<const char*>(sig.data), sig.size);
  fabric_buf_dispose(&sig);
  return out;
}

template <typename Map>
void KeepOnly(Map* current, const Map& names) {
  for (auto it = current->begin(); it != current->end();) {
    it = names.count(it->first) ? std::next(it) : current->erase(it);
  }
}

// The write set laid over the current group. An element whose version differs from
// the read set's (or that the read set lacks) replaces the current one; a group so
// replaced keeps only the children the write set names; under a group left as it is,
// only existing children can change.
void Overlay(const common::ConfigGroup* read, const common::ConfigGroup& write, bool exists,
             common::ConfigGroup* current) {
  const bool replaced = !exists || read == nullptr || read->version() != write.version();
  if (replaced) {
    current->set_version(write.version());
    current->set_mod_policy(write.mod_policy());
    KeepOnly(current->mutable_values(), write.values());
    KeepOnly(current->mutable_policies(), write.policies());
    KeepOnly(current->mutable_groups(), write.groups());
  }
  auto lay = [&](const auto& written, const auto* read_map, auto* current_map) {
    for (const auto& [name, element] : written) {
      const bool present = current_map->count(name) > 0;
      if (!present && !replaced) continue;
      bool changed = true;
      if (read_map != nullptr) {
        auto r = read_map->find(name);
        changed = r == read_map->end() || r->second.version() != element.version();
      }
      if (changed || !present) (*current_map)[name] = element;
    }
  };
  lay(write.values(), read ? &read->values() : nullptr, current->mutable_values());
  lay(write.policies(), read ? &read->policies() : nullptr, current->mutable_policies());
  for (const auto& [name, group] : write.groups()) {
    const bool present = current->groups().count(name) > 0;
    if (!present && !replaced) continue;
    const common::ConfigGroup* read_child = nullptr;
    if (read != nullptr) {
      auto r = read->groups().find(name);
      if (r != read->groups().end()) read_child = &r->second;
    }
    Overlay(read_child, group, present, &(*current->mutable_groups())[name]);
  }
}

std::string ConfigBlock(const std::string& update_bytes, unsigned flags) {
  common::ConfigUpdateEnvelope update_envelope;
  update_envelope.set_config_update(update_bytes);
  for (size_t i = 0; i < g_admins->size(); ++i) {
    if (!(flags & (1u << i))) continue;
    common::SignatureHeader header;
    header.set_creator(Identity((*g_admins)[i]));
    header.set_nonce("nonce-" + std::to_string(i));
    common::ConfigSignature* sig = update_envelope.add_signatures();
    sig->set_signature_header(header.SerializeAsString());
    sig->set_signature(Sign((*g_admins)[i], sig->signature_header() + update_bytes));
  }
  common::ChannelHeader update_header;
  update_header.set_type(common::CONFIG_UPDATE);
  update_header.set_channel_id("mychannel");
  common::Payload update_payload;
  update_payload.mutable_header()->set_channel_header(update_header.SerializeAsString());
  update_payload.set_data(update_envelope.SerializeAsString());

  common::ConfigEnvelope config_envelope;
  common::Config* config = config_envelope.mutable_config();
  *config = *g_genesis_config;
  config->set_sequence(g_genesis_config->sequence() + 1);
  common::ConfigUpdate update;
  if ((flags & 0x10) && update.ParseFromString(update_bytes)) {
    Overlay(&update.read_set(), update.write_set(), true, config->mutable_channel_group());
  }
  config_envelope.mutable_last_update()->set_payload(update_payload.SerializeAsString());

  common::ChannelHeader channel_header;
  channel_header.set_type(common::CONFIG);
  channel_header.set_channel_id("mychannel");
  channel_header.mutable_timestamp()->set_seconds(1700000000);
  common::SignatureHeader signature_header;
  signature_header.set_creator(Identity(g_orderer));
  signature_header.set_nonce("orderer-nonce");
  common::Payload payload;
  payload.mutable_header()->set_channel_header(channel_header.SerializeAsString());
  payload.mutable_header()->set_signature_header(signature_header.SerializeAsString());
  payload.set_data(config_envelope.SerializeAsString());
  common::Envelope envelope;
  envelope.set_payload(payload.SerializeAsString());
  envelope.set_signature(Sign(g_orderer, envelope.payload()));
  return envelope.SerializeAsString();
}

void CollectBlock(const uint8_t* block, size_t len, void* payload) {
  static_cast<std::vector<std::string>*>(payload)->emplace_back(
      reinterpret_cast<const char*>(block), len);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_fixture = new fabric::fuzz::ChannelFixture();
  g_orderer = fabric::fuzz::OrdererSigner();
  g_admins = new std::vector<fabric_signer*>();
  for (int org = 1; org <= 3; ++org) {
    const std::string domain = "org" + std::to_string(org) + ".example.com";
    g_admins->push_back(fabric::fuzz::Signer(
        "Org" + std::to_string(org) + "MSP",
        "peerOrganizations/" + domain + "/users/Admin@" + domain));
  }
  g_admins->push_back(
      fabric::fuzz::Signer("OrdererMSP", "ordererOrganizations/example.com/users/Admin@example.com"));
  g_genesis_config =
      new common::Config(fabric::fuzz::ConfigOfBlock(fabric::fuzz::ReadVector("genesis.block")));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned flags = data[0];
  const std::string update(reinterpret_cast<const char*>(data + 1), size - 1);
  g_fixture->Reset();
  const std::string envelope = ConfigBlock(update, flags);
  const std::string last = g_fixture->LastBlock();
  fabric_block_assembler* assembler = nullptr;
  fabric_error* err = nullptr;
  FUZZ_CHECK(fabric_block_assembler_create(&assembler, U(last), last.size(), g_orderer, nullptr,
                                           &err) == FABRIC_OK,
             "assembler: %s", TakeError(err).c_str());
  std::vector<std::string> blocks;
  int rc = fabric_block_assembler_add(assembler, U(envelope), envelope.size(), CollectBlock,
                                      &blocks, &err);
  FUZZ_CHECK(rc == FABRIC_OK, "the assembler refused a CONFIG envelope: %s",
             TakeError(err).c_str());
  FUZZ_CHECK(blocks.size() == 1, "a CONFIG envelope gets a block of its own (%zu)",
             blocks.size());
  fabric_block_assembler_free(assembler);
  const unsigned submit_flags = (flags & 0x20) ? FABRIC_SUBMIT_SKIP_VERIFICATION : 0;
  if (g_fixture->Submit(blocks[0], submit_flags) == FABRIC_OK &&
      g_fixture->last_config_updated()) {
    // The channel (reopened after the commit) is at the new config's sequence.
    fabric_channel_config* config = nullptr;
    FUZZ_CHECK(fabric_channel_current_config(&config, g_fixture->channel(), &err) == FABRIC_OK,
               "config after commit: %s", TakeError(err).c_str());
    FUZZ_CHECK(fabric_channel_config_sequence(config) == g_genesis_config->sequence() + 1,
               "a committed CONFIG block did not install its config");
    fabric_channel_config_free(config);
  }
  return 0;
}
