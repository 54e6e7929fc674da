/* Compiles the public header as strict C (see the copts in BUILD.bazel). */
#include <fabric/fabric.h>

int main(void) {
  fabric_buf buf = FABRIC_BUF_INIT;
  fabric_error_code code = FABRIC_OK;
  (void)buf;
  return (int)code + (FABRIC_HASH_SIZE == 32 ? 0 : 1);
}
