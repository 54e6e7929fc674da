// Blocks submitted to a committing peer (fabric_channel_submit) at height 3 of the
// conformance chain, with verification on and off. Whatever the block, the channel
// either commits it (height + 1, head = its header hash, reopens to the same chain) or
// leaves the ledger as it was (height, head and world state unchanged); see
// ChannelFixture::Submit.
//
// Input: byte 0 holds flags, the rest is a block:
//   bit 0: FABRIC_SUBMIT_SKIP_VERIFICATION;
//   bits 1-2: 0: the block as is;
//             1: its header rewritten to continue the chain (number = height, previous
//                hash = head, data hash over its data), so it reaches validation;
//             2: its data entries given as envelopes to a block assembler continuing
//                the chain and signed by orderer0 (so it passes verification), each
//                block the assembler cuts submitted in turn.
#include <string>
#include <vector>

#include "fabric/fabric.h"
#include "lib/wire/proto/common.pb.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using fabric::fuzz::TakeError;

fabric::fuzz::ChannelFixture* g_fixture = nullptr;
fabric_signer* g_orderer = nullptr;

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::string FixHeader(const common::Block& in) {
  common::Block block = in;
  block.mutable_header()->set_number(g_fixture->height());
  block.mutable_header()->set_previous_hash(g_fixture->Head());
  std::string bytes = block.SerializeAsString();
  fabric_block* parsed = nullptr;
  if (fabric_block_parse(&parsed, U(bytes), bytes.size(), nullptr) != FABRIC_OK) return bytes;
  uint8_t hash[FABRIC_HASH_SIZE];
  fabric_block_computed_data_hash(parsed, hash);
  fabric_block_free(parsed);
  block.mutable_header()->set_data_hash(hash, sizeof hash);
  return block.SerializeAsString();
}

void CollectBlock(const uint8_t* block, size_t len, void* payload) {
  static_cast<std::vector<std::string>*>(payload)->emplace_back(
      reinterpret_cast<const char*>(block), len);
}

std::vector<std::string> Assemble(const common::Block& in) {
  std::vector<std::string> blocks;
  const std::string last = g_fixture->LastBlock();
  fabric_block_assembler* assembler = nullptr;
  fabric_error* err = nullptr;
  fabric_batch_options opts = FABRIC_BATCH_OPTIONS_INIT;
  FUZZ_CHECK(fabric_block_assembler_create(&assembler, U(last), last.size(), g_orderer, &opts,
                                           &err) == FABRIC_OK,
             "assembler: %s", TakeError(err).c_str());
  for (const std::string& envelope : in.data().data()) {
    const size_t before = blocks.size();
    const size_t pending = fabric_block_assembler_pending(assembler);
    int rc = fabric_block_assembler_add(assembler, U(envelope), envelope.size(), CollectBlock,
                                        &blocks, &err);
    if (rc != FABRIC_OK) {
      FUZZ_CHECK(rc == FABRIC_EMALFORMED, "assembler add: %d", rc);
      FUZZ_CHECK(blocks.size() == before && fabric_block_assembler_pending(assembler) == pending,
                 "a refused envelope changed the assembler");
      fabric_error_free(err);
      err = nullptr;
    }
  }
  fabric_buf out = FABRIC_BUF_INIT;
  int rc = fabric_block_assembler_cut(&out, assembler, &err);
  if (rc == FABRIC_OK) {
    blocks.emplace_back(reinterpret_cast<const char*>(out.data), out.size);
  } else {
    FUZZ_CHECK(rc == FABRIC_ENOTFOUND, "cut: %d", rc);
    fabric_error_free(err);
  }
  fabric_buf_dispose(&out);
  fabric_block_assembler_free(assembler);
  return blocks;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_fixture = new fabric::fuzz::ChannelFixture();
  g_orderer = fabric::fuzz::OrdererSigner();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned flags = (data[0] & 1) ? FABRIC_SUBMIT_SKIP_VERIFICATION : 0;
  const int transform = (data[0] >> 1) % 3;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  g_fixture->Reset();
  common::Block block;
  if (transform == 0 || !block.ParseFromString(bytes)) {
    g_fixture->Submit(bytes, flags);
  } else if (transform == 1) {
    g_fixture->Submit(FixHeader(block), flags);
  } else {
    for (const std::string& b : Assemble(block)) {
      if (g_fixture->Submit(b, flags) != FABRIC_OK) break;
    }
  }
  return 0;
}
