#include "tests/fuzz/fuzz_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fabric::fuzz {

namespace fs = std::filesystem;

void Fail(const char* file, int line, const char* cond, const std::string& msg) {
  fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", file, line, cond, msg.c_str());
  fflush(stderr);
  abort();
}

std::string Format() { return ""; }

std::string Format(const char* fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

std::string VectorsDir() {
  const char* env = getenv("FABRIC_FUZZ_VECTORS");
  if (env != nullptr && *env != '\0') return env;
  return "tests/vectors/conformance";
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

std::string ReadVector(const std::string& relative) {
  std::string out;
  const std::string path = VectorsDir() + "/" + relative;
  FUZZ_CHECK(ReadFile(path, &out), "cannot read %s (set FABRIC_FUZZ_VECTORS)", path.c_str());
  return out;
}

std::vector<std::string> ListFiles(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool IsUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned c = b(i);
    size_t n;
    unsigned cp, min;
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; min = 0x10000; }
    else return false;
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (b(i + k) & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

std::string TakeError(fabric_error* err) {
  std::string msg = err == nullptr ? "" : err->message;
  fabric_error_free(err);
  return msg;
}

fabric_signer* Signer(const std::string& mspid, const std::string& relative_dir) {
  const std::string name = fs::path(relative_dir).filename().string();
  const std::string dir = "msp/" + relative_dir + "/msp/";
  const std::string cert = ReadVector(dir + "signcerts/" + name + "-cert.pem");
  const std::string key = ReadVector(dir + "keystore/priv_sk");
  fabric_signer* s = nullptr;
  fabric_error* err = nullptr;
  int rc = fabric_signer_load(&s, mspid.c_str(), reinterpret_cast<const uint8_t*>(cert.data()),
                              cert.size(), reinterpret_cast<const uint8_t*>(key.data()),
                              key.size(), &err);
  FUZZ_CHECK(rc == FABRIC_OK, "signer %s: %s", relative_dir.c_str(), TakeError(err).c_str());
  return s;
}

fabric_signer* OrdererSigner() {
  return Signer("OrdererMSP", "ordererOrganizations/example.com/orderers/orderer0.example.com");
}

namespace {
std::vector<std::string>* temp_dirs() {
  static auto* dirs = new std::vector<std::string>();
  return dirs;
}
void RemoveTempDirs() {
  for (const std::string& d : *temp_dirs()) RemoveTree(d);
}
}  // namespace

void RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

std::string TempDir(const std::string& tag) {
  const char* tmp = getenv("TEST_TMPDIR");
  if (tmp == nullptr || *tmp == '\0') tmp = getenv("TMPDIR");
  if (tmp == nullptr || *tmp == '\0') tmp = "/tmp";
  std::string templ = std::string(tmp) + "/fabric-fuzz-" + tag + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  FUZZ_CHECK(mkdtemp(buf.data()) != nullptr, "mkdtemp %s", templ.c_str());
  if (temp_dirs()->empty()) atexit(RemoveTempDirs);
  temp_dirs()->push_back(buf.data());
  return buf.data();
}

const std::vector<std::string>& Namespaces() {
  static const auto* ns = new std::vector<std::string>{
      "", "_lifecycle", "lscc", "cc_or", "cc_and", "cc_2of3", "cc_meta", "cc_nested", "cc_never"};
  return *ns;
}

// ---- ChannelFixture ----

ChannelFixture::ChannelFixture() {
  template_dir_ = TempDir("template") + "/channel";
  dir_ = TempDir("channel") + "/channel";
  const std::string genesis = ReadVector("genesis.block");
  fabric_channel_options opts = FABRIC_CHANNEL_OPTIONS_INIT;
  opts.threads = 1;
  fabric_error* err = nullptr;
  int rc = fabric_channel_create(&channel_, template_dir_.c_str(),
                                 reinterpret_cast<const uint8_t*>(genesis.data()),
                                 genesis.size(), &opts, &err);
  FUZZ_CHECK(rc == FABRIC_OK, "create: %s", TakeError(err).c_str());
  for (const char* b : {"blocks/000001.block", "blocks/000002.block"}) {
    const std::string block = ReadVector(b);
    rc = fabric_channel_submit(nullptr, channel_, reinterpret_cast<const uint8_t*>(block.data()),
                               block.size(), 0, &err);
    FUZZ_CHECK(rc == FABRIC_OK, "%s: %s", b, TakeError(err).c_str());
  }
  template_snapshot_ = Take();
  FUZZ_CHECK(template_snapshot_.height == 3, "template height %llu",
             static_cast<unsigned long long>(template_snapshot_.height));
  fabric_channel_free(channel_);
  channel_ = nullptr;
  dirty_ = true;
  Reset();
}

ChannelFixture::~ChannelFixture() { fabric_channel_free(channel_); }

void ChannelFixture::Open() {
  fabric_channel_options opts = FABRIC_CHANNEL_OPTIONS_INIT;
  opts.threads = 1;
  fabric_error* err = nullptr;
  int rc = fabric_channel_open(&channel_, dir_.c_str(), &opts, &err);
  FUZZ_CHECK(rc == FABRIC_OK, "open %s: %s", dir_.c_str(), TakeError(err).c_str());
}

void ChannelFixture::Reset() {
  if (!dirty_) return;
  fabric_channel_free(channel_);
  channel_ = nullptr;
  RemoveTree(dir_);
  std::error_code ec;
  fs::copy(template_dir_, dir_, fs::copy_options::recursive, ec);
  FUZZ_CHECK(!ec, "copy template: %s", ec.message().c_str());
  Open();
  dirty_ = false;
}

ChannelFixture::Snapshot ChannelFixture::Take() {
  Snapshot s;
  fabric_ledger* ledger = nullptr;
  fabric_error* err = nullptr;
  int rc = fabric_channel_ledger(&ledger, channel_, &err);
  FUZZ_CHECK(rc == FABRIC_OK, "ledger: %s", TakeError(err).c_str());
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  rc = fabric_ledger_chain_info(&info, ledger, &err);
  FUZZ_CHECK(rc == FABRIC_OK, "chain info: %s", TakeError(err).c_str());
  s.height = info.height;
  s.head.assign(reinterpret_cast<const char*>(info.current_hash), FABRIC_HASH_SIZE);
  for (const std::string& ns : Namespaces()) {
    fabric_state_iterator* it = nullptr;
    rc = fabric_state_iterator_new(&it, ledger, ns.c_str(), nullptr, 0, nullptr, 0, 0, &err);
    FUZZ_CHECK(rc == FABRIC_OK, "iterator %s: %s", ns.c_str(), TakeError(err).c_str());
    for (;;) {
      const uint8_t *key, *value;
      size_t key_len, value_len;
      fabric_key_version version = FABRIC_KEY_VERSION_INIT;
      rc = fabric_state_iterator_next(&key, &key_len, &value, &value_len, &version, it, &err);
      if (rc == FABRIC_ITEROVER) break;
      FUZZ_CHECK(rc == FABRIC_OK, "next %s: %s", ns.c_str(), TakeError(err).c_str());
      s.state += ns + '\0' + std::to_string(key_len) + ':';
      s.state.append(reinterpret_cast<const char*>(key), key_len);
      s.state += std::to_string(value_len) + ':';
      s.state.append(reinterpret_cast<const char*>(value), value_len);
      s.state += std::to_string(version.block) + '.' + std::to_string(version.tx) + ';';
    }
    fabric_state_iterator_free(it);
  }
  fabric_ledger_free(ledger);
  return s;
}

uint64_t ChannelFixture::height() { return Take().height; }

std::string ChannelFixture::Head() { return Take().head; }

std::string ChannelFixture::LastBlock() {
  fabric_ledger* ledger = nullptr;
  fabric_error* err = nullptr;
  int rc = fabric_channel_ledger(&ledger, channel_, &err);
  FUZZ_CHECK(rc == FABRIC_OK, "ledger: %s", TakeError(err).c_str());
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  rc = fabric_ledger_chain_info(&info, ledger, &err);
  FUZZ_CHECK(rc == FABRIC_OK, "chain info: %s", TakeError(err).c_str());
  fabric_buf buf = FABRIC_BUF_INIT;
  rc = fabric_ledger_block_by_number(&buf, ledger, info.height - 1, &err);
  FUZZ_CHECK(rc == FABRIC_OK, "last block: %s", TakeError(err).c_str());
  std::string out(reinterpret_cast<const char*>(buf.data), buf.size);
  fabric_buf_dispose(&buf);
  fabric_ledger_free(ledger);
  return out;
}

void ChannelFixture::Reopen() {
  fabric_channel_free(channel_);
  channel_ = nullptr;
  Open();
}

int ChannelFixture::Submit(const std::string& block, unsigned flags) {
  const Snapshot before = dirty_ ? Take() : template_snapshot_;
  fabric_block_result* result = nullptr;
  fabric_error* err = nullptr;
  const int rc = fabric_channel_submit(&result, channel_,
                                       reinterpret_cast<const uint8_t*>(block.data()),
                                       block.size(), flags, &err);
  if (getenv("FABRIC_FUZZ_TRACE") != nullptr) {  // what each submit did, for seed work
    fprintf(stderr, "submit at height %llu: %d %s\n",
            static_cast<unsigned long long>(before.height), rc,
            rc == FABRIC_OK ? (fabric_block_result_config_updated(result) ? "config updated" : "")
                            : (err != nullptr ? err->message : "(no detail)"));
  }
  if (rc == FABRIC_OK) {
    FUZZ_CHECK(result != nullptr, "no result");
    FUZZ_CHECK(err == nullptr, "error set on success");
    const Snapshot after = Take();
    FUZZ_CHECK(after.height == before.height + 1, "committed, height %llu -> %llu",
               static_cast<unsigned long long>(before.height),
               static_cast<unsigned long long>(after.height));
    FUZZ_CHECK(fabric_block_result_number(result) == before.height, "result number");
    uint8_t hash[FABRIC_HASH_SIZE];
    fabric_block_result_header_hash(result, hash);
    FUZZ_CHECK(after.head == std::string(reinterpret_cast<const char*>(hash), sizeof hash),
               "head is not the committed block's header hash");
    for (size_t i = 0; i < fabric_block_result_tx_count(result); ++i) {
      const fabric_tx_result* tx = fabric_block_result_tx(result, i);
      FUZZ_CHECK(tx != nullptr && tx->txid != nullptr && tx->reason != nullptr, "tx %zu", i);
    }
    FUZZ_CHECK(fabric_block_result_tx(result, fabric_block_result_tx_count(result)) == nullptr,
               "tx past the end");
    last_config_updated_ = fabric_block_result_config_updated(result) == 1;
    fabric_block_result_free(result);
    Reopen();
    const Snapshot reopened = Take();
    FUZZ_CHECK(reopened.height == after.height && reopened.head == after.head &&
                   reopened.state == after.state,
               "reopened channel differs from the committed one");
    dirty_ = true;
    return rc;
  }
  FUZZ_CHECK(result == nullptr, "result set on error %d", rc);
  const std::string msg = TakeError(err);
  FUZZ_CHECK(rc < 0, "code %d", rc);
  const Snapshot after = Take();
  FUZZ_CHECK(after.height == before.height, "rejected (%d: %s) but height %llu -> %llu", rc,
             msg.c_str(), static_cast<unsigned long long>(before.height),
             static_cast<unsigned long long>(after.height));
  FUZZ_CHECK(after.head == before.head, "rejected (%d: %s) but the head moved", rc, msg.c_str());
  FUZZ_CHECK(after.state == before.state, "rejected (%d: %s) but the state changed", rc,
             msg.c_str());
  const bool refusal = rc == FABRIC_EMALFORMED || rc == FABRIC_EDENIED ||
                       rc == FABRIC_ECONFLICT || rc == FABRIC_EINVAL;
  if (!refusal) {
    // The block could not be validated or committed: the ledger must still reopen to
    // the same chain.
    Reopen();
    const Snapshot reopened = Take();
    FUZZ_CHECK(reopened.height == before.height && reopened.head == before.head &&
                   reopened.state == before.state,
               "after error %d (%s) the reopened channel differs", rc, msg.c_str());
  }
  return rc;
}

}  // namespace fabric::fuzz
