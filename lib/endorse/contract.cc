#include "lib/endorse/contract.h"

#include <cstdint>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fabric::endorse {
namespace {

constexpr char kCompositeKeySeparator = '\0';
constexpr uint32_t kMaxCodePoint = 0x10FFFF;

// The code point of the UTF-8 sequence at s[*i], advancing *i past it; -1 (and *i
// unchanged) if it is not a valid sequence: as Go's utf8.ValidString, overlong forms,
// surrogates and code points past U+10FFFF are invalid.
int64_t DecodeUtf8(absl::string_view s, size_t* i) {
  const auto byte = [&s](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte(*i);
  if (b0 < 0x80) {
    ++*i;
    return b0;
  }
  size_t len;
  uint32_t cp;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (*i + len > s.size()) return -1;
  for (size_t k = 1; k < len; ++k) {
    const uint8_t b = byte(*i + k);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *i += len;
  return cp;
}

// The shim's check of one part of a composite key.
absl::Status ValidateCompositeKeyPart(absl::string_view part) {
  for (size_t i = 0; i < part.size();) {
    const size_t at = i;
    const int64_t cp = DecodeUtf8(part, &i);
    if (cp < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a valid utf8 string: [", absl::BytesToHexString(part), "]"));
    }
    if (cp == 0 || cp == kMaxCodePoint) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "input contains unicode U+%04X starting at position [%d]. U+0000 and U+10FFFF are "
          "not allowed in the input attribute of a composite key",
          cp, at));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (DecodeUtf8(s, &i) < 0) return false;
  }
  return true;
}

absl::StatusOr<std::string> CreateCompositeKey(absl::string_view object_type,
                                               const std::vector<std::string>& attributes) {
  if (absl::Status s = ValidateCompositeKeyPart(object_type); !s.ok()) return s;
  std::string key(1, kCompositeKeySeparator);
  absl::StrAppend(&key, object_type, absl::string_view(&kCompositeKeySeparator, 1));
  for (const std::string& attribute : attributes) {
    if (absl::Status s = ValidateCompositeKeyPart(attribute); !s.ok()) return s;
    absl::StrAppend(&key, attribute, absl::string_view(&kCompositeKeySeparator, 1));
  }
  return key;
}

absl::StatusOr<std::pair<std::string, std::vector<std::string>>> SplitCompositeKey(
    absl::string_view key) {
  // At least the leading separator, an object type (maybe empty) and its terminator.
  if (key.size() < 2 || key.front() != kCompositeKeySeparator ||
      key.back() != kCompositeKeySeparator) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a composite key: \"", absl::CEscape(key), "\""));
  }
  std::vector<std::string> parts;
  size_t begin = 1;
  for (size_t i = 1; i < key.size(); ++i) {
    if (key[i] == kCompositeKeySeparator) {
      parts.emplace_back(key.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  std::string object_type = std::move(parts.front());
  parts.erase(parts.begin());
  return std::make_pair(std::move(object_type), std::move(parts));
}

}  // namespace fabric::endorse
