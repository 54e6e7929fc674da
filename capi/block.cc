// Blocks through the C ABI.
#include <cstring>

#include "capi/internal.h"
#include "lib/inspect/json.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/transaction.pb.h"

using fabric::capi::Guard;
using fabric::capi::SaveError;

namespace {

int BlockParse(fabric_block** out, const uint8_t* data, size_t data_len, fabric_error** err) {
  if (out == nullptr) return SaveError(FABRIC_EINVAL, "out is NULL", err);
  *out = nullptr;
  if (data == nullptr && data_len != 0) {
    return SaveError(FABRIC_EINVAL, "data is NULL but data_len is not 0", err);
  }
  auto parsed =
      fabric::wire::ParsedBlock::Parse(std::string(reinterpret_cast<const char*>(data), data_len));
  if (!parsed.ok()) return SaveError(parsed.status(), err);
  auto b = std::make_unique<fabric_block>();
  b->rep = std::move(parsed).value();
  *out = b.release();
  return FABRIC_OK;
}

int BlockTxCheck(const fabric_block* block, size_t index, fabric_error** err) {
  if (block == nullptr) return SaveError(FABRIC_EINVAL, "block is NULL", err);
  if (index >= block->rep->num_transactions()) {
    return SaveError(FABRIC_EINVAL, "transaction index out of range", err);
  }
  const fabric::wire::TxView& tx = block->rep->tx(index);
  if (!tx.ok()) return SaveError(tx.error, err);
  for (const fabric::wire::ActionView& a : tx.actions) {
    if (!a.error.ok()) return SaveError(a.error, err);
  }
  return FABRIC_OK;
}

int BlockToJson(fabric_buf* out, const fabric_block* block, fabric_error** err) {
  if (out == nullptr || block == nullptr) {
    return SaveError(FABRIC_EINVAL, "out or block is NULL", err);
  }
  auto json = fabric::inspect::MessageJson(block->rep->block());
  if (!json.ok()) return SaveError(json.status(), err);
  return fabric::capi::FillBuf(*json, out, err);
}

int BlockLastConfig(uint64_t* out, const fabric_block* block, fabric_error** err) {
  if (out == nullptr || block == nullptr) {
    return SaveError(FABRIC_EINVAL, "out or block is NULL", err);
  }
  auto index = block->rep->LastConfigIndex();
  if (!index.ok()) return SaveError(index.status(), err);
  *out = *index;
  return FABRIC_OK;
}

int InspectJson(fabric_buf* out, const uint8_t* data, size_t data_len, const char* type_name,
                fabric_error** err) {
  if (out == nullptr) return SaveError(FABRIC_EINVAL, "out is NULL", err);
  if (data == nullptr && data_len != 0) {
    return SaveError(FABRIC_EINVAL, "data is NULL but data_len is not 0", err);
  }
  auto json = fabric::inspect::InspectBytes(
      absl::string_view(reinterpret_cast<const char*>(data), data_len),
      type_name == nullptr ? "" : type_name);
  if (!json.ok()) return SaveError(json.status(), err);
  return fabric::capi::FillBuf(*json, out, err);
}

}  // namespace

extern "C" {

int fabric_block_parse(fabric_block** out, const uint8_t* data, size_t data_len,
                       fabric_error** err) {
  return Guard(err, [&] { return BlockParse(out, data, data_len, err); });
}

void fabric_block_free(fabric_block* block) { delete block; }

uint64_t fabric_block_number(const fabric_block* block) {
  return block == nullptr ? 0 : block->rep->number();
}

void fabric_block_header_hash(const fabric_block* block, uint8_t out[FABRIC_HASH_SIZE]) {
  if (block == nullptr || out == nullptr) return;
  std::memcpy(out, block->rep->header_hash().data(), FABRIC_HASH_SIZE);
}

const uint8_t* fabric_block_previous_hash(const fabric_block* block, size_t* len_out) {
  if (block == nullptr) return nullptr;
  if (len_out != nullptr) *len_out = block->rep->previous_hash().size();
  return reinterpret_cast<const uint8_t*>(block->rep->previous_hash().data());
}

const uint8_t* fabric_block_data_hash(const fabric_block* block, size_t* len_out) {
  if (block == nullptr) return nullptr;
  if (len_out != nullptr) *len_out = block->rep->data_hash().size();
  return reinterpret_cast<const uint8_t*>(block->rep->data_hash().data());
}

void fabric_block_computed_data_hash(const fabric_block* block, uint8_t out[FABRIC_HASH_SIZE]) {
  if (block == nullptr || out == nullptr) return;
  std::memcpy(out, block->rep->computed_data_hash().data(), FABRIC_HASH_SIZE);
}

int fabric_block_commit_hash(uint8_t out[FABRIC_HASH_SIZE], const fabric_block* block) {
  if (block == nullptr || out == nullptr) return 0;
  const absl::string_view slot = block->rep->metadata(common::COMMIT_HASH);
  common::Metadata metadata;
  if (slot.empty() || !metadata.ParseFromArray(slot.data(), static_cast<int>(slot.size())) ||
      metadata.value().size() != FABRIC_HASH_SIZE) {
    return 0;
  }
  std::memcpy(out, metadata.value().data(), FABRIC_HASH_SIZE);
  return 1;
}

int fabric_block_is_config(const fabric_block* block) {
  return block != nullptr && block->rep->IsConfigBlock() ? 1 : 0;
}

int fabric_block_last_config(uint64_t* out, const fabric_block* block, fabric_error** err) {
  return Guard(err, [&] { return BlockLastConfig(out, block, err); });
}

size_t fabric_block_tx_count(const fabric_block* block) {
  return block == nullptr ? 0 : block->rep->num_transactions();
}

const char* fabric_block_txid(const fabric_block* block, size_t index) {
  if (block == nullptr || index >= block->rep->num_transactions()) return nullptr;
  return block->rep->tx(index).txid().c_str();
}

int fabric_block_tx_check(const fabric_block* block, size_t index, fabric_error** err) {
  return Guard(err, [&] { return BlockTxCheck(block, index, err); });
}

int fabric_block_to_json(fabric_buf* out, const fabric_block* block, fabric_error** err) {
  return Guard(err, [&] { return BlockToJson(out, block, err); });
}

int fabric_inspect_json(fabric_buf* out, const uint8_t* data, size_t data_len,
                        const char* type_name, fabric_error** err) {
  return Guard(err, [&] { return InspectJson(out, data, data_len, type_name, err); });
}

const char* fabric_tx_code_name(int code) {
  if (!protos::TxValidationCode_IsValid(code)) return nullptr;
  // The descriptor's names live as long as the program.
  return protos::TxValidationCode_Name(static_cast<protos::TxValidationCode>(code)).c_str();
}

}  // extern "C"
