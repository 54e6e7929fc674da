#include "lib/inspect/internal/walker.h"

#include <algorithm>
#include <cassert>
#include <climits>
#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "google/protobuf/unknown_field_set.h"

namespace fabric::inspect::internal {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

Decoded Decoded::Value(Json value, Json siblings) {
  Decoded d;
  d.kind = Kind::kValue;
  d.value = std::move(value);
  d.siblings = std::move(siblings);
  return d;
}

Decoded Decoded::Error(std::string message) {
  Decoded d;
  d.kind = Kind::kError;
  d.error = std::move(message);
  return d;
}

void RuleTable::Add(std::string full_field_name, FieldRule rule) {
  // A misspelt name would make the rule silently do nothing.
  assert(google::protobuf::DescriptorPool::generated_pool()->FindFieldByName(full_field_name) !=
         nullptr);
  bool added = rules_.emplace(std::move(full_field_name), std::move(rule)).second;
  assert(added);
  (void)added;
}

const FieldRule* RuleTable::Find(const FieldDescriptor* field) const {
  auto it = rules_.find(field->full_name());
  return it == rules_.end() ? nullptr : &it->second;
}

std::string Base64(absl::string_view bytes) { return absl::Base64Escape(bytes); }

std::string Hex(absl::string_view bytes) { return absl::BytesToHexString(bytes); }

bool IsPrintableUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t extra;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      extra = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      unsigned char b = s[i + k];
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
        (cp >= 0x80 && cp <= 0x9f)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

namespace {

// Nesting of in-memory messages (MessageJson takes any message) is cut off here.
constexpr int kMaxRenderDepth = Walker::kMaxDepth + 200;

class DepthGuard {
 public:
  explicit DepthGuard(int* depth) : depth_(depth) { ++*depth_; }
  ~DepthGuard() { --*depth_; }

 private:
  int* depth_;
};

std::vector<const FieldDescriptor*> FieldsByNumber(const Descriptor* d) {
  std::vector<const FieldDescriptor*> fields;
  for (int i = 0; i < d->field_count(); ++i) fields.push_back(d->field(i));
  std::sort(fields.begin(), fields.end(), [](const FieldDescriptor* a, const FieldDescriptor* b) {
    return a->number() < b->number();
  });
  return fields;
}

Json DefaultBytes(const FieldDescriptor* field, absl::string_view bytes) {
  if (absl::StrContains(absl::AsciiStrToLower(field->name()), "hash")) return Hex(bytes);
  return Base64(bytes);
}

Json Float(double v) {
  if (std::isfinite(v)) return v;
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "Infinity" : "-Infinity";
}

// RFC 3339 as protojson writes it: UTC, 0, 3, 6 or 9 fractional digits. False when
// `m` is not a valid google.protobuf.Timestamp.
bool TimestampString(const Message& m, std::string* out) {
  const Descriptor* d = m.GetDescriptor();
  const FieldDescriptor* sf = d->FindFieldByNumber(1);
  const FieldDescriptor* nf = d->FindFieldByNumber(2);
  if (sf == nullptr || nf == nullptr || sf->cpp_type() != FieldDescriptor::CPPTYPE_INT64 ||
      nf->cpp_type() != FieldDescriptor::CPPTYPE_INT32 || sf->is_repeated() || nf->is_repeated()) {
    return false;
  }
  int64_t secs = m.GetReflection()->GetInt64(m, sf);
  int32_t nanos = m.GetReflection()->GetInt32(m, nf);
  // 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z
  if (secs < -62135596800 || secs > 253402300799 || nanos < 0 || nanos > 999999999) {
    return false;
  }
  *out = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(secs), absl::UTCTimeZone());
  if (nanos % 1000000 == 0 && nanos != 0) {
    absl::StrAppendFormat(out, ".%03d", nanos / 1000000);
  } else if (nanos % 1000 == 0 && nanos != 0) {
    absl::StrAppendFormat(out, ".%06d", nanos / 1000);
  } else if (nanos != 0) {
    absl::StrAppendFormat(out, ".%09d", nanos);
  }
  out->push_back('Z');
  return true;
}

// A map entry with its key as text and as a number, for protojson's key order.
struct MapEntry {
  std::string text;
  int64_t signed_key = 0;
  uint64_t unsigned_key = 0;
  const Message* entry;
};

MapEntry ReadMapEntry(const Message& entry, const FieldDescriptor* key) {
  const Reflection* r = entry.GetReflection();
  MapEntry e{"", 0, 0, &entry};
  switch (key->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      e.text = r->GetString(entry, key);
      return e;
    case FieldDescriptor::CPPTYPE_BOOL:
      e.text = r->GetBool(entry, key) ? "true" : "false";
      return e;
    case FieldDescriptor::CPPTYPE_INT32:
      e.signed_key = r->GetInt32(entry, key);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      e.signed_key = r->GetInt64(entry, key);
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      e.unsigned_key = r->GetUInt32(entry, key);
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      e.unsigned_key = r->GetUInt64(entry, key);
      break;
    default:
      return e;  // no other key types exist
  }
  e.text = e.signed_key != 0 ? absl::StrCat(e.signed_key) : absl::StrCat(e.unsigned_key);
  return e;
}

}  // namespace

Json Walker::Render(const Message& m, absl::string_view label, const Frame* parent) {
  if (depth_ >= kMaxRenderDepth) {
    return {{"error", absl::StrCat("nested deeper than ", kMaxRenderDepth, " levels")}};
  }
  DepthGuard guard(&depth_);
  std::string timestamp;
  if (m.GetDescriptor()->full_name() == "google.protobuf.Timestamp" &&
      TimestampString(m, &timestamp)) {
    return timestamp;
  }
  Frame frame{m, label, parent};
  Json out = Json::object();
  for (const FieldDescriptor* field : FieldsByNumber(m.GetDescriptor())) {
    RenderField(frame, field, out);
  }
  const google::protobuf::UnknownFieldSet& unknown = m.GetReflection()->GetUnknownFields(m);
  std::string raw;
  if (!unknown.empty() && unknown.SerializeToString(&raw)) out["unknown_fields"] = Base64(raw);
  return out;
}

Decoded Walker::DecodeAs(const Message& prototype, absl::string_view bytes, const Frame* parent,
                         absl::string_view label) {
  if (depth_ >= kMaxDepth) {
    return Decoded::Error(absl::StrCat("not decoded: nested deeper than ", kMaxDepth, " levels"));
  }
  std::unique_ptr<Message> m(prototype.New());
  if (bytes.size() > INT_MAX ||
      !m->ParseFromArray(bytes.empty() ? "" : bytes.data(), static_cast<int>(bytes.size()))) {
    return Decoded::Error(
        absl::StrCat("not a serialized ", prototype.GetTypeName(), " (", bytes.size(), " bytes)"));
  }
  return Decoded::Value(Render(*m, label, parent));
}

void Walker::RenderField(const Frame& frame, const FieldDescriptor* field, Json& out) {
  const Message& m = frame.message;
  const Reflection* r = m.GetReflection();
  if (field->containing_oneof() != nullptr && !r->HasField(m, field)) return;
  const FieldRule* rule = rules_.Find(field);
  if (field->is_map()) {
    out[field->name()] = RenderMap(frame, field);
  } else if (field->type() == FieldDescriptor::TYPE_BYTES) {
    RenderBytesField(frame, field, rule, out);
  } else if (field->is_repeated()) {
    Json values = Json::array();
    for (int i = 0; i < r->FieldSize(m, field); ++i) values.push_back(RenderValue(frame, field, i));
    out[field->name()] = std::move(values);
  } else {
    out[field->name()] = RenderValue(frame, field, -1);
  }
  if (rule != nullptr && rule->annotate) rule->annotate(frame, out);
}

void Walker::RenderBytesField(const Frame& frame, const FieldDescriptor* field,
                              const FieldRule* rule, Json& out) {
  const Message& m = frame.message;
  const Reflection* r = m.GetReflection();
  std::string scratch;
  // Renders element `index` (-1: the singular value); returns its error, if any.
  auto render_one = [&](int index, Json* value, Json* siblings) -> std::string {
    absl::string_view bytes = index < 0 ? r->GetStringReference(m, field, &scratch)
                                        : r->GetRepeatedStringReference(m, field, index, &scratch);
    Decoded d;
    if (rule != nullptr && rule->decode)
      d = rule->decode(*this, FieldValue{frame, field, index, bytes});
    if (d.kind != Decoded::Kind::kValue) {
      *value = DefaultBytes(field, bytes);
      return d.error;
    }
    *value = std::move(d.value);
    if (siblings != nullptr) *siblings = std::move(d.siblings);
    return "";
  };

  const std::string error_key = field->name() + "_error";
  if (!field->is_repeated()) {
    Json value, siblings = Json::object();
    std::string error = render_one(-1, &value, &siblings);
    out[field->name()] = std::move(value);
    for (auto& item : siblings.items()) out[item.key()] = std::move(item.value());
    if (!error.empty()) out[error_key] = error;
    return;
  }
  Json values = Json::array(), errors = Json::object();
  for (int i = 0; i < r->FieldSize(m, field); ++i) {
    Json value;
    std::string error = render_one(i, &value, nullptr);
    values.push_back(std::move(value));
    if (!error.empty()) errors[absl::StrCat(i)] = error;
  }
  out[field->name()] = std::move(values);
  if (!errors.empty()) out[error_key] = std::move(errors);
}

Json Walker::RenderMap(const Frame& frame, const FieldDescriptor* field) {
  const Message& m = frame.message;
  const Reflection* r = m.GetReflection();
  const FieldDescriptor* key = field->message_type()->map_key();
  const FieldDescriptor* value = field->message_type()->map_value();
  std::vector<MapEntry> entries;
  for (int i = 0; i < r->FieldSize(m, field); ++i) {
    entries.push_back(ReadMapEntry(r->GetRepeatedMessage(m, field, i), key));
  }
  std::sort(entries.begin(), entries.end(), [&](const MapEntry& a, const MapEntry& b) {
    switch (key->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
        return a.signed_key < b.signed_key;
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64:
        return a.unsigned_key < b.unsigned_key;
      default:
        return a.text < b.text;
    }
  });
  Json out = Json::object();
  for (const MapEntry& e : entries) {
    if (value->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      const Message& v = e.entry->GetReflection()->GetMessage(*e.entry, value);
      out[e.text] = Render(v, e.text, &frame);
    } else {
      Frame entry_frame{*e.entry, e.text, &frame};
      out[e.text] = RenderValue(entry_frame, value, -1);
    }
  }
  return out;
}

Json Walker::RenderValue(const Frame& frame, const FieldDescriptor* field, int index) {
  const Message& m = frame.message;
  const Reflection* r = m.GetReflection();
  const bool one = index < 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return one ? r->GetInt32(m, field) : r->GetRepeatedInt32(m, field, index);
    case FieldDescriptor::CPPTYPE_UINT32:
      return one ? r->GetUInt32(m, field) : r->GetRepeatedUInt32(m, field, index);
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(one ? r->GetInt64(m, field) : r->GetRepeatedInt64(m, field, index));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(one ? r->GetUInt64(m, field) : r->GetRepeatedUInt64(m, field, index));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return Float(one ? r->GetDouble(m, field) : r->GetRepeatedDouble(m, field, index));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return Float(one ? r->GetFloat(m, field) : r->GetRepeatedFloat(m, field, index));
    case FieldDescriptor::CPPTYPE_BOOL:
      return one ? r->GetBool(m, field) : r->GetRepeatedBool(m, field, index);
    case FieldDescriptor::CPPTYPE_ENUM: {
      int v = one ? r->GetEnumValue(m, field) : r->GetRepeatedEnumValue(m, field, index);
      const auto* ev = field->enum_type()->FindValueByNumber(v);
      return ev != nullptr ? Json(ev->name()) : Json(v);
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = one ? r->GetStringReference(m, field, &scratch)
                                 : r->GetRepeatedStringReference(m, field, index, &scratch);
      if (field->type() == FieldDescriptor::TYPE_BYTES) return DefaultBytes(field, s);
      return s;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (one && !r->HasField(m, field)) return nullptr;
      return Render(one ? r->GetMessage(m, field) : r->GetRepeatedMessage(m, field, index), "",
                    &frame);
  }
  return nullptr;
}

}  // namespace fabric::inspect::internal
