#include "lib/testnet/network.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/base/status_macros.h"
#include "lib/client/client.h"
#include "lib/identity/msp_dir.h"
#include "lib/testnet/genesis.h"

namespace fabric::testnet {
namespace {

namespace fs = std::filesystem;

absl::Status Annotate(const absl::Status& s, absl::string_view context) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(context, ": ", s.message()));
}

absl::StatusOr<std::shared_ptr<const identity::SigningIdentity>> LoadSigner(
    const testnet::OrgSpec& org, const std::string& root, const std::string& who) {
  auto s =
      identity::SigningIdentity::FromMspDir(org.mspid, testnet::IdentityMspDir(org, root, who));
  if (!s.ok()) return Annotate(s.status(), absl::StrCat(who, "@", org.domain));
  return std::shared_ptr<const identity::SigningIdentity>(*std::move(s));
}

absl::StatusOr<testnet::OrgProfile> OrgProfileOf(const testnet::OrgSpec& org,
                                                 const std::string& root) {
  testnet::OrgProfile p;
  p.name = org.mspid;
  FABRIC_ASSIGN_OR_RETURN(
      p.msp, identity::MspConfigFromDir(org.mspid, testnet::OrgDir(org, root) + "/msp"));
  return p;
}

absl::Status WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return absl::InternalError("cannot write " + path.string());
  return absl::OkStatus();
}

// Copies OrgDir(org, from) to the same place under `to`.
absl::Status CopyOrg(const testnet::OrgSpec& org, const std::string& from, const std::string& to) {
  const fs::path src = testnet::OrgDir(org, from);
  const fs::path dst = fs::path(to) / fs::relative(src, from);
  std::error_code ec;
  fs::create_directories(dst, ec);
  if (!ec)
    fs::copy(src, dst, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec) return absl::InternalError(absl::StrCat("copy ", src.string(), ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace

testnet::OrgSpec PeerOrgSpec(int n, int peers, int users) {
  testnet::OrgSpec org;
  org.name = absl::StrCat("Org", n);
  org.domain = absl::StrCat("org", n, ".example.com");
  org.mspid = absl::StrCat("Org", n, "MSP");
  org.peers = peers;
  org.users = users;
  return org;
}

testnet::OrgSpec OrdererOrgSpec(int orderers) {
  testnet::OrgSpec org;
  org.name = "Orderer";
  org.domain = "example.com";
  org.mspid = "OrdererMSP";
  org.peers = orderers;
  org.users = 0;
  org.orderer_org = true;
  return org;
}

absl::Status GenerateCrypto(const std::string& root, int orgs, int peers_per_org,
                            int users_per_org) {
  for (int n = 1; n <= orgs; ++n) {
    FABRIC_RETURN_IF_ERROR(
        testnet::GenerateOrg(PeerOrgSpec(n, peers_per_org, users_per_org), root));
  }
  return testnet::GenerateOrg(OrdererOrgSpec(), root);
}

NetworkSpec SampleNetwork() {
  NetworkSpec spec;
  spec.channels = {{"channel1", {1, 2, 3}}, {"channel2", {1, 2}}};
  spec.channel_options.threads = 2;
  return spec;
}

// ---- ChannelPeer ----

absl::StatusOr<std::unique_ptr<ChannelPeer>> ChannelPeer::Join(
    const Peer& peer, const std::string& ledger_dir, const std::string& genesis_block,
    const channel::ChannelOptions& opts) {
  std::unique_ptr<ChannelPeer> p(new ChannelPeer(peer));
  auto channel = channel::Channel::Create(ledger_dir, genesis_block, opts);
  if (!channel.ok()) return Annotate(channel.status(), peer.name);
  p->channel_ = *std::move(channel);
  p->endorser_ = std::make_unique<endorse::Endorser>(p->channel_.get(), peer.signer);
  ChannelPeer* self = p.get();
  p->subscription_ = p->channel_->Subscribe([self](const channel::BlockResult& r) {
    absl::MutexLock lock(&self->mu_);
    for (const channel::ChaincodeEvent& e : r.events) ++self->events_[e.event_name];
  });
  return p;
}

ChannelPeer::~ChannelPeer() {
  // The channel's callbacks use this object's fields: finish them first.
  channel_->Drain();
  channel_->Unsubscribe(subscription_);
}

void ChannelPeer::Deliver(std::string block) {
  channel_->Enqueue(std::move(block), {}, [this](absl::StatusOr<channel::BlockResult> r) {
    absl::MutexLock lock(&mu_);
    if (r.ok()) {
      results_.push_back(*std::move(r));
    } else if (error_.ok()) {
      error_ = Annotate(r.status(), absl::StrCat(peer_.name, ": block ", results_.size() + 1));
    }
  });
}

absl::Status ChannelPeer::Drain() {
  channel_->Drain();
  absl::MutexLock lock(&mu_);
  return error_;
}

std::vector<channel::BlockResult> ChannelPeer::results() const {
  absl::MutexLock lock(&mu_);
  return results_;
}

std::map<std::string, size_t> ChannelPeer::events() const {
  absl::MutexLock lock(&mu_);
  return events_;
}

// ---- Channel ----

const ChannelPeer* Channel::PeerOf(int org) const {
  for (const auto& p : peers_) {
    if (p->peer().org == org) return p.get();
  }
  return nullptr;
}

absl::StatusOr<client::SignedProposal> Channel::Propose(const identity::SigningIdentity& client,
                                                        const std::string& chaincode,
                                                        std::vector<std::string> args) const {
  client::ProposalSpec spec;
  spec.channel_id = spec_.id;
  spec.chaincode = chaincode;
  spec.args = std::move(args);
  return client::CreateSignedProposal(client, spec);
}

absl::StatusOr<EndorsedTx> Channel::Endorse(const identity::SigningIdentity& client,
                                            const std::string& chaincode,
                                            std::vector<std::string> args,
                                            const std::vector<int>& orgs) const {
  FABRIC_ASSIGN_OR_RETURN(client::SignedProposal proposal,
                          Propose(client, chaincode, std::move(args)));
  std::vector<std::string> responses;
  for (int org : orgs) {
    const ChannelPeer* peer = PeerOf(org);
    if (peer == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("Org", org, " has no peer in ", spec_.id));
    }
    auto r = peer->endorser().Endorse(proposal.signed_proposal);
    if (!r.ok()) return Annotate(r.status(), peer->peer().name);
    if (r->response.status >= endorse::kStatusErrorThreshold) {
      return absl::AbortedError(absl::StrCat(peer->peer().name, ": ", chaincode, " answered ",
                                             r->response.status, ": ", r->response.message));
    }
    responses.push_back(std::move(r->proposal_response));
  }
  FABRIC_ASSIGN_OR_RETURN(std::string envelope,
                          client::CreateSignedTx(proposal.signed_proposal, responses, client));
  return EndorsedTx{std::move(proposal.txid), std::move(envelope)};
}

absl::StatusOr<std::string> Channel::Evaluate(const identity::SigningIdentity& client,
                                              const ChannelPeer& peer, const std::string& chaincode,
                                              std::vector<std::string> args) const {
  FABRIC_ASSIGN_OR_RETURN(client::SignedProposal proposal,
                          Propose(client, chaincode, std::move(args)));
  auto r = peer.endorser().Evaluate(proposal.signed_proposal);
  if (!r.ok()) return Annotate(r.status(), peer.peer().name);
  if (r->response.status >= endorse::kStatusErrorThreshold) {
    return absl::AbortedError(absl::StrCat(peer.peer().name, ": ", chaincode, " answered ",
                                           r->response.status, ": ", r->response.message));
  }
  return std::move(r->response.payload);
}

void Channel::Deliver(std::string block) {
  for (const auto& p : peers_) p->Deliver(block);
  blocks_.push_back(std::move(block));
}

absl::Status Channel::Order(std::string envelope) {
  FABRIC_ASSIGN_OR_RETURN(std::vector<std::string> cut, orderer_->Add(std::move(envelope)));
  for (std::string& b : cut) Deliver(std::move(b));
  return absl::OkStatus();
}

absl::Status Channel::Cut() {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> block, orderer_->Cut());
  if (block.has_value()) Deliver(*std::move(block));
  return absl::OkStatus();
}

absl::Status Channel::Drain() {
  absl::Status first;
  for (const auto& p : peers_) first.Update(p->Drain());
  return first;
}

// ---- Network ----

absl::StatusOr<std::unique_ptr<Network>> Network::Create(const std::string& root,
                                                         const NetworkSpec& spec) {
  if (spec.orgs < 1 || spec.peers_per_org < 1 || spec.users_per_org < 1) {
    return absl::InvalidArgumentError("a network needs orgs, peers and users");
  }
  std::unique_ptr<Network> net(new Network());
  net->spec_ = spec;
  net->crypto_root_ = root + "/crypto";
  FABRIC_RETURN_IF_ERROR(
      GenerateCrypto(net->crypto_root_, spec.orgs, spec.peers_per_org, spec.users_per_org));
  const std::string& crypto = net->crypto_root_;

  std::vector<testnet::OrgSpec> orgs;
  for (int n = 1; n <= spec.orgs; ++n) {
    orgs.push_back(PeerOrgSpec(n, spec.peers_per_org, spec.users_per_org));
    const testnet::OrgSpec& org = orgs.back();
    FABRIC_ASSIGN_OR_RETURN(auto user, LoadSigner(org, crypto, "User1"));
    FABRIC_ASSIGN_OR_RETURN(auto admin, LoadSigner(org, crypto, "Admin"));
    net->users_.push_back(std::move(user));
    net->admins_.push_back(std::move(admin));
    for (int i = 0; i < spec.peers_per_org; ++i) {
      const std::string who = absl::StrCat("peer", i);
      FABRIC_ASSIGN_OR_RETURN(auto signer, LoadSigner(org, crypto, who));
      net->peers_.push_back({absl::StrCat(who, ".", org.domain), n, org.mspid, signer});
    }
  }
  const testnet::OrgSpec orderer_org = OrdererOrgSpec();
  FABRIC_ASSIGN_OR_RETURN(auto orderer, LoadSigner(orderer_org, crypto, "orderer0"));
  FABRIC_ASSIGN_OR_RETURN(testnet::OrgProfile orderer_profile, OrgProfileOf(orderer_org, crypto));
  orderer_profile.endpoints = {"orderer0.example.com:7050"};

  for (const ChannelSpec& cs : spec.channels) {
    testnet::ChannelProfile profile;
    profile.channel_id = cs.id;
    profile.max_message_count = static_cast<uint32_t>(spec.block_size);
    profile.orderer_orgs = {orderer_profile};
    profile.consenters = {{"orderer0.example.com", 7050, orderer->cert_pem()}};
    for (int n : cs.orgs) {
      if (n < 1 || n > spec.orgs) {
        return absl::InvalidArgumentError(absl::StrCat(cs.id, ": no org ", n));
      }
      FABRIC_ASSIGN_OR_RETURN(testnet::OrgProfile p, OrgProfileOf(orgs[n - 1], crypto));
      profile.application_orgs.push_back(std::move(p));
    }
    FABRIC_ASSIGN_OR_RETURN(std::string genesis, testnet::MakeGenesisBlock(profile));
    ordering::BatchOptions batch;
    batch.max_message_count = spec.block_size;
    FABRIC_ASSIGN_OR_RETURN(auto assembler,
                            ordering::BlockAssembler::Create(genesis, orderer, batch));
    auto ch = std::make_unique<Channel>(cs, genesis, std::move(assembler));
    for (const Peer& peer : net->peers_) {
      if (std::find(cs.orgs.begin(), cs.orgs.end(), peer.org) == cs.orgs.end()) continue;
      FABRIC_ASSIGN_OR_RETURN(
          auto joined, ChannelPeer::Join(peer, absl::StrCat(root, "/peers/", peer.name, "/", cs.id),
                                         genesis, spec.channel_options));
      ch->AddPeer(std::move(joined));
    }
    net->channels_.push_back(std::move(ch));
  }
  return net;
}

absl::Status Network::WriteVectors(const std::string& out) const {
  for (const auto& ch : channels_) {
    const fs::path dir = fs::path(out) / ch->id();
    std::error_code ec;
    fs::create_directories(dir / "blocks", ec);
    if (ec) return absl::InternalError(absl::StrCat(dir.string(), ": ", ec.message()));
    FABRIC_RETURN_IF_ERROR(WriteFile(dir / "genesis.block", ch->genesis_block()));
    for (size_t i = 0; i < ch->blocks().size(); ++i) {
      FABRIC_RETURN_IF_ERROR(
          WriteFile(dir / "blocks" / absl::StrFormat("%06d.block", i + 1), ch->blocks()[i]));
    }
    const std::string msp = (dir / "msp").string();
    for (int n : ch->spec().orgs) {
      FABRIC_RETURN_IF_ERROR(
          CopyOrg(PeerOrgSpec(n, spec_.peers_per_org, spec_.users_per_org), crypto_root_, msp));
    }
    FABRIC_RETURN_IF_ERROR(CopyOrg(OrdererOrgSpec(), crypto_root_, msp));
  }
  return absl::OkStatus();
}

}  // namespace fabric::testnet
