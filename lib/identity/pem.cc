#include "lib/identity/pem.h"

#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"

namespace fabric::identity {
namespace {

constexpr absl::string_view kBegin = "\n-----BEGIN ";
constexpr absl::string_view kEnd = "\n-----END ";
constexpr absl::string_view kDashes = "-----";

// The line at the start of `*data` without its "\n" or "\r\n" and trailing spaces and
// tabs; `*data` moves to the next line.
absl::string_view GetLine(absl::string_view* data) {
  size_t i = data->find('\n');
  size_t next;
  if (i == absl::string_view::npos) {
    i = data->size();
    next = i;
  } else {
    next = i + 1;
    if (i > 0 && (*data)[i - 1] == '\r') --i;
  }
  absl::string_view line = data->substr(0, i);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  data->remove_prefix(next);
  return line;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Go's base64.StdEncoding.Decode: padding required, '\r' and '\n' skipped anywhere,
// unused trailing bits not checked.
bool Base64Decode(absl::string_view in, std::string* out) {
  std::string clean;
  for (char c : in) {
    if (c != '\r' && c != '\n') clean.push_back(c);
  }
  out->clear();
  size_t i = 0;
  while (i < clean.size()) {
    if (clean.size() - i < 4) return false;
    int v[4];
    int got = 0;
    for (; got < 4; ++got) {
      char c = clean[i + got];
      if (c == '=') break;
      v[got] = Base64Value(c);
      if (v[got] < 0) return false;
    }
    if (got < 4) {
      // Padding: "xx==" or "xxx=", and nothing after it.
      if (got < 2 || i + 4 != clean.size()) return false;
      if (got == 2 && clean[i + 3] != '=') return false;
    }
    uint32_t q = 0;
    for (int k = 0; k < got; ++k) q |= static_cast<uint32_t>(v[k]) << (18 - 6 * k);
    out->push_back(static_cast<char>(q >> 16));
    if (got > 2) out->push_back(static_cast<char>((q >> 8) & 0xff));
    if (got > 3) out->push_back(static_cast<char>(q & 0xff));
    i += 4;
  }
  return true;
}

}  // namespace

std::optional<PemBlock> PemDecode(absl::string_view data) {
  absl::string_view rest = data;
  while (true) {
    if (absl::StartsWith(rest, kBegin.substr(1))) {
      rest.remove_prefix(kBegin.size() - 1);
    } else {
      size_t at = rest.find(kBegin);
      if (at == absl::string_view::npos) return std::nullopt;
      rest.remove_prefix(at + kBegin.size());
    }
    absl::string_view type_line = GetLine(&rest);
    if (!absl::EndsWith(type_line, kDashes)) continue;
    type_line.remove_suffix(kDashes.size());

    bool has_headers = false;
    bool truncated = false;
    while (true) {
      if (rest.empty()) {
        truncated = true;
        break;
      }
      absl::string_view probe = rest;
      absl::string_view line = GetLine(&probe);
      if (line.find(':') == absl::string_view::npos) break;
      has_headers = true;
      rest = probe;
    }
    if (truncated) return std::nullopt;

    size_t end_index, end_trailer_index;
    if (!has_headers && absl::StartsWith(rest, kEnd.substr(1))) {
      end_index = 0;
      end_trailer_index = kEnd.size() - 1;
    } else {
      end_index = rest.find(kEnd);
      if (end_index == absl::string_view::npos) continue;
      end_trailer_index = end_index + kEnd.size();
    }
    absl::string_view end_trailer = rest.substr(end_trailer_index);
    size_t trailer_len = type_line.size() + kDashes.size();
    if (end_trailer.size() < trailer_len) continue;
    absl::string_view rest_of_end_line = end_trailer.substr(trailer_len);
    end_trailer = end_trailer.substr(0, trailer_len);
    if (!absl::StartsWith(end_trailer, type_line) || !absl::EndsWith(end_trailer, kDashes)) {
      continue;
    }
    if (!GetLine(&rest_of_end_line).empty()) continue;

    std::string b64;
    for (char c : rest.substr(0, end_index)) {
      if (c != ' ' && c != '\t') b64.push_back(c);
    }
    PemBlock block;
    if (!Base64Decode(b64, &block.bytes)) continue;
    block.type = std::string(type_line);
    absl::string_view after = rest.substr(end_index + kEnd.size() - 1);
    GetLine(&after);
    block.rest = after;
    return block;
  }
}

std::string PemEncode(absl::string_view type, absl::string_view der) {
  std::string b64 = absl::Base64Escape(der);
  std::string out = "-----BEGIN " + std::string(type) + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) {
    out.append(b64, i, 64);
    out.push_back('\n');
  }
  out += "-----END " + std::string(type) + "-----\n";
  return out;
}

}  // namespace fabric::identity
