#!/bin/sh
# Doxygen's INPUT_FILTER for our public headers (doc/reference/Doxyfile): they are
# written in plain comments, C89-style in fabric.h and // in contract.hpp, which
# Doxygen does not read. The filter hands Doxygen the same text with its markers:
#   the first comment of fabric.h             -> /** @file ... (the overview)
#   a comment that starts a line              -> /** ... (documents what follows)
#   a comment after `;`, `,` or `{` on a line -> /**< ... (documents that member)
#   a declaration right below another, as in
#     /* The number of transactions, and transaction `index`. */
#     FABRIC_EXPORT size_t fabric_block_result_tx_count(...);
#     FABRIC_EXPORT const fabric_tx_result *fabric_block_result_tx(...);
#                                             -> the second gets the first's comment
#   // lines in contract.hpp                  -> /// ...
# Section banners (/* ---- Name ---- */) and clang-format markers are left out.
case "$1" in
  *.hpp)
    sed -E -e 's#^(\s*)// #\1/// #' -e 's#^(\s*)//$#\1///#' "$1"
    ;;
  *)
    sed -E \
      -e '/^\/\* clang-format (on|off) \*\/$/d' \
      -e 's#^(\s*)/\* ----+ (.*) -+ \*/$#\1/* \2 */#' \
      -e 't' \
      -e '1s#^/\*$#/** @file#' \
      -e 's#^(\s*)/\* #\1/** #' \
      -e 's#([;,{])(\s*)/\* #\1\2/**< #' \
      "$1" |
      awk '
        # The function a FABRIC_EXPORT line declares: the name before its "(".
        function declared(line) {
          sub(/\(.*/, "", line)
          n = split(line, words, /[ *]+/)
          return words[n]
        }
        /^FABRIC_EXPORT/ {
          name = declared($0)
          if (after_decl && prev != "") print "/** @copydoc " prev " */"
          prev = name
          in_decl = 1
        }
        { print }
        in_decl && /\);$/ { in_decl = 0; after_decl = 1; next }
        !in_decl { after_decl = 0 }
      '
    ;;
esac
