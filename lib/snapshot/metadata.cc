#include "lib/snapshot/metadata.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/base/file.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "nlohmann/json.hpp"

namespace fabric::snapshot {
namespace {

constexpr char kIndent[] = "    ";

// The length of the valid UTF-8 sequence at the start of `s`, 0 if there is none.
size_t Utf8Length(absl::string_view s) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xc0) == 0x80; };
  const uint8_t c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xe0 && b(1) < 0xa0) return 0;   // overlong
    if (c == 0xed && b(1) >= 0xa0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xf0 && b(1) < 0x90) return 0;
    if (c == 0xf4 && b(1) >= 0x90) return 0;
    return 4;
  }
  return 0;
}

// A JSON string as Go's encoding/json writes it: HTML characters, U+2028/U+2029 and
// control characters escaped, invalid UTF-8 replaced by U+FFFD.
std::string GoString(absl::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const uint8_t c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    const size_t n = Utf8Length(s.substr(i));
    if (n == 0) {
      out += "\\ufffd";
      ++i;
    } else if (n == 3 && c == 0xe2 && static_cast<uint8_t>(s[i + 1]) == 0x80 &&
               (static_cast<uint8_t>(s[i + 2]) & 0xfe) == 0xa8) {
      out += static_cast<uint8_t>(s[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
      i += 3;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  out += "\"";
  return out;
}

std::string Hex(absl::string_view bytes) { return absl::BytesToHexString(bytes); }

absl::Status Bad(absl::string_view file, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(file, ": ", what));
}

// The bytes of a lowercase or uppercase hex string.
absl::StatusOr<std::string> FromHex(absl::string_view file, absl::string_view field,
                                    const nlohmann::json& j) {
  if (!j.is_object() || !j.contains(field) || !j[std::string(field)].is_string()) {
    return Bad(file, absl::StrCat("no string field \"", field, "\""));
  }
  const std::string& hex = j[std::string(field)].get_ref<const std::string&>();
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return Bad(file, absl::StrCat("\"", field, "\" is not hex"));
    }
  }
  if (hex.size() % 2 != 0) return Bad(file, absl::StrCat("\"", field, "\" is not hex"));
  return absl::HexStringToBytes(hex);
}

}  // namespace

std::string SignableMetadataJson(const SnapshotMetadata& m) {
  std::string out = "{\n";
  absl::StrAppend(&out, kIndent, "\"channel_name\": ", GoString(m.channel_name), ",\n");
  absl::StrAppend(&out, kIndent, "\"last_block_number\": ", m.last_block_number, ",\n");
  absl::StrAppend(&out, kIndent, "\"last_block_hash\": \"", Hex(m.last_block_hash), "\",\n");
  absl::StrAppend(&out, kIndent, "\"previous_block_hash\": \"", Hex(m.previous_block_hash),
                  "\",\n");
  absl::StrAppend(&out, kIndent, "\"snapshot_files_raw_hashes\": {");
  bool first = true;
  for (const auto& [name, hash] : m.file_hashes) {  // sorted, as Go sorts map keys
    absl::StrAppend(&out, first ? "\n" : ",\n", kIndent, kIndent, GoString(name), ": \"",
                    Hex(hash), "\"");
    first = false;
  }
  absl::StrAppend(&out, first ? "" : absl::StrCat("\n", kIndent), "},\n");
  absl::StrAppend(&out, kIndent, "\"state_db_type\": ", GoString(m.state_db_type), "\n}");
  return out;
}

std::string AdditionalMetadataJson(const SnapshotMetadata& m) {
  return absl::StrCat("{\n", kIndent, "\"snapshot_hash\": \"", Hex(m.snapshot_hash), "\",\n",
                      kIndent, "\"last_block_commit_hash\": \"", Hex(m.last_block_commit_hash),
                      "\"\n}");
}

absl::StatusOr<SnapshotMetadata> ParseMetadata(absl::string_view signable_json,
                                               absl::string_view additional_json) {
  const nlohmann::json s = nlohmann::json::parse(signable_json.begin(), signable_json.end(),
                                                 nullptr, /*allow_exceptions=*/false);
  if (!s.is_object()) return Bad(kSignableMetadataFile, "not a JSON object");
  const nlohmann::json a = nlohmann::json::parse(additional_json.begin(), additional_json.end(),
                                                 nullptr, /*allow_exceptions=*/false);
  if (!a.is_object()) return Bad(kAdditionalMetadataFile, "not a JSON object");
  SnapshotMetadata m;
  if (!s.contains("channel_name") || !s["channel_name"].is_string() ||
      s["channel_name"].get_ref<const std::string&>().empty()) {
    return Bad(kSignableMetadataFile, "no channel_name");
  }
  m.channel_name = s["channel_name"].get<std::string>();
  if (!s.contains("last_block_number") || !s["last_block_number"].is_number_unsigned()) {
    return Bad(kSignableMetadataFile, "no last_block_number (an unsigned integer)");
  }
  m.last_block_number = s["last_block_number"].get<uint64_t>();
  if (m.last_block_number == std::numeric_limits<uint64_t>::max()) {
    return Bad(kSignableMetadataFile, "last_block_number leaves no block after it");
  }
  FABRIC_ASSIGN_OR_RETURN(m.last_block_hash, FromHex(kSignableMetadataFile, "last_block_hash", s));
  FABRIC_ASSIGN_OR_RETURN(m.previous_block_hash,
                          FromHex(kSignableMetadataFile, "previous_block_hash", s));
  if (m.last_block_hash.size() != kSha256Size ||
      (m.previous_block_hash.size() != kSha256Size &&
       !(m.previous_block_hash.empty() && m.last_block_number == 0))) {
    return Bad(kSignableMetadataFile, "a block hash that is not 32 bytes");
  }
  if (!s.contains("snapshot_files_raw_hashes") || !s["snapshot_files_raw_hashes"].is_object()) {
    return Bad(kSignableMetadataFile, "no snapshot_files_raw_hashes object");
  }
  const nlohmann::json& files = s["snapshot_files_raw_hashes"];
  for (auto it = files.begin(); it != files.end(); ++it) {
    const std::string& name = it.key();
    // Only plain names: a snapshot lists files of its own directory.
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == ".." ||
        name.find('\0') != std::string::npos) {
      return Bad(kSignableMetadataFile, absl::StrCat("a file name that is not a plain name: \"",
                                                     absl::CHexEscape(name), "\""));
    }
    FABRIC_ASSIGN_OR_RETURN(m.file_hashes[name],
                            FromHex(kSignableMetadataFile, name, files));
    if (m.file_hashes[name].size() != kSha256Size) {
      return Bad(kSignableMetadataFile, absl::StrCat("the hash of ", name, " is not 32 bytes"));
    }
  }
  if (s.contains("state_db_type") && s["state_db_type"].is_string()) {
    m.state_db_type = s["state_db_type"].get<std::string>();
  }
  FABRIC_ASSIGN_OR_RETURN(m.snapshot_hash, FromHex(kAdditionalMetadataFile, "snapshot_hash", a));
  FABRIC_ASSIGN_OR_RETURN(m.last_block_commit_hash,
                          FromHex(kAdditionalMetadataFile, "last_block_commit_hash", a));
  if (m.snapshot_hash.size() != kSha256Size ||
      (!m.last_block_commit_hash.empty() && m.last_block_commit_hash.size() != kSha256Size)) {
    return Bad(kAdditionalMetadataFile, "a hash that is not 32 bytes");
  }
  return m;
}

absl::StatusOr<std::string> FileSha256(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return absl::NotFoundError(absl::StrCat("no file ", path));
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a regular file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  Sha256Hasher h;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    h.Update(absl::string_view(buf, static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat("reading ", path));
  return h.Finish();
}

absl::StatusOr<SnapshotMetadata> VerifySnapshot(const std::string& dir) {
  constexpr size_t kMaxMetadata = 1 << 20;
  FABRIC_ASSIGN_OR_RETURN(std::string signable,
                          ReadFileBounded(dir + "/" + kSignableMetadataFile, kMaxMetadata));
  FABRIC_ASSIGN_OR_RETURN(std::string additional,
                          ReadFileBounded(dir + "/" + kAdditionalMetadataFile, kMaxMetadata));
  FABRIC_ASSIGN_OR_RETURN(SnapshotMetadata m, ParseMetadata(signable, additional));
  const auto mismatch = [](absl::string_view file, absl::string_view want,
                           absl::string_view got) {
    return absl::InvalidArgumentError(
        absl::StrCat("the snapshot is not intact: hash mismatch for file [", file,
                     "]. Expected hash = [", Hex(want), "], Actual hash = [", Hex(got), "]"));
  };
  const std::string signable_hash = Sha256(signable);
  if (signable_hash != m.snapshot_hash) {
    return mismatch(kSignableMetadataFile, m.snapshot_hash, signable_hash);
  }
  for (const auto& [name, want] : m.file_hashes) {
    FABRIC_ASSIGN_OR_RETURN(std::string got, FileSha256(dir + "/" + name));
    if (got != want) return mismatch(name, want, got);
  }
  return m;
}

}  // namespace fabric::snapshot
