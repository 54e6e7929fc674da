// fabric inspect FILE [--type NAME]
#include <cstdio>

#include "lib/inspect/json.h"
#include "tools/commands.h"

namespace fabric::tools {

int InspectCommand(const Args& args) {
  std::string file, type;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--type" && i + 1 < args.size()) {
      type = args[++i];
    } else if (args[i].rfind("--type=", 0) == 0) {
      type = args[i].substr(7);
    } else if (file.empty() && (args[i] == "-" || args[i].rfind("-", 0) != 0)) {
      file = args[i];
    } else {
      return Fail("inspect",
                  "unexpected argument '" + args[i] + "'\nusage: fabric inspect FILE [--type NAME]",
                  2);
    }
  }
  if (file.empty()) return Fail("inspect", "usage: fabric inspect FILE [--type NAME]", 2);
  auto bytes = ReadInput(file);
  if (!bytes.ok()) return Fail("inspect", std::string(bytes.status().message()));
  auto json = inspect::InspectBytes(*bytes, type);
  if (!json.ok()) return Fail("inspect", file + ": " + std::string(json.status().message()));
  std::fwrite(json->data(), 1, json->size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

}  // namespace fabric::tools
