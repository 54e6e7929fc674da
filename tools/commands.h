// The subcommands of the `fabric` CLI. Each takes the arguments after its name and
// returns the process exit code; output goes to stdout, diagnostics to stderr.
#ifndef FABRIC_TOOLS_COMMANDS_H_
#define FABRIC_TOOLS_COMMANDS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fabric::tools {

using Args = std::vector<std::string>;

int InspectCommand(const Args& args);      // fabric inspect FILE [--type NAME]
int BlockCommand(const Args& args);        // fabric block FILE
int ChainCommand(const Args& args);        // fabric chain DIR
int PolicyCommand(const Args& args);       // fabric policy compile|show|eval ...
int IdentityCommand(const Args& args);     // fabric identity check CERT --msp ID --config BLOCK
int LedgerCommand(const Args& args);       // fabric ledger info|block|tx|state|range|history|import
int ConformanceCommand(const Args& args);  // fabric conformance DIR
int ReplayCommand(
    const Args& args);  // fabric replay DIR [--ledger PATH] [--no-verify] [--threads N]
int SnapshotCommand(const Args& args);  // fabric snapshot create|verify|join ...
int CryptogenCommand(const Args& args);  // fabric cryptogen --out DIR [--orgs N] ...
int DemoCommand(const Args& args);       // fabric demo [--out DIR] [--assets N] ...
int WorkloadCommand(const Args& args);   // fabric workload --out DIR [options]
int BenchCommand(const Args& args);      // fabric bench DIR [--ledger PATH] [--runs N] [--json]

// Command-line words split into flags ("--name value", or "--name=value") and the rest.
// Flags named in `multi` may repeat; every other flag may appear once.
struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> flags;
  std::string error;  // non-empty if the words do not fit

  bool has(const std::string& name) const { return flags.count(name) > 0; }
  const std::string& get(const std::string& name) const { return flags.at(name).front(); }
};
ParsedArgs ParseArgs(const Args& args, const std::vector<std::string>& known,
                     const std::vector<std::string>& multi = {});

// Removes every `name` (a switch, which takes no value) from `args`; whether there was one.
bool TakeSwitch(Args* args, const std::string& name);

// Reads a whole file; "-" reads standard input.
absl::StatusOr<std::string> ReadInput(const std::string& path);

// Prints "fabric <command>: <message>" to stderr and returns `code`.
int Fail(const std::string& command, const std::string& message, int code = 1);

}  // namespace fabric::tools

#endif  // FABRIC_TOOLS_COMMANDS_H_
