#include "lib/wire/parse_error.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/stubs/common.h"

namespace fabric::wire {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

constexpr int kMaxDepth = 100;  // protobuf's own default recursion limit

// A reader over one message's bytes; offsets are relative to the outermost message.
class WireScanner {
 public:
  WireScanner(absl::string_view bytes, size_t base) : bytes_(bytes), base_(base) {}

  // The first problem in this message, or nullopt if its wire format is sound. Inside a
  // group (group != 0), scanning stops after that group's end tag.
  std::optional<std::string> Scan(const Descriptor* type, int depth, int group = 0);

 private:
  std::optional<uint64_t> Varint();
  std::string At() const { return absl::StrCat("at offset ", base_ + pos_); }

  absl::string_view bytes_;
  size_t base_;
  size_t pos_ = 0;
};

std::optional<uint64_t> WireScanner::Varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && pos_ < bytes_.size(); shift += 7) {
    const uint8_t b = static_cast<uint8_t>(bytes_[pos_++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  return std::nullopt;
}

std::string FieldName(const Descriptor* type, int number) {
  const FieldDescriptor* f = type ? type->FindFieldByNumber(number) : nullptr;
  return f ? absl::StrCat("field ", number, " (", f->name(), ")") : absl::StrCat("field ", number);
}

std::optional<std::string> WireScanner::Scan(const Descriptor* type, int depth, int group) {
  if (depth > kMaxDepth) return "messages nested too deeply " + At();
  while (pos_ < bytes_.size()) {
    const size_t field_start = pos_;
    auto tag = Varint();
    if (!tag) return "truncated tag " + At();
    const int number = static_cast<int>(*tag >> 3);
    const int wire_type = static_cast<int>(*tag & 7);
    if (number == 0) return "field number 0 " + At();
    const std::string field = FieldName(type, number);
    const auto where = [&] { return absl::StrCat(field, " at offset ", base_ + field_start); };
    switch (wire_type) {
      case 0:
        if (!Varint()) return where() + ": truncated varint";
        break;
      case 1:
      case 5: {
        const size_t n = wire_type == 1 ? 8 : 4;
        if (bytes_.size() - pos_ < n) {
          return absl::StrFormat("%s: truncated fixed%d", where(), n * 8);
        }
        pos_ += n;
        break;
      }
      case 2: {
        auto len = Varint();
        if (!len) return where() + ": truncated length";
        if (*len > bytes_.size() - pos_) {
          return absl::StrFormat("%s: length %d exceeds the %d bytes left", where(), *len,
                                 bytes_.size() - pos_);
        }
        const absl::string_view value = bytes_.substr(pos_, *len);
        const size_t value_base = base_ + pos_;
        pos_ += *len;
        const FieldDescriptor* f = type ? type->FindFieldByNumber(number) : nullptr;
        if (f == nullptr) break;
        if (f->type() == FieldDescriptor::TYPE_STRING &&
            !google::protobuf::internal::IsStructurallyValidUTF8(value.data(),
                                                                 static_cast<int>(value.size()))) {
          return field + ": not valid UTF-8";
        }
        if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
          auto inner = WireScanner(value, value_base).Scan(f->message_type(), depth + 1);
          if (inner) return absl::StrCat(f->name(), ".", *inner);
        }
        break;
      }
      case 3: {
        if (depth + 1 > kMaxDepth) return where() + ": groups nested too deeply";
        auto problem = Scan(nullptr, depth + 1, number);
        if (problem) return *problem;
        break;
      }
      case 4:
        if (group == number) return std::nullopt;
        return where() + ": end-group without a matching start";
      default:
        return absl::StrFormat("%s: invalid wire type %d", where(), wire_type);
    }
  }
  if (group != 0) return absl::StrCat("group of field ", group, " never ends");
  return std::nullopt;
}

}  // namespace

std::string DescribeParseFailure(absl::string_view bytes, const Descriptor& type) {
  auto problem = WireScanner(bytes, 0).Scan(&type, 0);
  return problem ? *problem : "rejected by the protobuf parser";
}

absl::Status ParseMessage(absl::string_view bytes, google::protobuf::Message* msg,
                          absl::string_view where) {
  if (msg->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::OkStatus();
  }
  const Descriptor& type = *msg->GetDescriptor();
  return absl::InvalidArgumentError(absl::StrFormat("%s: %d bytes do not parse as %s: %s", where,
                                                    bytes.size(), type.full_name(),
                                                    DescribeParseFailure(bytes, type)));
}

absl::Status ParseMessage(absl::string_view bytes, google::protobuf::Message* msg,
                          std::initializer_list<absl::string_view> where) {
  if (msg->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::OkStatus();
  }
  return ParseMessage(bytes, msg, absl::StrJoin(where, ""));  // parses again, to describe
}

}  // namespace fabric::wire
