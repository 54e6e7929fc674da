// fabric: the command-line face of the library.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include <unistd.h>

#include "fabric/fabric.h"
#include "lib/base/file.h"
#include "tools/commands.h"

namespace fabric::tools {

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  if (path == "-") return ReadFdBounded(STDIN_FILENO, "standard input", kMaxMessageFile);
  return ReadFileBounded(path);
}

int Fail(const std::string& command, const std::string& message, int code) {
  std::fprintf(stderr, "fabric %s: %s\n", command.c_str(), message.c_str());
  return code;
}

bool TakeSwitch(Args* args, const std::string& name) {
  const size_t before = args->size();
  args->erase(std::remove(args->begin(), args->end(), name), args->end());
  return args->size() != before;
}

ParsedArgs ParseArgs(const Args& args, const std::vector<std::string>& known,
                     const std::vector<std::string>& multi) {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
      out.positional.push_back(a);
      continue;
    }
    std::string name = a, value;
    const size_t eq = a.find('=');
    if (eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      out.error = name + " needs a value";
      return out;
    }
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      out.error = "unknown flag " + name;
      return out;
    }
    const bool repeats = std::find(multi.begin(), multi.end(), name) != multi.end();
    if (out.has(name) && !repeats) {
      out.error = name + " given twice";
      return out;
    }
    out.flags[name].push_back(value);
  }
  return out;
}

namespace {

struct Command {
  const char* name;
  int (*run)(const Args&);
  const char* usage;
};

const Command kCommands[] = {
    {"demo", DemoCommand,
     "demo [--out DIR] [--root DIR] [--assets N] [--peers N] [--block-size N] [--threads N]\n"
     "                              run a sample network (3 orgs, 2 channels, asset transfer),\n"
     "                              check every peer agrees; --out writes it for replay"},
    {"cryptogen", CryptogenCommand,
     "cryptogen --out DIR [--orgs N] [--peers N] [--users N]\n"
     "                              crypto material for N orgs and an orderer org"},
    {"inspect", InspectCommand,
     "inspect FILE [--type NAME]  print a block (or other message) as readable JSON"},
    {"block", BlockCommand,
     "block FILE                  number, hashes, txids and parse status of a block"},
    {"chain", ChainCommand,
     "chain DIR                   check DIR/genesis.block + DIR/blocks/*.block link up"},
    {"policy", PolicyCommand,
     "policy compile DSL | show B64 | eval POLICY --config BLOCK --signer MSPID:MSPDIR...\n"
     "                              compile, print and evaluate endorsement policies"},
    {"ledger", LedgerCommand,
     "ledger info|block|tx|state|range|history|import ... --ledger PATH\n"
     "                              query a ledger (JSON), or import stored blocks (or a\n"
     "                              Fabric peer's block files)"},
    {"conformance", ConformanceCommand,
     "conformance DIR             run a vector directory from an empty ledger; compare\n"
     "                              every verdict, code, hash, block and state with Fabric's"},
    {"replay", ReplayCommand,
     "replay DIR [--ledger PATH] [--no-verify] [--threads N]\n"
     "                              verify, validate and commit a chain: DIR/genesis.block\n"
     "                              and DIR/blocks/*.block, or a Fabric peer's block files;\n"
     "                              resumes a ledger that holds some"},
    {"snapshot", SnapshotCommand,
     "snapshot create|verify|join ...\n"
     "                              ledger snapshots in Fabric's format: export one, check\n"
     "                              one, join a channel from one"},
    {"workload", WorkloadCommand,
     "workload --out DIR [--orgs N] [--endorsers K | --policy DSL] [--txs N | --blocks N]\n"
     "         [--block-size N] [--reads N] [--writes N] [--key-space N] [--value-size N]\n"
     "         [--hot-keys N] [--hot-share F] [--ranges N] [--range-size N] [--clients N]\n"
     "         [--preload-keys N] [--seed N] ...  (fabric workload --help)\n"
     "                              write a benchmark chain of a described workload"},
    {"bench", BenchCommand,
     "bench DIR [--ledger PATH] [--runs N] [--threads N] [--json]\n"
     "                              replay a chain durably; throughput per stage (parse,\n"
     "                              signatures, policies, MVCC, commit) and end to end,\n"
     "                              as ratios to the bare ECDSA_verify bound; one JSON line"},
    {"identity", IdentityCommand,
     "identity check CERT --msp ID --config BLOCK\n"
     "                              Fabric's verdict on a certificate as an MSP identity"},
};

int Usage(FILE* out) {
  std::fprintf(out, "usage: fabric <command> [args]\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %s\n", c.usage);
  std::fprintf(out, "  version                     print library and Fabric versions\n");
  return out == stdout ? 0 : 2;
}

}  // namespace
}  // namespace fabric::tools

int main(int argc, char** argv) {
  using namespace fabric::tools;
  if (argc < 2) return Usage(stderr);
  const std::string name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") return Usage(stdout);
  if (name == "version" || name == "--version") {
    std::printf("fabric-peer %s (Hyperledger Fabric %s semantics)\n", fabric_libversion(),
                fabric_fabric_version());
    return 0;
  }
  Args args(argv + 2, argv + argc);
  for (const Command& c : kCommands) {
    if (name == c.name) return c.run(args);
  }
  std::fprintf(stderr, "fabric: unknown command '%s'\n\n", name.c_str());
  return Usage(stderr);
}
