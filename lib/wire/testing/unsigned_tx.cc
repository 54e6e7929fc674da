#include "lib/wire/testing/unsigned_tx.h"

#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/proposal.pb.h"
#include "lib/wire/proto/proposal_response.pb.h"
#include "lib/wire/proto/transaction.pb.h"

namespace fabric::wire::testing {

std::string UnsignedEndorserTx(absl::string_view txid, absl::string_view results) {
  common::SignatureHeader sh;
  sh.set_creator("creator");
  sh.set_nonce(std::string(txid));
  protos::ChaincodeAction ca;
  ca.set_results(std::string(results));
  ca.mutable_chaincode_id()->set_name("cc");
  protos::ProposalResponsePayload prp;
  prp.set_proposal_hash(std::string(32, 'h'));
  prp.set_extension(ca.SerializeAsString());
  protos::ChaincodeActionPayload cap;
  cap.mutable_action()->set_proposal_response_payload(prp.SerializeAsString());
  cap.mutable_action()->add_endorsements()->set_endorser("endorser");
  protos::Transaction t;
  protos::TransactionAction* action = t.add_actions();
  action->set_header(sh.SerializeAsString());
  action->set_payload(cap.SerializeAsString());
  common::ChannelHeader ch;
  ch.set_type(common::ENDORSER_TRANSACTION);
  ch.set_channel_id("mychannel");
  ch.set_tx_id(std::string(txid));
  ch.mutable_timestamp()->set_seconds(1700000000);
  common::Payload p;
  p.mutable_header()->set_channel_header(ch.SerializeAsString());
  p.mutable_header()->set_signature_header(sh.SerializeAsString());
  p.set_data(t.SerializeAsString());
  common::Envelope e;
  e.set_payload(p.SerializeAsString());
  e.set_signature("signature");
  return e.SerializeAsString();
}

}  // namespace fabric::wire::testing
