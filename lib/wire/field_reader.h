// Reading protobuf wire format one field at a time, without building messages.
//
// For the few messages whose nesting an attacker controls (signature policies, COMBINED
// principals): protobuf's own parser recurses once per nested message, so a message
// nested thousands of levels deep (which Go's parser, and so Fabric, accepts up to
// 10,000) overflows an ordinary thread stack. A FieldReader yields the fields of ONE
// message as views into its bytes; a nested message is just a bytes field to read with
// another FieldReader, so callers walk any depth with an explicit stack of their own.
//
//   FieldReader r(bytes);
//   while (r.Next()) {
//     if (r.number() == 1 && r.wire_type() == FieldReader::kVarint) n = r.varint();
//     if (r.number() == 2 && r.wire_type() == FieldReader::kBytes) Use(r.bytes());
//   }
//   if (!r.ok()) ...  // malformed: truncated, bad tag, unmatched group end
//
// Unknown fields are skipped, groups included (nested groups are counted, not recursed
// into), as both Go's and C++'s parsers skip them. A known field with another wire type
// than its declared one is unknown to those parsers too: callers check wire_type().
//
// Thread safety: a FieldReader is a cursor; use one per thread.
#ifndef FABRIC_LIB_WIRE_FIELD_READER_H_
#define FABRIC_LIB_WIRE_FIELD_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace fabric::wire {

class FieldReader {
 public:
  enum WireType { kVarint = 0, kFixed64 = 1, kBytes = 2, kStartGroup = 3, kEndGroup = 4,
                  kFixed32 = 5 };

  // `bytes` must outlive the reader and every view it returns.
  explicit FieldReader(absl::string_view bytes) : bytes_(bytes) {}

  // Moves to the next field; false at the end of the message or on malformed input
  // (then ok() is false). A group is returned as one field of type kStartGroup whose
  // contents are skipped.
  bool Next();

  // False once Next met malformed input.
  bool ok() const { return ok_; }

  // The current field. REQUIRES: the last Next() returned true.
  int number() const { return number_; }
  WireType wire_type() const { return wire_type_; }
  // kVarint: the value; kFixed32/kFixed64: the value zero-extended.
  uint64_t varint() const { return value_; }
  // kBytes: the contents (a view into the message).
  absl::string_view bytes() const { return contents_; }
  // The whole field as it is in the message: tag, and value or length and contents.
  absl::string_view raw() const { return raw_; }

 private:
  bool ReadVarint(uint64_t* v);
  // Reads the field at pos_; false on malformed input.
  bool ReadField();
  bool Fail() {
    ok_ = false;
    return false;
  }
  // Consumes one field's value after its tag; for groups, up to the matching end.
  bool SkipGroup(int number);

  absl::string_view bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
  int number_ = 0;
  WireType wire_type_ = kVarint;
  uint64_t value_ = 0;
  absl::string_view contents_;
  absl::string_view raw_;
};

// The writing side its users need: appends field `number` with wire type kBytes
// (tag, length, contents) to `out`, e.g. to wrap a message in another without parsing it.
void AppendBytesField(int number, absl::string_view contents, std::string* out);

}  // namespace fabric::wire

#endif  // FABRIC_LIB_WIRE_FIELD_READER_H_
