#include "lib/identity/internal/der.h"

#include <openssl/bytestring.h>
#include <openssl/mem.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace fabric::identity::internal {
namespace {

// One element as Go's encoding/asn1 reads it: identifier byte, minimal length.
struct Element {
  uint8_t tag = 0;
  absl::string_view body;
};

// Reads the element at the start of `*in` and advances past it.
absl::Status ReadElement(absl::string_view* in, Element* out) {
  if (in->empty()) return absl::InvalidArgumentError("truncated element");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(in->data());
  size_t n = in->size(), off = 0;
  out->tag = p[off++];
  if ((out->tag & 0x1f) == 0x1f) return absl::InvalidArgumentError("unexpected high tag number");
  if (off >= n) return absl::InvalidArgumentError("truncated tag or length");
  uint8_t b = p[off++];
  size_t length = 0;
  if ((b & 0x80) == 0) {
    length = b;
  } else {
    size_t num_bytes = b & 0x7f;
    if (num_bytes == 0) return absl::InvalidArgumentError("indefinite length found (not DER)");
    for (size_t i = 0; i < num_bytes; ++i) {
      if (off >= n) return absl::InvalidArgumentError("truncated tag or length");
      if (length >= (size_t{1} << 23)) return absl::InvalidArgumentError("length too large");
      length = (length << 8) | p[off++];
      if (length == 0) return absl::InvalidArgumentError("superfluous leading zeros in length");
    }
    if (length < 0x80) return absl::InvalidArgumentError("non-minimal length");
  }
  if (length > n - off) return absl::InvalidArgumentError("data truncated");
  out->body = in->substr(off, length);
  in->remove_prefix(off + length);
  return absl::OkStatus();
}

// A two's complement INTEGER body (minimal, non-empty) as a BIGNUM.
absl::StatusOr<bssl::UniquePtr<BIGNUM>> ParseInteger(absl::string_view body) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(body.data());
  if (body.empty()) return absl::InvalidArgumentError("empty integer");
  if (body.size() > 1 && ((p[0] == 0 && (p[1] & 0x80) == 0) || (p[0] == 0xff && (p[1] & 0x80)))) {
    return absl::InvalidArgumentError("integer not minimally-encoded");
  }
  bool negative = (p[0] & 0x80) != 0;
  std::string magnitude(body);
  if (negative) {  // two's complement: invert and add one
    for (char& c : magnitude) c = static_cast<char>(~static_cast<uint8_t>(c));
    for (size_t i = magnitude.size(); i-- > 0;) {
      uint8_t v = static_cast<uint8_t>(magnitude[i]) + 1;
      magnitude[i] = static_cast<char>(v);
      if (v != 0) break;
    }
  }
  bssl::UniquePtr<BIGNUM> bn(
      BN_bin2bn(reinterpret_cast<const uint8_t*>(magnitude.data()), magnitude.size(), nullptr));
  if (bn == nullptr) return absl::ResourceExhaustedError("out of memory");
  BN_set_negative(bn.get(), negative);
  return bn;
}

bool Digits(absl::string_view s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// "Z" or a non-zero "+hhmm" / "-hhmm" (Go prints a zero offset as "Z", and only the
// canonical spelling round-trips).
bool ParseZone(absl::string_view z, absl::Duration* offset) {
  if (z == "Z") {
    *offset = absl::ZeroDuration();
    return true;
  }
  int hh = 0, mm = 0;
  if (z.size() != 5 || (z[0] != '+' && z[0] != '-') || !Digits(z, 1, 2, &hh) ||
      !Digits(z, 3, 2, &mm) || hh > 24 || mm > 59 || (hh == 0 && mm == 0)) {
    return false;
  }
  *offset = absl::Hours(hh) + absl::Minutes(mm);
  if (z[0] == '-') *offset = -*offset;
  return true;
}

// Civil fields checked for range (absl::CivilSecond would normalize them instead).
bool MakeTime(int y, int mo, int d, int h, int mi, int s, absl::Duration frac, absl::Duration zone,
              absl::Time* out) {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  absl::CivilDay day(y, mo, d);
  if (day.year() != y || day.month() != mo || day.day() != d) return false;
  *out = absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone()) + frac - zone;
  return true;
}

bool ParseUtcTime(absl::string_view t, absl::Time* out) {
  int yy, mo, d, h, mi, s = 0;
  if (!Digits(t, 0, 2, &yy) || !Digits(t, 2, 2, &mo) || !Digits(t, 4, 2, &d) ||
      !Digits(t, 6, 2, &h) || !Digits(t, 8, 2, &mi)) {
    return false;
  }
  size_t zone_at = 10;
  if (t.size() > 10 && absl::ascii_isdigit(static_cast<unsigned char>(t[10]))) {
    if (!Digits(t, 10, 2, &s)) return false;
    zone_at = 12;
  }
  absl::Duration zone;
  if (!ParseZone(t.substr(zone_at), &zone)) return false;
  int year = yy < 50 ? 2000 + yy : 1900 + yy;
  return MakeTime(year, mo, d, h, mi, s, absl::ZeroDuration(), zone, out);
}

bool ParseGeneralizedTime(absl::string_view t, absl::Time* out) {
  int y, mo, d, h, mi, s;
  if (!Digits(t, 0, 4, &y) || !Digits(t, 4, 2, &mo) || !Digits(t, 6, 2, &d) ||
      !Digits(t, 8, 2, &h) || !Digits(t, 10, 2, &mi) || !Digits(t, 12, 2, &s)) {
    return false;
  }
  size_t at = 14;
  absl::Duration frac;
  if (at < t.size() && t[at] == '.') {
    size_t digits = 0;
    int64_t nanos = 0;
    for (++at; at < t.size() && absl::ascii_isdigit(static_cast<unsigned char>(t[at])); ++at) {
      if (++digits > 9) return false;
      nanos = nanos * 10 + (t[at] - '0');
    }
    if (digits == 0 || t[at - 1] == '0') return false;  // Go drops trailing zeros
    for (size_t k = digits; k < 9; ++k) nanos *= 10;
    frac = absl::Nanoseconds(nanos);
  }
  absl::Duration zone;
  if (!ParseZone(t.substr(at), &zone)) return false;
  return MakeTime(y, mo, d, h, mi, s, frac, zone, out);
}

}  // namespace

absl::string_view View(const CBS& cbs) {
  return absl::string_view(reinterpret_cast<const char*>(CBS_data(&cbs)), CBS_len(&cbs));
}

bool ReadExtension(CBS* extensions, Extension* out) {
  CBS ext, oid;
  int critical = 0;
  if (!CBS_get_asn1(extensions, &ext, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&ext, &oid, CBS_ASN1_OBJECT) ||
      (CBS_peek_asn1_tag(&ext, CBS_ASN1_BOOLEAN) && !CBS_get_asn1_bool(&ext, &critical)) ||
      !CBS_get_asn1(&ext, &out->value, CBS_ASN1_OCTETSTRING)) {
    return false;
  }
  out->oid = View(oid);
  out->critical = critical != 0;
  return true;
}

absl::StatusOr<EcdsaSignature> ParseEcdsaSignature(absl::string_view der) {
  Element seq, r, s;
  absl::Status st = ReadElement(&der, &seq);
  if (st.ok() && seq.tag != 0x30) st = absl::InvalidArgumentError("not a SEQUENCE");
  absl::string_view body = seq.body;
  if (st.ok()) st = ReadElement(&body, &r);
  if (st.ok() && r.tag != 0x02) st = absl::InvalidArgumentError("r is not an INTEGER");
  if (st.ok()) st = ReadElement(&body, &s);
  if (st.ok() && s.tag != 0x02) st = absl::InvalidArgumentError("s is not an INTEGER");
  if (!st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("malformed signature: ", st.message()));
  }
  EcdsaSignature out;
  absl::StatusOr<bssl::UniquePtr<BIGNUM>> rv = ParseInteger(r.body);
  absl::StatusOr<bssl::UniquePtr<BIGNUM>> sv = ParseInteger(s.body);
  if (!rv.ok() || !sv.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "malformed signature: ", rv.ok() ? sv.status().message() : rv.status().message()));
  }
  out.r = std::move(*rv);
  out.s = std::move(*sv);
  if (BN_is_negative(out.r.get()) || BN_is_zero(out.r.get())) {
    return absl::InvalidArgumentError("invalid signature, R must be larger than zero");
  }
  if (BN_is_negative(out.s.get()) || BN_is_zero(out.s.get())) {
    return absl::InvalidArgumentError("invalid signature, S must be larger than zero");
  }
  return out;
}

absl::StatusOr<std::string> MarshalEcdsaSignature(const BIGNUM* r, const BIGNUM* s) {
  bssl::ScopedCBB cbb;
  CBB seq;
  uint8_t* data = nullptr;
  size_t len = 0;
  if (!CBB_init(cbb.get(), 80) || !CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE) ||
      !BN_marshal_asn1(&seq, r) || !BN_marshal_asn1(&seq, s) ||
      !CBB_finish(cbb.get(), &data, &len)) {
    return absl::InvalidArgumentError("cannot encode ECDSA signature");
  }
  std::string out(reinterpret_cast<const char*>(data), len);
  OPENSSL_free(data);
  return out;
}

absl::StatusOr<absl::Time> ReadTime(CBS* cbs) {
  CBS t;
  absl::Time out;
  if (CBS_peek_asn1_tag(cbs, CBS_ASN1_UTCTIME)) {
    if (!CBS_get_asn1(cbs, &t, CBS_ASN1_UTCTIME) || !ParseUtcTime(View(t), &out)) {
      return absl::InvalidArgumentError("malformed UTCTime");
    }
    return out;
  }
  if (CBS_peek_asn1_tag(cbs, CBS_ASN1_GENERALIZEDTIME)) {
    if (!CBS_get_asn1(cbs, &t, CBS_ASN1_GENERALIZEDTIME) || !ParseGeneralizedTime(View(t), &out)) {
      return absl::InvalidArgumentError("malformed GeneralizedTime");
    }
    return out;
  }
  return absl::InvalidArgumentError("unsupported time format");
}

std::string RightAlign(absl::string_view body) {
  if (body.empty()) return "";
  unsigned unused = static_cast<uint8_t>(body[0]);
  absl::string_view b = body.substr(1);
  if (unused == 0 || b.empty()) return std::string(b);
  const unsigned shift = unused;
  auto byte = [&b](size_t i) -> unsigned { return static_cast<uint8_t>(b[i]); };
  std::string a(b.size(), '\0');
  a[0] = static_cast<char>(byte(0) >> shift);
  for (size_t i = 1; i < b.size(); ++i) {
    a[i] = static_cast<char>(((byte(i - 1) << (8 - shift)) | (byte(i) >> shift)) & 0xff);
  }
  return a;
}

}  // namespace fabric::identity::internal
