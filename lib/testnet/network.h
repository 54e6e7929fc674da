// A sample Fabric network in one process: crypto material made by our cryptogen, one
// genesis block per channel, peers that are library instances (per peer and channel a
// channel::Channel with its own ledger directory and an endorse::Endorser over it),
// and per channel an orderer (ordering::BlockAssembler signed by orderer0) that delivers
// the same block bytes to every peer of the channel.
//
//   auto net = Network::Create("/tmp/net", SampleNetwork());
//   Channel& ch = *(*net)->channels()[0];
//   auto tx = ch.Endorse((*net)->user(1), "basic", {"CreateAsset", ...}, {1, 2});
//   ch.Order(tx->envelope); ch.Cut(); ch.Drain();
//
// Layout under `root`:
//   crypto/peerOrganizations/org<N>.example.com/...   (testnet/cryptogen.h)
//   crypto/ordererOrganizations/example.com/...
//   peers/peer<i>.org<N>.example.com/<channel>/        each peer's ledger of a channel
//
// Thread safety: Endorse and Evaluate may be called from many threads at once; Order,
// Cut and Drain from one thread at a time per channel. Peers commit on their
// channels' threads.
#ifndef FABRIC_LIB_TESTNET_NETWORK_H_
#define FABRIC_LIB_TESTNET_NETWORK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "lib/channel/channel.h"
#include "lib/client/client.h"
#include "lib/endorse/contract.h"
#include "lib/endorse/endorser.h"
#include "lib/identity/signing_identity.h"
#include "lib/ordering/block_assembler.h"
#include "lib/testnet/cryptogen.h"

namespace fabric::testnet {

// Org<n>, org<n>.example.com, Org<n>MSP; and the orderer org (OrdererMSP, example.com,
// `orderers` orderers).
testnet::OrgSpec PeerOrgSpec(int n, int peers, int users);
testnet::OrgSpec OrdererOrgSpec(int orderers = 1);

// The crypto material of `orgs` peer orgs and the orderer org under `root`.
absl::Status GenerateCrypto(const std::string& root, int orgs, int peers_per_org,
                            int users_per_org);

struct ChannelSpec {
  std::string id;
  std::vector<int> orgs;  // member orgs by number (1 = Org1); every peer of each joins
};

struct NetworkSpec {
  int orgs = 3;
  int peers_per_org = 1;
  int users_per_org = 1;
  std::vector<ChannelSpec> channels;
  size_t block_size = 100;  // the orderer's BatchSize.MaxMessageCount
  channel::ChannelOptions channel_options;
};

// Org1-Org3 with one peer each; channel1 with Org1-3 and channel2 with Org1 and Org2, so
// peer0.org1 and peer0.org2 are in both channels and peer0.org3 in channel1 only.
NetworkSpec SampleNetwork();

struct Peer {
  std::string name;  // peer0.org1.example.com
  int org = 0;
  std::string mspid;
  std::shared_ptr<const identity::SigningIdentity> signer;
};

// One peer's membership of one channel: its channel (lib/channel) and endorser, and what
// the channel reported for every delivered block.
class ChannelPeer {
 public:
  static absl::StatusOr<std::unique_ptr<ChannelPeer>> Join(const Peer& peer,
                                                           const std::string& ledger_dir,
                                                           const std::string& genesis_block,
                                                           const channel::ChannelOptions& opts);
  ~ChannelPeer();

  const Peer& peer() const { return peer_; }
  const channel::Channel& channel() const { return *channel_; }
  endorse::Endorser& endorser() const { return *endorser_; }

  // Hands `block` to the channel; its result is kept (results()).
  void Deliver(std::string block);
  // Waits for every delivered block; the first error a block got, if any.
  absl::Status Drain();

  // The results of the delivered blocks, in order; and the chaincode events its
  // subscription received, counted by event name.
  std::vector<channel::BlockResult> results() const;
  std::map<std::string, size_t> events() const;

 private:
  explicit ChannelPeer(const Peer& peer) : peer_(peer) {}

  const Peer peer_;
  std::unique_ptr<channel::Channel> channel_;
  std::unique_ptr<endorse::Endorser> endorser_;  // declared after: destroyed first
  int subscription_ = -1;
  mutable absl::Mutex mu_;
  std::vector<channel::BlockResult> results_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, size_t> events_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

// A transaction ready for ordering.
struct EndorsedTx {
  std::string txid;
  std::string envelope;  // a serialized common.Envelope
};

class Channel {
 public:
  Channel(ChannelSpec spec, std::string genesis_block,
          std::unique_ptr<ordering::BlockAssembler> orderer)
      : spec_(std::move(spec)), genesis_(std::move(genesis_block)), orderer_(std::move(orderer)) {}

  const std::string& id() const { return spec_.id; }
  const ChannelSpec& spec() const { return spec_; }
  const std::string& genesis_block() const { return genesis_; }
  const std::vector<std::unique_ptr<ChannelPeer>>& peers() const { return peers_; }
  void AddPeer(std::unique_ptr<ChannelPeer> peer) { peers_.push_back(std::move(peer)); }
  // The first peer of org `org` in this channel; nullptr if the org has none here.
  const ChannelPeer* PeerOf(int org) const;

  // A proposal by `client` for `args` of `chaincode`, endorsed by one peer of each org in
  // `orgs`, assembled into a signed transaction. An endorser's rejection or an error
  // response is an error naming the peer.
  absl::StatusOr<EndorsedTx> Endorse(const identity::SigningIdentity& client,
                                     const std::string& chaincode, std::vector<std::string> args,
                                     const std::vector<int>& orgs) const;
  // A query by `client` on `peer`; a response status of 400 or more is an error.
  absl::StatusOr<std::string> Evaluate(const identity::SigningIdentity& client,
                                       const ChannelPeer& peer, const std::string& chaincode,
                                       std::vector<std::string> args) const;

  // The orderer: adds an envelope; the blocks it cuts go to every peer.
  absl::Status Order(std::string envelope);
  // Cuts what is pending, if anything, into a block for every peer.
  absl::Status Cut();
  size_t pending() const { return orderer_->pending(); }
  // Waits until every peer has processed every block; the first peer error.
  absl::Status Drain();

  // Every block delivered, in order (block 1 first).
  const std::vector<std::string>& blocks() const { return blocks_; }

 private:
  void Deliver(std::string block);
  absl::StatusOr<client::SignedProposal> Propose(const identity::SigningIdentity& client,
                                                 const std::string& chaincode,
                                                 std::vector<std::string> args) const;

  const ChannelSpec spec_;
  const std::string genesis_;
  std::unique_ptr<ordering::BlockAssembler> orderer_;
  std::vector<std::unique_ptr<ChannelPeer>> peers_;
  std::vector<std::string> blocks_;
};

class Network {
 public:
  // Makes the crypto material, the genesis blocks and the peers under `root` (see the
  // layout above), every peer joined to the channels of its org.
  static absl::StatusOr<std::unique_ptr<Network>> Create(const std::string& root,
                                                         const NetworkSpec& spec);

  const NetworkSpec& spec() const { return spec_; }
  const std::string& crypto_root() const { return crypto_root_; }
  const std::vector<std::unique_ptr<Channel>>& channels() const { return channels_; }
  size_t num_peers() const { return peers_.size(); }

  // User1@org<n> and Admin@org<n>. REQUIRES: 1 <= n <= spec().orgs.
  const identity::SigningIdentity& user(int org) const { return *users_.at(org - 1); }
  const identity::SigningIdentity& admin(int org) const { return *admins_.at(org - 1); }

  // Writes each channel as the vectors lay it out: <out>/<channel>/genesis.block,
  // blocks/NNNNNN.block (as the orderer delivered them) and msp/ (the crypto material
  // of the channel's orgs and of the orderer org).
  absl::Status WriteVectors(const std::string& out) const;

 private:
  Network() = default;

  NetworkSpec spec_;
  std::string crypto_root_;
  std::vector<Peer> peers_;
  std::vector<std::shared_ptr<const identity::SigningIdentity>> users_, admins_;
  std::vector<std::unique_ptr<Channel>> channels_;  // after peers_ and users_: gone first
};

}  // namespace fabric::testnet

#endif  // FABRIC_LIB_TESTNET_NETWORK_H_
