#include "lib/wire/field_reader.h"

#include <vector>

namespace fabric::wire {
namespace {

// Field numbers are 29 bits (1 .. 2^29 - 1); 0 is never valid.
constexpr uint64_t kMaxFieldNumber = (uint64_t{1} << 29) - 1;

}  // namespace

bool FieldReader::ReadVarint(uint64_t* v) {
  uint64_t result = 0;
  for (int i = 0; i < 10; ++i) {
    if (pos_ >= bytes_.size()) return false;
    const uint8_t b = static_cast<uint8_t>(bytes_[pos_++]);
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;  // longer than 10 bytes
}

bool FieldReader::Next() {
  if (!ok_ || pos_ >= bytes_.size()) return false;
  const size_t start = pos_;
  if (!ReadField()) return Fail();
  raw_ = bytes_.substr(start, pos_ - start);
  return true;
}

bool FieldReader::ReadField() {
  uint64_t tag;
  if (!ReadVarint(&tag)) return false;
  const uint64_t number = tag >> 3;
  if (number == 0 || number > kMaxFieldNumber) return false;
  number_ = static_cast<int>(number);
  value_ = 0;
  contents_ = absl::string_view();
  switch (tag & 7) {
    case kVarint:
      wire_type_ = kVarint;
      if (!ReadVarint(&value_)) return false;
      return true;
    case kFixed64:
    case kFixed32: {
      const size_t size = (tag & 7) == kFixed64 ? 8 : 4;
      wire_type_ = size == 8 ? kFixed64 : kFixed32;
      if (bytes_.size() - pos_ < size) return false;
      for (size_t i = 0; i < size; ++i) {
        value_ |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
      }
      pos_ += size;
      return true;
    }
    case kBytes: {
      wire_type_ = kBytes;
      uint64_t size;
      if (!ReadVarint(&size) || size > bytes_.size() - pos_) return false;
      contents_ = bytes_.substr(pos_, size);
      pos_ += size;
      return true;
    }
    case kStartGroup:
      wire_type_ = kStartGroup;
      return SkipGroup(number_);
    default:  // an end group without its start, or wire types 6 and 7
      return false;
  }
}

bool FieldReader::SkipGroup(int number) {
  // The numbers of the groups still open, innermost last.
  std::vector<uint64_t> open = {static_cast<uint64_t>(number)};
  while (!open.empty()) {
    uint64_t tag, ignored;
    if (!ReadVarint(&tag)) return false;
    const uint64_t n = tag >> 3;
    if (n == 0 || n > kMaxFieldNumber) return false;
    switch (tag & 7) {
      case kVarint:
        if (!ReadVarint(&ignored)) return false;
        break;
      case kFixed64:
      case kFixed32: {
        const size_t size = (tag & 7) == kFixed64 ? 8 : 4;
        if (bytes_.size() - pos_ < size) return false;
        pos_ += size;
        break;
      }
      case kBytes:
        if (!ReadVarint(&ignored) || ignored > bytes_.size() - pos_) return false;
        pos_ += ignored;
        break;
      case kStartGroup:
        open.push_back(n);
        break;
      case kEndGroup:
        if (open.back() != n) return false;
        open.pop_back();
        break;
      default:
        return false;
    }
  }
  return true;
}

void AppendBytesField(int number, absl::string_view contents, std::string* out) {
  auto varint = [out](uint64_t v) {
    for (; v >= 0x80; v >>= 7) out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    out->push_back(static_cast<char>(v));
  };
  varint((static_cast<uint64_t>(number) << 3) | FieldReader::kBytes);
  varint(contents.size());
  out->append(contents.data(), contents.size());
}

}  // namespace fabric::wire
