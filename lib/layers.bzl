"""The layers of lib/, bottom up, and the visibility that enforces them.

A package may use the packages of the layers below its own, never one of its own layer
or above (doc/architecture.md says what each layer is for). Every lib/ package declares

    load("//lib:layers.bzl", "users_of")
    package(default_visibility = users_of("lib/<name>"))

so that a dependency on a package of the same or a higher layer fails the build.
Hosts of the library (the C ABI, the CLI, benchmarks and tests) may use every package.
"""

LAYERS = [
    ["lib/testing"],
    ["lib/base"],
    ["lib/crypto"],
    ["lib/wire/proto"],
    ["lib/wire"],
    ["lib/identity"],
    ["lib/policy"],
    ["lib/channelconfig", "lib/inspect", "lib/rwset"],
    ["lib/ledger"],
    ["lib/chaincode"],
    ["lib/endorse", "lib/snapshot", "lib/validate"],
    # The channel, above validation and endorsement; and beside it an application's side
    # (client) and an orderer's (ordering), which use nothing of the peer's but sit here
    # so that their tests can check what they make against the peer's validation.
    ["lib/channel", "lib/client", "lib/ordering"],
    ["lib/testnet"],
]

HOSTS = [
    "//bench:__pkg__",
    "//capi:__pkg__",
    "//tests:__subpackages__",
    "//tools:__subpackages__",
]

def layer_of(package):
    """The index in LAYERS of `package` ("lib/<name>"); fails for an unknown one."""
    for i, layer in enumerate(LAYERS):
        if package in layer:
            return i
    fail("%s is in no layer of //lib:layers.bzl: add it there" % package)

def users_of(package):
    """The visibility of `package`: its own package, the packages of the layers above
    it, and the hosts."""
    mine = layer_of(package)
    above = []
    for layer in LAYERS[mine + 1:]:
        above += ["//%s:__pkg__" % p for p in layer]
    return ["//%s:__pkg__" % package] + above + HOSTS
