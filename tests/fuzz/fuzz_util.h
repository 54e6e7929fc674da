// What the fuzz targets share: the conformance vectors, signers from their msp/ folders,
// temporary directories, and a channel fixture that checks the ledger's all-or-nothing
// promise after every submitted block.
//
// The vectors directory is $FABRIC_FUZZ_VECTORS (run_all.sh and the replay tests set it),
// else tests/vectors/conformance under the current directory.
//
// Thread safety: none; a fuzz target runs one input at a time.
#ifndef FABRIC_TESTS_FUZZ_FUZZ_UTIL_H_
#define FABRIC_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "fabric/fabric.h"

// Aborts with a message when `cond` is false: the fuzzer records the input.
#define FUZZ_CHECK(cond, ...)                                       \
  do {                                                              \
    if (!(cond)) ::fabric::fuzz::Fail(__FILE__, __LINE__, #cond, ::fabric::fuzz::Format(__VA_ARGS__)); \
  } while (0)

namespace fabric::fuzz {

[[noreturn]] void Fail(const char* file, int line, const char* cond, const std::string& msg);
std::string Format();
std::string Format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

std::string VectorsDir();
// A vectors file (relative to VectorsDir()); aborts if it cannot be read.
std::string ReadVector(const std::string& relative);
bool ReadFile(const std::string& path, std::string* out);
// Regular files under `dir` (recursively), sorted; empty if it does not exist.
std::vector<std::string> ListFiles(const std::string& dir);

// A signer from the vectors' msp/ tree, e.g. Signer("Org1MSP",
// "peerOrganizations/org1.example.com/users/User1@org1.example.com"). Aborts on failure.
fabric_signer* Signer(const std::string& mspid, const std::string& relative_dir);
fabric_signer* OrdererSigner();

// A fresh directory under $TMPDIR (or /tmp), removed at exit.
std::string TempDir(const std::string& tag);
void RemoveTree(const std::string& path);

// Whether `s` is valid UTF-8 (RFC 3629: shortest forms, no surrogates, at most
// U+10FFFF), which Go's protobuf requires of every string field.
bool IsUtf8(const std::string& s);

// The error's message, and the error freed.
std::string TakeError(fabric_error* err);

// A channel created once from the conformance genesis block with blocks 1 and 2 (the
// chaincode definitions and setup) committed, kept as a template directory; Reset()
// gives a fresh copy of it. Every Submit() checks: on success the height grew by one
// and the head is the block's header hash; on error the height, head and world state
// are unchanged. After a commit (and after an error that is not a plain refusal) the
// channel is closed and reopened and must show the same chain. With FABRIC_FUZZ_TRACE
// set, each submit's outcome is printed.
class ChannelFixture {
 public:
  ChannelFixture();
  ~ChannelFixture();

  // Back to the template (height 3); cheap when nothing was committed since.
  void Reset();
  fabric_channel* channel() { return channel_; }
  uint64_t height();
  // The serialized last block (for an assembler continuing the chain).
  std::string LastBlock();
  // The last block's header hash.
  std::string Head();

  // Submits and checks the ledger's promise; returns the submit's code.
  int Submit(const std::string& block, unsigned flags);
  // Whether the last block committed held a valid CONFIG transaction.
  bool last_config_updated() const { return last_config_updated_; }

 private:
  struct Snapshot {
    uint64_t height = 0;
    std::string head;
    std::string state;  // every key, value, version of the namespaces the vectors use
  };
  Snapshot Take();
  void Reopen();
  void Open();

  std::string template_dir_;
  std::string dir_;
  fabric_channel* channel_ = nullptr;
  bool dirty_ = false;
  bool last_config_updated_ = false;
  Snapshot template_snapshot_;
};

// The namespaces of the conformance vectors' world state.
const std::vector<std::string>& Namespaces();

}  // namespace fabric::fuzz

#endif  // FABRIC_TESTS_FUZZ_FUZZ_UTIL_H_
