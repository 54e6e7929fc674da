"""@absl_source: Debian's Abseil source (fetch_debian_source.sh), built by Bazel.

Only --config=tsan selects it (//third_party:absl): ThreadSanitizer must see Abseil's
Mutex/Notification/CondVar, which Debian's libabsl_*.so were not compiled to show.
The repository holds symlinks to the sources and headers only (none of the tarball's
BUILD files, so one package globs them all) plus abseil.BUILD.
"""

def _absl_source_impl(rctx):
    pin = {}
    for line in rctx.read(rctx.attr.pin).splitlines():
        words = line.split(" ")
        if len(words) == 2 and words[0] in ("package", "version"):
            pin[words[0]] = words[1]
    want = "%s %s" % (pin["package"], pin["version"])

    workspace = rctx.path(Label("//:WORKSPACE")).dirname
    src = rctx.path("%s/%s" % (workspace, rctx.attr.path))
    stamp = src.get_child(".debian_source")
    have = rctx.read(stamp).strip() if stamp.exists else "nothing"
    rctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % rctx.name)
    if have != want:
        # Not fail(): fetching must not break builds that never select this repository.
        msg = ("%s holds %s, expected %s. Run scripts/setup.sh (or " +
               "third_party/fetch_debian_source.sh third_party/abseil).") % (src, have, want)
        rctx.file("BUILD.bazel", """\
genrule(
    name = "missing",
    outs = ["missing.h"],
    cmd = "echo {msg} >&2; exit 1",
)
cc_library(name = "absl", hdrs = [":missing.h"], visibility = ["//visibility:public"])
""".format(msg = repr(msg).replace("\"", "'")))
        return

    found = rctx.execute(
        ["find", "absl", "-type", "f", "(", "-name", "*.h", "-o", "-name", "*.inc", "-o",
         "-name", "*.cc", ")"],
        working_directory = str(src),
    )
    if found.return_code != 0:
        fail("find in %s failed: %s" % (src, found.stderr))
    for f in found.stdout.splitlines():
        rctx.symlink(rctx.path("%s/%s" % (src, f)), f)
    rctx.symlink(rctx.attr.build_file, "BUILD.bazel")

absl_source = repository_rule(
    implementation = _absl_source_impl,
    attrs = {
        "path": attr.string(mandatory = True, doc = "workspace-relative dir written by fetch_debian_source.sh"),
        "pin": attr.label(mandatory = True, allow_single_file = True, doc = "debian_source.txt"),
        "build_file": attr.label(mandatory = True, allow_single_file = True),
    },
    local = True,
)
