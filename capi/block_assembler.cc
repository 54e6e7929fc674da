// The block assembler (what an orderer does to cut and sign blocks) through the C ABI.
#include "lib/ordering/block_assembler.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "capi/internal.h"

using fabric::capi::FillBuf;
using fabric::capi::Guard;
using fabric::capi::SaveError;
using fabric::capi::View;
using fabric::ordering::BatchOptions;
using fabric::ordering::BlockAssembler;

struct fabric_block_assembler {
  std::unique_ptr<BlockAssembler> rep;
};

namespace {

int ReadOptions(const fabric_batch_options* o, BatchOptions* out, fabric_error** err) {
  if (o == nullptr) return FABRIC_OK;
  if (o->version == 0 || o->version > FABRIC_BATCH_OPTIONS_VERSION) {
    return SaveError(FABRIC_EINVAL,
                     "unknown fabric_batch_options version " + std::to_string(o->version), err);
  }
  if (o->max_message_count == 0 || o->preferred_max_bytes == 0 || o->timeout_ms == 0) {
    return SaveError(FABRIC_EINVAL,
                     "fabric_batch_options: max_message_count, preferred_max_bytes and "
                     "timeout_ms must be greater than 0",
                     err);
  }
  out->max_message_count = o->max_message_count;
  out->preferred_max_bytes = o->preferred_max_bytes;
  // Beyond ~146 million years: never.
  out->timeout = o->timeout_ms >= (uint64_t{1} << 62)
                     ? absl::InfiniteDuration()
                     : absl::Milliseconds(static_cast<int64_t>(o->timeout_ms));
  return FABRIC_OK;
}

int Create(fabric_block_assembler** out, const uint8_t* last_block, size_t last_block_len,
           const fabric_signer* orderer, const fabric_batch_options* options, fabric_error** err) {
  if (out == nullptr) return SaveError(FABRIC_EINVAL, "out is NULL", err);
  *out = nullptr;
  if (orderer == nullptr || (last_block == nullptr && last_block_len != 0)) {
    return SaveError(FABRIC_EINVAL, "orderer or last_block is NULL", err);
  }
  BatchOptions o;
  if (int rc = ReadOptions(options, &o, err); rc != FABRIC_OK) return rc;
  auto a = BlockAssembler::Create(View(last_block, last_block_len), orderer->rep, o);
  if (!a.ok()) return SaveError(a.status(), err);
  auto h = std::make_unique<fabric_block_assembler>();
  h->rep = *std::move(a);
  *out = h.release();
  return FABRIC_OK;
}

int Add(fabric_block_assembler* a, const uint8_t* envelope, size_t envelope_len, fabric_block_cb cb,
        void* payload, fabric_error** err) {
  if (a == nullptr || cb == nullptr || (envelope == nullptr && envelope_len != 0)) {
    return SaveError(FABRIC_EINVAL, "assembler, envelope or cb is NULL", err);
  }
  absl::StatusOr<std::vector<std::string>> blocks =
      a->rep->Add(std::string(View(envelope, envelope_len)));
  if (!blocks.ok()) return SaveError(blocks.status(), err);
  for (const std::string& b : *blocks) {
    cb(reinterpret_cast<const uint8_t*>(b.data()), b.size(), payload);
  }
  return FABRIC_OK;
}

// Cuts the pending batch now, or when due if `tick`, into out.
int Cut(fabric_buf* out, fabric_block_assembler* a, bool tick, fabric_error** err) {
  if (out == nullptr || a == nullptr)
    return SaveError(FABRIC_EINVAL, "out or assembler is NULL", err);
  absl::StatusOr<std::optional<std::string>> block =
      tick ? a->rep->Tick(absl::Now()) : a->rep->Cut();
  if (!block.ok()) return SaveError(block.status(), err);
  if (!block->has_value()) {
    return SaveError(FABRIC_ENOTFOUND, tick ? "no batch is due" : "no envelope is pending", err);
  }
  return FillBuf(**block, out, err);
}

}  // namespace

extern "C" {

int fabric_batch_options_init(fabric_batch_options* opts, unsigned int version) {
  if (opts == nullptr || version == 0 || version > FABRIC_BATCH_OPTIONS_VERSION) {
    return FABRIC_EINVAL;
  }
  *opts = fabric_batch_options FABRIC_BATCH_OPTIONS_INIT;
  return FABRIC_OK;
}

int fabric_block_assembler_create(fabric_block_assembler** out, const uint8_t* last_block,
                                  size_t last_block_len, const fabric_signer* orderer,
                                  const fabric_batch_options* options, fabric_error** err) {
  return Guard(err, [&] { return Create(out, last_block, last_block_len, orderer, options, err); });
}

void fabric_block_assembler_free(fabric_block_assembler* assembler) { delete assembler; }

int fabric_block_assembler_add(fabric_block_assembler* assembler, const uint8_t* envelope,
                               size_t envelope_len, fabric_block_cb cb, void* payload,
                               fabric_error** err) {
  return Guard(err, [&] { return Add(assembler, envelope, envelope_len, cb, payload, err); });
}

int fabric_block_assembler_cut(fabric_buf* out, fabric_block_assembler* assembler,
                               fabric_error** err) {
  return Guard(err, [&] { return Cut(out, assembler, false, err); });
}

int fabric_block_assembler_tick(fabric_buf* out, fabric_block_assembler* assembler,
                                fabric_error** err) {
  return Guard(err, [&] { return Cut(out, assembler, true, err); });
}

uint64_t fabric_block_assembler_next_number(const fabric_block_assembler* assembler) {
  return assembler == nullptr ? 0 : assembler->rep->next_number();
}

size_t fabric_block_assembler_pending(const fabric_block_assembler* assembler) {
  return assembler == nullptr ? 0 : assembler->rep->pending();
}

}  // extern "C"
