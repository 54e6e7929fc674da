#include "lib/identity/msp_dir.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/base/file.h"
#include "lib/base/status_macros.h"
#include "lib/identity/pem.h"
#include "lib/identity/internal/yaml.h"

namespace fabric::identity {
namespace {

namespace fs = std::filesystem;
using internal::YamlNode;

absl::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return absl::NotFoundError(absl::StrCat("could not read file ", path.string()));
  }
  absl::StatusOr<std::string> bytes = ReadFileBounded(path.string());
  if (!bytes.ok()) {
    return absl::NotFoundError(absl::StrCat("could not read file ", path.string(), ": ",
                                            bytes.status().message()));
  }
  return bytes;
}

// The files of `dir` that hold a PEM block, whole, in file-name order (Fabric's
// getPemMaterialFromDir: subdirectories and files without PEM are skipped). nullopt
// when `dir` does not exist.
absl::StatusOr<std::optional<std::vector<std::string>>> PemFilesIn(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return std::nullopt;
  std::vector<fs::path> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path());
  }
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("could not read directory ", dir.string(), ": ", ec.message()));
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string> out;
  for (const fs::path& name : names) {
    if (fs::is_directory(name, ec)) continue;  // follows links, like os.Stat
    absl::StatusOr<std::string> bytes = ReadFile(name);
    if (!bytes.ok() || !PemDecode(*bytes).has_value()) continue;
    out.push_back(std::move(*bytes));
  }
  return out;
}

template <typename Repeated>
void AddAll(const std::optional<std::vector<std::string>>& files, Repeated* field) {
  if (!files.has_value()) return;
  for (const std::string& f : *files) field->Add(std::string(f));
}

absl::Status ConfigError(const fs::path& file, const absl::Status& st) {
  return absl::InvalidArgumentError(absl::StrCat("failed unmarshalling configuration file at [",
                                                 file.string(), "]: ", st.message()));
}

// A mapping field of the configuration: nullptr when absent or null.
absl::StatusOr<const YamlNode*> MapField(const YamlNode& parent, absl::string_view key) {
  const YamlNode* node = parent.Get(key);
  if (node == nullptr || node->kind == YamlNode::Kind::kNull) return nullptr;
  if (node->kind != YamlNode::Kind::kMap) {
    return absl::InvalidArgumentError(absl::StrCat(key, " is not a mapping"));
  }
  return node;
}

// Certificate and OrganizationalUnitIdentifier of one identifier entry.
struct OuEntry {
  std::string certificate;
  std::string ou;
};

absl::StatusOr<OuEntry> ReadOuEntry(const YamlNode& node) {
  OuEntry e;
  if (const YamlNode* c = node.Get("Certificate")) {
    FABRIC_ASSIGN_OR_RETURN(e.certificate, internal::YamlString(*c));
  }
  if (const YamlNode* ou = node.Get("OrganizationalUnitIdentifier")) {
    FABRIC_ASSIGN_OR_RETURN(e.ou, internal::YamlString(*ou));
  }
  return e;
}

// The OrganizationalUnitIdentifiers of config.yaml, each with its certificate file,
// which must be readable.
absl::Status ReadOuIdentifiers(const YamlNode& doc, const fs::path& dir, const fs::path& file,
                               msp::FabricMSPConfig* conf) {
  const YamlNode* list = doc.Get("OrganizationalUnitIdentifiers");
  if (list == nullptr || list->kind == YamlNode::Kind::kNull) return absl::OkStatus();
  if (list->kind != YamlNode::Kind::kList) {
    return ConfigError(file,
                       absl::InvalidArgumentError("OrganizationalUnitIdentifiers is not a list"));
  }
  for (const YamlNode& item : list->list) {
    if (item.kind == YamlNode::Kind::kNull) {
      return ConfigError(file, absl::InvalidArgumentError("empty OU identifier entry"));
    }
    if (item.kind != YamlNode::Kind::kMap) {
      return ConfigError(file, absl::InvalidArgumentError("an OU identifier is not a mapping"));
    }
    absl::StatusOr<OuEntry> e = ReadOuEntry(item);
    if (!e.ok()) return ConfigError(file, e.status());
    const fs::path cert_path = dir / e->certificate;
    absl::StatusOr<std::string> cert = ReadFile(cert_path);
    if (!cert.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "failed loading OrganizationalUnit certificate at [", cert_path.string(), "]"));
    }
    msp::FabricOUIdentifier* oui = conf->add_organizational_unit_identifiers();
    oui->set_certificate(std::move(*cert));
    oui->set_organizational_unit_identifier(e->ou);
  }
  return absl::OkStatus();
}

// NodeOUs, when enabled. A role with no OU is left out; a certificate that cannot be
// read is left empty (any issuer), as Fabric does.
absl::Status ReadNodeOus(const YamlNode& doc, const fs::path& dir, const fs::path& file,
                         msp::FabricMSPConfig* conf) {
  absl::StatusOr<const YamlNode*> node_ous = MapField(doc, "NodeOUs");
  if (!node_ous.ok()) return ConfigError(file, node_ous.status());
  if (*node_ous == nullptr) return absl::OkStatus();
  bool enable = false;
  if (const YamlNode* e = (*node_ous)->Get("Enable")) {
    absl::StatusOr<bool> b = internal::YamlBool(*e);
    if (!b.ok()) return ConfigError(file, b.status());
    enable = *b;
  }
  if (!enable) return absl::OkStatus();
  msp::FabricNodeOUs* out = conf->mutable_fabric_node_ous();
  out->set_enable(true);
  struct Role {
    const char* key;
    msp::FabricOUIdentifier* (msp::FabricNodeOUs::*field)();
  };
  for (const Role& role :
       {Role{"ClientOUIdentifier", &msp::FabricNodeOUs::mutable_client_ou_identifier},
        Role{"PeerOUIdentifier", &msp::FabricNodeOUs::mutable_peer_ou_identifier},
        Role{"AdminOUIdentifier", &msp::FabricNodeOUs::mutable_admin_ou_identifier},
        Role{"OrdererOUIdentifier", &msp::FabricNodeOUs::mutable_orderer_ou_identifier}}) {
    absl::StatusOr<const YamlNode*> id = MapField(**node_ous, role.key);
    if (!id.ok()) return ConfigError(file, id.status());
    if (*id == nullptr) continue;
    absl::StatusOr<OuEntry> e = ReadOuEntry(**id);
    if (!e.ok()) return ConfigError(file, e.status());
    if (e->ou.empty()) continue;
    msp::FabricOUIdentifier* oui = (out->*role.field)();
    oui->set_organizational_unit_identifier(e->ou);
    if (!e->certificate.empty()) {
      absl::StatusOr<std::string> cert = ReadFile(dir / e->certificate);
      if (cert.ok()) oui->set_certificate(std::move(*cert));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadConfigYaml(const fs::path& dir, msp::FabricMSPConfig* conf) {
  const fs::path file = dir / "config.yaml";
  std::error_code ec;
  if (!fs::exists(file, ec)) return absl::OkStatus();
  absl::StatusOr<std::string> text = ReadFile(file);
  if (!text.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("failed loading configuration file at [", file.string(), "]"));
  }
  absl::StatusOr<YamlNode> doc = internal::ParseYaml(*text);
  if (!doc.ok()) return ConfigError(file, doc.status());
  if (doc->kind == YamlNode::Kind::kNull) return absl::OkStatus();
  if (doc->kind != YamlNode::Kind::kMap) {
    return ConfigError(file, absl::InvalidArgumentError("the document is not a mapping"));
  }
  FABRIC_RETURN_IF_ERROR(ReadOuIdentifiers(*doc, dir, file, conf));
  return ReadNodeOus(*doc, dir, file, conf);
}

}  // namespace

absl::StatusOr<msp::MSPConfig> MspConfigFromDir(const std::string& mspid, const std::string& dir) {
  const fs::path root(dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return absl::NotFoundError(absl::StrCat("MSP directory ", dir, " does not exist"));
  }
  msp::FabricMSPConfig conf;
  conf.set_name(mspid);

  FABRIC_ASSIGN_OR_RETURN(auto cacerts, PemFilesIn(root / "cacerts"));
  if (!cacerts.has_value() || cacerts->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "could not load a valid ca certificate from directory ", (root / "cacerts").string()));
  }
  AddAll(cacerts, conf.mutable_root_certs());
  FABRIC_ASSIGN_OR_RETURN(auto admincerts, PemFilesIn(root / "admincerts"));
  AddAll(admincerts, conf.mutable_admins());
  FABRIC_ASSIGN_OR_RETURN(auto intermediates, PemFilesIn(root / "intermediatecerts"));
  AddAll(intermediates, conf.mutable_intermediate_certs());
  FABRIC_ASSIGN_OR_RETURN(auto tls_roots, PemFilesIn(root / "tlscacerts"));
  AddAll(tls_roots, conf.mutable_tls_root_certs());
  if (tls_roots.has_value() && !tls_roots->empty()) {
    FABRIC_ASSIGN_OR_RETURN(auto tls_intermediates, PemFilesIn(root / "tlsintermediatecerts"));
    AddAll(tls_intermediates, conf.mutable_tls_intermediate_certs());
  }
  FABRIC_ASSIGN_OR_RETURN(auto crls, PemFilesIn(root / "crls"));
  AddAll(crls, conf.mutable_revocation_list());
  FABRIC_RETURN_IF_ERROR(ReadConfigYaml(root, &conf));

  conf.mutable_crypto_config()->set_signature_hash_family("SHA2");
  conf.mutable_crypto_config()->set_identity_identifier_hash_function("SHA256");

  msp::MSPConfig out;
  out.set_type(0);  // FABRIC
  if (!conf.SerializeToString(out.mutable_config())) {
    return absl::InternalError("cannot serialize the FabricMSPConfig");
  }
  return out;
}

}  // namespace fabric::identity
