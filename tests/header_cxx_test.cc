// Compiles the public header as strict C++ (see the copts in BUILD.bazel).
#include <fabric/fabric.h>

int main() {
  fabric_buf buf = FABRIC_BUF_INIT;
  (void)buf;
  return FABRIC_OK;
}
