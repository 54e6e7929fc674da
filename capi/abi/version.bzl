"""The one place where this library's versions are written.

Everything else is generated from here: include/fabric/version.h (the FABRIC_VERSION*
macros, which fabric_libversion returns, and FABRIC_FABRIC_VERSION, which
fabric_fabric_version returns), the soname libfabricpeer.so.<MAJOR> and the version node
FABRICPEER_<MAJOR> of the exported symbols (capi/BUILD.bazel).
"""

# This library's version, MAJOR.MINOR.PATCH. MAJOR changes when the ABI breaks
# (capi/abi/fabricpeer.abi says what the ABI is; doc/api-stability.md, the rules).
FABRIC_PEER_VERSION = "1.1.0"

# The Fabric release whose behaviour the library reproduces.
FABRIC_RELEASE = "2.5.12"

def version_parts():
    """(major, minor, patch) of FABRIC_PEER_VERSION, as ints."""
    parts = [int(p) for p in FABRIC_PEER_VERSION.split(".")]
    if len(parts) != 3:
        fail("FABRIC_PEER_VERSION must be MAJOR.MINOR.PATCH")
    return parts

def soname():
    return "libfabricpeer.so.%d" % version_parts()[0]

def version_node():
    return "FABRICPEER_%d" % version_parts()[0]

def version_header():
    """The text of include/fabric/version.h."""
    major, minor, patch = version_parts()
    return "\n".join([
        "/* Generated from capi/abi/version.bzl: do not edit. */",
        "#ifndef FABRIC_VERSION_H_",
        "#define FABRIC_VERSION_H_",
        "",
        "#define FABRIC_VERSION_MAJOR %d" % major,
        "#define FABRIC_VERSION_MINOR %d" % minor,
        "#define FABRIC_VERSION_PATCH %d" % patch,
        "#define FABRIC_VERSION \"%s\"" % FABRIC_PEER_VERSION,
        "/* MAJOR * 1000000 + MINOR * 1000 + PATCH */",
        "#define FABRIC_VERSION_NUMBER %d" % (major * 1000000 + minor * 1000 + patch),
        "/* The Fabric release whose behaviour this library reproduces. */",
        "#define FABRIC_FABRIC_VERSION \"%s\"" % FABRIC_RELEASE,
        "",
        "#endif /* FABRIC_VERSION_H_ */",
        "",
    ])

def linker_script():
    """libfabricpeer's version script: the C ABI, in one named node, and nothing else."""
    return "\n".join([
        "/* Generated from capi/abi/version.bzl: libfabricpeer exports the C ABI and nothing else. */",
        "%s {" % version_node(),
        "  global: fabric_*;",
        "  local: *;",
        "};",
        "",
    ])
