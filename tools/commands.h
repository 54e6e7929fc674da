// The subcommands of the `fabric` CLI. Each takes the arguments after its name and
// returns the process exit code; output goes to stdout, diagnostics to stderr.
#ifndef FABRIC_TOOLS_COMMANDS_H_
#define FABRIC_TOOLS_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fabric::tools {

using Args = std::vector<std::string>;

int InspectCommand(const Args& args);  // fabric inspect FILE [--type NAME]
int BlockCommand(const Args& args);    // fabric block FILE
int ChainCommand(const Args& args);    // fabric chain DIR

// Reads a whole file; "-" reads standard input.
absl::StatusOr<std::string> ReadInput(const std::string& path);

// Prints "fabric <command>: <message>" to stderr and returns `code`.
int Fail(const std::string& command, const std::string& message, int code = 1);

}  // namespace fabric::tools

#endif  // FABRIC_TOOLS_COMMANDS_H_
