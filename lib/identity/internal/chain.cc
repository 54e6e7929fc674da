#include "lib/identity/internal/chain.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace fabric::identity::internal {
namespace {

constexpr int kMaxSignatureChecks = 100;

enum class CertType { kLeaf, kIntermediate, kRoot };

absl::Status Invalid(const Certificate& c, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("x509: certificate \"", c.subject_common_name, "\" ", why));
}

// Go's Certificate.isValid for `c` as the next element after `chain`.
absl::Status IsValid(const Certificate& c, CertType type, const Chain& chain, absl::Time now) {
  if (c.has_unhandled_critical_extension) {
    return Invalid(c, "has an unhandled critical extension");
  }
  if (!chain.empty() && chain.back()->raw_issuer != c.raw_subject) {
    return Invalid(c, "is not the issuer (name mismatch)");
  }
  if (now < c.not_before || now > c.not_after) {
    return Invalid(c, absl::StrCat("has expired or is not yet valid: current time ",
                                   absl::FormatTime(absl::RFC3339_sec, now, absl::UTCTimeZone()),
                                   " is outside its validity period"));
  }
  if (type != CertType::kLeaf && c.has_name_constraints) {
    // Go checks the SAN names of the chain below a constrained CA; we do not implement
    // that matching, so such a chain is refused rather than accepted unchecked.
    for (const Certificate* below : chain) {
      if (below->has_san) {
        return Invalid(c, "has name constraints over SAN names, which are not supported");
      }
    }
  }
  if (type == CertType::kIntermediate && (!c.basic_constraints_valid || !c.is_ca)) {
    return Invalid(c, "is not authorized to sign other certificates");
  }
  if (c.basic_constraints_valid && c.max_path_len >= 0 &&
      static_cast<int>(chain.size()) - 1 > c.max_path_len) {
    return Invalid(c, "exceeds its path length constraint");
  }
  return absl::OkStatus();
}

bool AlreadyInChain(const Certificate& candidate, const Chain& chain) {
  for (const Certificate* cert : chain) {
    if (candidate.raw_subject != cert->raw_subject || candidate.raw_spki != cert->raw_spki) {
      continue;
    }
    if (!candidate.has_san && !cert->has_san) return true;
    if (!candidate.has_san || !cert->has_san) return false;
    if (candidate.san_value == cert->san_value) return true;
  }
  return false;
}

struct Search {
  const CertPool& roots;
  const CertPool& intermediates;
  absl::Time now;
  int signature_checks = 0;
  std::vector<Chain> chains;
  absl::Status first_problem;  // why a candidate parent was rejected, for the error
};

void BuildChains(const Certificate& c, const Chain& chain, Search* s);

void Consider(const Certificate& c, const Certificate& candidate, CertType type, const Chain& chain,
              Search* s) {
  if (candidate.key_type == KeyType::kUnknown || AlreadyInChain(candidate, chain)) return;
  if (++s->signature_checks > kMaxSignatureChecks) {
    if (s->first_problem.ok()) {
      s->first_problem = absl::InvalidArgumentError(
          "x509: signature check attempts limit reached while verifying certificate chain");
    }
    return;
  }
  absl::Status st = CheckSignatureFrom(c, candidate);
  if (st.ok()) st = IsValid(candidate, type, chain, s->now);
  if (!st.ok()) {
    if (s->first_problem.ok()) s->first_problem = st;
    return;
  }
  Chain next = chain;
  next.push_back(&candidate);
  if (type == CertType::kRoot) {
    s->chains.push_back(std::move(next));
  } else {
    BuildChains(candidate, next, s);
  }
}

void BuildChains(const Certificate& c, const Chain& chain, Search* s) {
  for (const Certificate* root : s->roots.FindPotentialParents(c)) {
    Consider(c, *root, CertType::kRoot, chain, s);
  }
  for (const Certificate* intermediate : s->intermediates.FindPotentialParents(c)) {
    Consider(c, *intermediate, CertType::kIntermediate, chain, s);
  }
}

// Go's checkChainForKeyUsage with the one requested usage, ServerAuth.
bool ChainAllowsServerAuth(const Chain& chain) {
  for (const Certificate* cert : chain) {
    if (cert->has_ext_key_usage && !cert->eku_any && !cert->eku_server_auth) return false;
  }
  return true;
}

// Fabric's copy of Go's validHostname (':' and '_' allowed).
bool ValidHostname(absl::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return false;
  int i = 0;
  for (absl::string_view part : absl::StrSplit(host, '.')) {
    if (part.empty()) return false;
    if (i++ == 0 && part == "*") continue;
    for (size_t j = 0; j < part.size(); ++j) {
      char c = part[j];
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                (c == '-' && j != 0) || c == '_' || c == ':';
      if (!ok) return false;
    }
  }
  return true;
}

}  // namespace

void CertPool::Add(std::shared_ptr<const Certificate> cert) {
  if (!raws_.insert(cert->raw).second) return;
  by_subject_[cert->raw_subject].push_back(certs_.size());
  certs_.push_back(std::move(cert));
}

bool CertPool::Contains(const Certificate& cert) const { return raws_.contains(cert.raw); }

std::vector<const Certificate*> CertPool::FindPotentialParents(const Certificate& cert) const {
  std::vector<const Certificate*> matching, one, mismatch;
  auto it = by_subject_.find(cert.raw_issuer);
  if (it == by_subject_.end()) return {};
  for (size_t i : it->second) {
    const Certificate* c = certs_[i].get();
    if (c->subject_key_id == cert.authority_key_id) {
      matching.push_back(c);
    } else if (c->subject_key_id.empty() != cert.authority_key_id.empty()) {
      one.push_back(c);
    } else {
      mismatch.push_back(c);
    }
  }
  matching.insert(matching.end(), one.begin(), one.end());
  matching.insert(matching.end(), mismatch.begin(), mismatch.end());
  return matching;
}

absl::StatusOr<std::vector<Chain>> VerifyChains(const Certificate& leaf, const CertPool& roots,
                                                const CertPool& intermediates, absl::Time now) {
  Chain start = {&leaf};
  if (absl::Status st = IsValid(leaf, CertType::kLeaf, {}, now); !st.ok()) return st;
  std::vector<Chain> candidates;
  if (roots.Contains(leaf)) {
    candidates.push_back(start);
  } else {
    Search search{roots, intermediates, now, 0, {}, absl::OkStatus()};
    BuildChains(leaf, start, &search);
    if (search.chains.empty()) {
      std::string why = "x509: certificate signed by unknown authority";
      if (!search.first_problem.ok()) {
        absl::StrAppend(&why, " (possibly because of \"", search.first_problem.message(),
                        "\" while trying to verify a candidate authority)");
      }
      return absl::InvalidArgumentError(why);
    }
    candidates = std::move(search.chains);
  }
  std::vector<Chain> chains;
  for (Chain& c : candidates) {
    if (ChainAllowsServerAuth(c)) chains.push_back(std::move(c));
  }
  if (chains.empty()) {
    return absl::InvalidArgumentError("x509: certificate specifies an incompatible key usage");
  }
  return chains;
}

absl::StatusOr<Chain> UniqueValidationChain(const Certificate& cert, const CertPool& roots,
                                            const CertPool& intermediates) {
  absl::StatusOr<std::vector<Chain>> chains =
      VerifyChains(cert, roots, intermediates, cert.not_before + absl::Seconds(1));
  if (!chains.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the supplied identity is not valid: ", chains.status().message()));
  }
  if (chains->size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("this MSP only supports a single validation chain, got ", chains->size()));
  }
  Chain& chain = chains->front();
  if (chain.size() >= 2 && !cert.has_san && ValidHostname(cert.subject_common_name)) {
    for (size_t i = 1; i < chain.size(); ++i) {
      if (chain[i]->has_name_constraints) {
        return absl::InvalidArgumentError(
            "the supplied identity is not valid: x509: a root or intermediate certificate "
            "specifies name constraints, and the leaf has no SANs");
      }
    }
  }
  return std::move(chain);
}

}  // namespace fabric::identity::internal
