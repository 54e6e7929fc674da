#include "tools/network/network.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/base/status_macros.h"
#include "lib/testnet/material.h"
#include "tools/network/c_call.h"

namespace fabric::network {
namespace {

namespace fs = std::filesystem;

absl::Status Annotate(const absl::Status& s, absl::string_view context) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(context, ": ", s.message()));
}

absl::StatusOr<std::shared_ptr<const fabric_signer>> LoadSigner(const std::string& root,
                                                                const testnet::OrgSpec& org,
                                                                const std::string& who) {
  auto pem = testnet::ReadIdentity(root, org, who);
  if (!pem.ok()) return Annotate(pem.status(), absl::StrCat(who, "@", org.domain));
  fabric_signer* signer = nullptr;
  CCall call;
  FABRIC_RETURN_IF_ERROR(
      Annotate(call.Check(fabric_signer_load(&signer, pem->mspid.c_str(), Bytes(pem->cert_pem),
                                             pem->cert_pem.size(), Bytes(pem->key_pem),
                                             pem->key_pem.size(), call.err())),
               absl::StrCat(who, "@", org.domain)));
  return std::shared_ptr<const fabric_signer>(
      signer, [](const fabric_signer* s) { fabric_signer_free(const_cast<fabric_signer*>(s)); });
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

std::vector<fabric_bytes> ArgBytes(const std::vector<std::string>& args) {
  std::vector<fabric_bytes> out;
  out.reserve(args.size());
  for (const std::string& a : args) out.push_back({Bytes(a), a.size()});
  return out;
}

// The response of a proposal result that must have succeeded, or an error naming `peer`.
absl::Status CheckResponse(const fabric_proposal_result& r, const std::string& peer,
                           const std::string& chaincode) {
  const int32_t status = fabric_proposal_result_status(&r);
  if (status < FABRIC_STATUS_ERROR_THRESHOLD) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(peer, ": ", chaincode, " answered ", status, ": ",
                                         fabric_proposal_result_message(&r)));
}

}  // namespace

NetworkSpec SampleNetwork() {
  NetworkSpec spec;
  spec.channels = {{"channel1", {1, 2, 3}}, {"channel2", {1, 2}}};
  spec.validation_threads = 2;
  return spec;
}

// ---- ChannelPeer ----

absl::StatusOr<std::unique_ptr<ChannelPeer>> ChannelPeer::Join(const Peer& peer,
                                                               const std::string& ledger_dir,
                                                               const std::string& genesis_block,
                                                               size_t validation_threads) {
  std::unique_ptr<ChannelPeer> p(new ChannelPeer(peer));
  fabric_channel_options options = FABRIC_CHANNEL_OPTIONS_INIT;
  options.threads = validation_threads;
  options.mspid = peer.mspid.c_str();
  fabric_channel* channel = nullptr;
  CCall call;
  FABRIC_RETURN_IF_ERROR(
      Annotate(call.Check(fabric_channel_create(&channel, ledger_dir.c_str(), Bytes(genesis_block),
                                                genesis_block.size(), &options, call.err())),
               peer.name));
  p->channel_.reset(channel);
  try {
    p->endorser_ = std::make_unique<fabric::Endorser>(channel, peer.signer.get());
  } catch (const fabric::Error& e) {
    return absl::InternalError(absl::StrCat(peer.name, ": ", e.code_name(), ": ", e.what()));
  }
  FABRIC_RETURN_IF_ERROR(
      Annotate(call.Check(fabric_channel_subscribe_events(
                   &p->subscription_, channel, &ChannelPeer::CountEvent, p.get(), call.err())),
               peer.name));
  p->delivery_ = std::thread([self = p.get()] { self->DeliveryLoop(); });
  return p;
}

ChannelPeer::~ChannelPeer() {
  if (delivery_.joinable()) {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    delivery_.join();
  }
  // The subscription's callback uses this object's fields: end it first.
  if (subscription_ > 0) fabric_channel_unsubscribe(channel_.get(), subscription_, nullptr);
}

void ChannelPeer::CountEvent(const fabric_chaincode_event* event, void* self) {
  ChannelPeer* p = static_cast<ChannelPeer*>(self);
  absl::MutexLock lock(&p->mu_);
  ++p->events_[event->event_name];
}

absl::Status ChannelPeer::Host(const std::string& name,
                               std::shared_ptr<fabric::Contract> contract) {
  try {
    endorser_->RegisterContract(name, std::move(contract));
  } catch (const fabric::Error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(peer_.name, ": ", e.code_name(), ": ", e.what()));
  }
  return absl::OkStatus();
}

void ChannelPeer::Deliver(std::string block, BlockPrivateData private_data) {
  absl::MutexLock lock(&mu_);
  queue_.emplace_back(std::move(block), std::move(private_data));
}

void ChannelPeer::DeliveryLoop() {
  for (;;) {
    std::string block;
    BlockPrivateData private_data;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ChannelPeer* p)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return !p->queue_.empty() || p->stop_; },
          this));
      if (queue_.empty()) return;  // stopped, and nothing left
      block = std::move(queue_.front().first);
      private_data = std::move(queue_.front().second);
      queue_.pop_front();
      submitting_ = true;
    }
    std::vector<fabric_tx_private_data> handed;
    for (const auto& [tx, data] : private_data) handed.push_back({tx, Bytes(data), data.size()});
    fabric_block_result* result = nullptr;
    CCall call;
    const absl::Status s = call.Check(
        fabric_channel_submit_with_private_data(&result, channel_.get(), Bytes(block), block.size(),
                                                handed.data(), handed.size(), 0, call.err()));
    fabric::BlockResultPtr owned(result);
    BlockOutcome outcome;
    if (s.ok()) {
      outcome.number = fabric_block_result_number(result);
      const size_t n = fabric_block_result_tx_count(result);
      outcome.txs.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        const fabric_tx_result* t = fabric_block_result_tx(result, i);
        outcome.txs.emplace_back(t->txid, t->code);
      }
    }
    absl::MutexLock lock(&mu_);
    submitting_ = false;
    if (s.ok()) {
      results_.push_back(std::move(outcome));
    } else if (error_.ok()) {
      error_ = Annotate(s, absl::StrCat(peer_.name, ": block ", results_.size() + 1));
    }
  }
}

absl::Status ChannelPeer::Drain() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](ChannelPeer* p)
           ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return p->queue_.empty() && !p->submitting_; },
      this));
  return error_;
}

std::vector<BlockOutcome> ChannelPeer::results() const {
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

absl::StatusOr<std::pair<std::string, std::string>> Channel::Propose(
    const fabric_signer& client, const std::string& chaincode,
    const std::vector<std::string>& args) const {
  const std::vector<fabric_bytes> arg_bytes = ArgBytes(args);
  fabric_buf proposal = FABRIC_BUF_INIT;
  char txid[FABRIC_TXID_SIZE];
  CCall call;
  FABRIC_RETURN_IF_ERROR(call.Check(
      fabric_proposal_create(&proposal, txid, &client, spec_.id.c_str(), chaincode.c_str(),
                             arg_bytes.data(), arg_bytes.size(), nullptr, call.err())));
  return std::make_pair(std::string(txid), TakeBuf(&proposal));
}

absl::StatusOr<EndorsedTx> Channel::Endorse(const fabric_signer& client,
                                            const std::string& chaincode,
                                            const std::vector<std::string>& args,
                                            const std::vector<int>& orgs) const {
  FABRIC_ASSIGN_OR_RETURN(auto proposal, Propose(client, chaincode, args));
  std::vector<fabric::ProposalResultPtr> results;
  std::vector<fabric_bytes> responses;
  for (int org : orgs) {
    const ChannelPeer* peer = PeerOf(org);
    if (peer == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("Org", org, " has no peer in ", spec_.id));
    }
    try {
      results.push_back(peer->endorser().Endorse(proposal.second));
    } catch (const fabric::Error& e) {
      return absl::AbortedError(
          absl::StrCat(peer->peer().name, ": ", e.code_name(), ": ", e.what()));
    }
    FABRIC_RETURN_IF_ERROR(CheckResponse(*results.back(), peer->peer().name, chaincode));
    fabric_bytes response;
    response.data = fabric_proposal_result_response(results.back().get(), &response.len);
    responses.push_back(response);
  }
  fabric_buf envelope = FABRIC_BUF_INIT;
  CCall call;
  FABRIC_RETURN_IF_ERROR(call.Check(fabric_tx_assemble(&envelope, &client, Bytes(proposal.second),
                                                       proposal.second.size(), responses.data(),
                                                       responses.size(), call.err())));
  size_t payload_len = 0, private_len = 0;
  const uint8_t* payload =
      results.empty() ? nullptr : fabric_proposal_result_payload(results[0].get(), &payload_len);
  const uint8_t* private_rwset =
      results.empty() ? nullptr
                      : fabric_proposal_result_private_rwset(results[0].get(), &private_len);
  return EndorsedTx{std::move(proposal.first), TakeBuf(&envelope),
                    std::string(reinterpret_cast<const char*>(payload), payload_len),
                    std::string(reinterpret_cast<const char*>(private_rwset), private_len)};
}

absl::StatusOr<std::string> Channel::Evaluate(const fabric_signer& client, const ChannelPeer& peer,
                                              const std::string& chaincode,
                                              const std::vector<std::string>& args) const {
  FABRIC_ASSIGN_OR_RETURN(auto proposal, Propose(client, chaincode, args));
  fabric::ProposalResultPtr r;
  try {
    r = peer.endorser().Evaluate(proposal.second);
  } catch (const fabric::Error& e) {
    return absl::AbortedError(absl::StrCat(peer.peer().name, ": ", e.code_name(), ": ", e.what()));
  }
  FABRIC_RETURN_IF_ERROR(CheckResponse(*r, peer.peer().name, chaincode));
  size_t len = 0;
  const uint8_t* payload = fabric_proposal_result_payload(r.get(), &len);
  return std::string(reinterpret_cast<const char*>(payload), len);
}

void Channel::Deliver(std::string block) {
  // The private data of the block's transactions, by their place in it.
  BlockPrivateData private_data;
  fabric_block* parsed = nullptr;
  if (!private_data_.empty() &&
      fabric_block_parse(&parsed, Bytes(block), block.size(), nullptr) == FABRIC_OK) {
    for (size_t i = 0; i < fabric_block_tx_count(parsed); ++i) {
      auto it = private_data_.find(fabric_block_txid(parsed, i));
      if (it == private_data_.end()) continue;
      private_data.emplace_back(i, std::move(it->second));
      private_data_.erase(it);
    }
    fabric_block_free(parsed);
  }
  for (const auto& p : peers_) p->Deliver(block, private_data);
  blocks_.push_back(std::move(block));
}

absl::Status Channel::Order(const EndorsedTx& tx) {
  if (!tx.private_rwset.empty()) private_data_[tx.txid] = tx.private_rwset;
  const std::string& envelope = tx.envelope;
  std::vector<std::string> cut;
  CCall call;
  FABRIC_RETURN_IF_ERROR(call.Check(fabric_block_assembler_add(
      orderer_.get(), Bytes(envelope), envelope.size(),
      [](const uint8_t* block, size_t len, void* out) {
        static_cast<std::vector<std::string>*>(out)->emplace_back(
            reinterpret_cast<const char*>(block), len);
      },
      &cut, call.err())));
  for (std::string& b : cut) Deliver(std::move(b));
  return absl::OkStatus();
}

absl::Status Channel::Cut() {
  fabric_buf block = FABRIC_BUF_INIT;
  CCall call;
  const int rc = fabric_block_assembler_cut(&block, orderer_.get(), call.err());
  if (rc == FABRIC_ENOTFOUND) return absl::OkStatus();  // nothing pending
  FABRIC_RETURN_IF_ERROR(call.Check(rc));
  Deliver(TakeBuf(&block));
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
  const std::string& crypto = net->crypto_root_;
  FABRIC_RETURN_IF_ERROR(
      testnet::GenerateCrypto(crypto, spec.orgs, spec.peers_per_org, spec.users_per_org));

  for (int n = 1; n <= spec.orgs; ++n) {
    const testnet::OrgSpec org = testnet::PeerOrgSpec(n, spec.peers_per_org, spec.users_per_org);
    FABRIC_ASSIGN_OR_RETURN(auto user, LoadSigner(crypto, org, "User1"));
    FABRIC_ASSIGN_OR_RETURN(auto admin, LoadSigner(crypto, org, "Admin"));
    net->users_.push_back(std::move(user));
    net->admins_.push_back(std::move(admin));
    for (int i = 0; i < spec.peers_per_org; ++i) {
      const std::string who = absl::StrCat("peer", i);
      FABRIC_ASSIGN_OR_RETURN(auto signer, LoadSigner(crypto, org, who));
      net->peers_.push_back({absl::StrCat(who, ".", org.domain), n, org.mspid, signer});
    }
  }
  FABRIC_ASSIGN_OR_RETURN(auto orderer, LoadSigner(crypto, testnet::OrdererOrgSpec(), "orderer0"));

  for (const ChannelSpec& cs : spec.channels) {
    for (int n : cs.orgs) {
      if (n < 1 || n > spec.orgs) {
        return absl::InvalidArgumentError(absl::StrCat(cs.id, ": no org ", n));
      }
    }
    FABRIC_ASSIGN_OR_RETURN(std::string genesis,
                            testnet::SampleGenesisBlock(crypto, cs.id, cs.orgs, spec.block_size));
    fabric_batch_options batch = FABRIC_BATCH_OPTIONS_INIT;
    batch.max_message_count = spec.block_size;
    fabric_block_assembler* assembler = nullptr;
    CCall call;
    FABRIC_RETURN_IF_ERROR(Annotate(
        call.Check(fabric_block_assembler_create(&assembler, Bytes(genesis), genesis.size(),
                                                 orderer.get(), &batch, call.err())),
        absl::StrCat(cs.id, ": orderer")));
    auto ch = std::make_unique<Channel>(cs, genesis, fabric::BlockAssemblerPtr(assembler));
    for (const Peer& peer : net->peers_) {
      if (std::find(cs.orgs.begin(), cs.orgs.end(), peer.org) == cs.orgs.end()) continue;
      FABRIC_ASSIGN_OR_RETURN(
          auto joined, ChannelPeer::Join(peer, absl::StrCat(root, "/peers/", peer.name, "/", cs.id),
                                         genesis, spec.validation_threads));
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
      FABRIC_RETURN_IF_ERROR(CopyOrg(
          testnet::PeerOrgSpec(n, spec_.peers_per_org, spec_.users_per_org), crypto_root_, msp));
    }
    FABRIC_RETURN_IF_ERROR(CopyOrg(testnet::OrdererOrgSpec(), crypto_root_, msp));
  }
  return absl::OkStatus();
}

}  // namespace fabric::network
