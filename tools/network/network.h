// A sample Fabric network in one process, built on the C ABI alone (fabric/fabric.h and
// fabric/contract.hpp): peers are library instances (per peer and channel a
// fabric_channel with its own ledger directory and a fabric::Endorser over it), each
// channel's orderer is a fabric_block_assembler signing as orderer0 that delivers the
// same block bytes to every peer of the channel, and clients are fabric_signers that
// make proposals (fabric_proposal_create) and transactions (fabric_tx_assemble). The
// material it starts from, crypto and genesis blocks, is made as Fabric's cryptogen and
// configtxgen make it (lib/testnet/material.h).
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
// A peer takes the blocks of a channel as a Fabric peer's deliver client does: one
// thread per peer and channel submits them in order, each with the private data its
// transactions' endorsers handed over (fabric_channel_submit_with_private_data, as
// gossip would: each peer keeps what its org is a member of).
//
// Thread safety: Endorse and Evaluate may be called from many threads at once; Order,
// Cut and Drain from one thread at a time per channel.
#ifndef FABRIC_TOOLS_NETWORK_NETWORK_H_
#define FABRIC_TOOLS_NETWORK_NETWORK_H_

#include <fabric/fabric.h>

#include <cstdint>
#include <deque>
#include <fabric/contract.hpp>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace fabric::network {

struct ChannelSpec {
  std::string id;
  std::vector<int> orgs;  // member orgs by number (1 = Org1); every peer of each joins
};

struct NetworkSpec {
  int orgs = 3;
  int peers_per_org = 1;
  int users_per_org = 1;
  std::vector<ChannelSpec> channels;
  size_t block_size = 100;        // the orderer's BatchSize.MaxMessageCount
  size_t validation_threads = 0;  // per peer and channel (fabric_channel_options.threads)
};

// Org1-Org3 with one peer each; channel1 with Org1-3 and channel2 with Org1 and Org2, so
// peer0.org1 and peer0.org2 are in both channels and peer0.org3 in channel1 only.
NetworkSpec SampleNetwork();

struct Peer {
  std::string name;  // peer0.org1.example.com
  int org = 0;
  std::string mspid;
  std::shared_ptr<const fabric_signer> signer;
};

// What a peer's channel reported for one block: its number and, in block order, each
// transaction's txid and final fabric_tx_code.
struct BlockOutcome {
  uint64_t number = 0;
  std::vector<std::pair<std::string, int>> txs;
};

// Private data handed over with a block: (transaction index, TxPvtReadWriteSet).
using BlockPrivateData = std::vector<std::pair<uint64_t, std::string>>;

// One peer's membership of one channel: its fabric_channel, its endorser, and what the
// channel reported for every delivered block.
class ChannelPeer {
 public:
  static absl::StatusOr<std::unique_ptr<ChannelPeer>> Join(const Peer& peer,
                                                           const std::string& ledger_dir,
                                                           const std::string& genesis_block,
                                                           size_t validation_threads);
  // Submits what is queued, then stops the delivery thread.
  ~ChannelPeer();
  ChannelPeer(const ChannelPeer&) = delete;
  ChannelPeer& operator=(const ChannelPeer&) = delete;

  const Peer& peer() const { return peer_; }
  const fabric_channel* channel() const { return channel_.get(); }
  const fabric::Endorser& endorser() const { return *endorser_; }

  // Hosts `contract` under chaincode `name` on this peer's endorser (which keeps it).
  absl::Status Host(const std::string& name, std::shared_ptr<fabric::Contract> contract);

  // Queues `block` and its private data for the delivery thread; its outcome is kept
  // (results()).
  void Deliver(std::string block, BlockPrivateData private_data);
  // Waits until every delivered block is processed; the first error a block got, if any.
  absl::Status Drain();

  // The outcomes of the delivered blocks, in order; and the chaincode events the peer's
  // subscription received, counted by event name.
  std::vector<BlockOutcome> results() const;
  std::map<std::string, size_t> events() const;

 private:
  explicit ChannelPeer(const Peer& peer) : peer_(peer) {}
  void DeliveryLoop();
  static void CountEvent(const fabric_chaincode_event* event, void* self);

  const Peer peer_;
  fabric::ChannelPtr channel_;
  std::unique_ptr<fabric::Endorser> endorser_;
  int subscription_ = 0;

  mutable absl::Mutex mu_;
  std::deque<std::pair<std::string, BlockPrivateData>> queue_ ABSL_GUARDED_BY(mu_);
  bool submitting_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<BlockOutcome> results_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, size_t> events_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  std::thread delivery_;  // last: started once the rest is set up
};

// A transaction ready for ordering.
struct EndorsedTx {
  std::string txid;
  std::string envelope;       // a serialized common.Envelope
  std::string payload;        // the contract's response payload
  std::string private_rwset;  // the private data it wrote (a TxPvtReadWriteSet), or ""
};


class Channel {
 public:
  Channel(ChannelSpec spec, std::string genesis_block, fabric::BlockAssemblerPtr orderer)
      : spec_(std::move(spec)), genesis_(std::move(genesis_block)), orderer_(std::move(orderer)) {}

  const std::string& id() const { return spec_.id; }
  const ChannelSpec& spec() const { return spec_; }
  const std::string& genesis_block() const { return genesis_; }
  const std::vector<std::unique_ptr<ChannelPeer>>& peers() const { return peers_; }
  void AddPeer(std::unique_ptr<ChannelPeer> peer) { peers_.push_back(std::move(peer)); }
  // The first peer of org `org` in this channel; nullptr if the org has none here.
  const ChannelPeer* PeerOf(int org) const;

  // A proposal by `client` for `args` of `chaincode`, endorsed by one peer of each org in
  // `orgs`, assembled into a signed transaction. An endorser's refusal or an error
  // response is an error naming the peer.
  absl::StatusOr<EndorsedTx> Endorse(const fabric_signer& client, const std::string& chaincode,
                                     const std::vector<std::string>& args,
                                     const std::vector<int>& orgs) const;
  // A query by `client` on `peer`; a response status of 400 or more is an error.
  absl::StatusOr<std::string> Evaluate(const fabric_signer& client, const ChannelPeer& peer,
                                       const std::string& chaincode,
                                       const std::vector<std::string>& args) const;

  // The orderer: adds the transaction; the blocks it cuts go to every peer, each with
  // the private data of its transactions.
  absl::Status Order(const EndorsedTx& tx);
  // Cuts what is pending, if anything, into a block for every peer.
  absl::Status Cut();
  size_t pending() const { return fabric_block_assembler_pending(orderer_.get()); }
  // Waits until every peer has processed every block; the first peer error.
  absl::Status Drain();

  // Every block delivered, in order (block 1 first).
  const std::vector<std::string>& blocks() const { return blocks_; }

 private:
  void Deliver(std::string block);
  absl::StatusOr<std::pair<std::string, std::string>> Propose(
      const fabric_signer& client, const std::string& chaincode,
      const std::vector<std::string>& args) const;

  const ChannelSpec spec_;
  const std::string genesis_;
  fabric::BlockAssemblerPtr orderer_;
  std::vector<std::unique_ptr<ChannelPeer>> peers_;
  std::vector<std::string> blocks_;
  std::map<std::string, std::string> private_data_;  // txid -> data, until delivered
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
  const fabric_signer& user(int org) const { return *users_.at(org - 1); }
  const fabric_signer& admin(int org) const { return *admins_.at(org - 1); }

  // Writes each channel as the vectors lay it out: <out>/<channel>/genesis.block,
  // blocks/NNNNNN.block (as the orderer delivered them) and msp/ (the crypto material
  // of the channel's orgs and of the orderer org).
  absl::Status WriteVectors(const std::string& out) const;

 private:
  Network() = default;

  NetworkSpec spec_;
  std::string crypto_root_;
  std::vector<Peer> peers_;
  std::vector<std::shared_ptr<const fabric_signer>> users_, admins_;
  std::vector<std::unique_ptr<Channel>> channels_;  // after peers_ and users_: gone first
};

}  // namespace fabric::network

#endif  // FABRIC_TOOLS_NETWORK_NETWORK_H_
