#include "tests/fuzz/proto_util.h"

#include "tests/fuzz/fuzz_util.h"

namespace fabric::fuzz {

namespace {
common::Block ParseBlock(const std::string& bytes) {
  common::Block block;
  FUZZ_CHECK(block.ParseFromString(bytes), "not a block");
  return block;
}
common::Payload FirstPayload(const common::Block& block) {
  FUZZ_CHECK(block.data().data_size() >= 1, "empty block");
  common::Envelope env;
  FUZZ_CHECK(env.ParseFromString(block.data().data(0)), "envelope");
  common::Payload payload;
  FUZZ_CHECK(payload.ParseFromString(env.payload()), "payload");
  return payload;
}
}  // namespace

common::Config ConfigOfBlock(const std::string& bytes) {
  common::ConfigEnvelope ce;
  FUZZ_CHECK(ce.ParseFromString(FirstPayload(ParseBlock(bytes)).data()), "config envelope");
  return ce.config();
}

msp::MSPConfig MspConfigOf(const common::Config& config, const std::string& org) {
  for (const char* section : {"Application", "Orderer"}) {
    auto s = config.channel_group().groups().find(section);
    if (s == config.channel_group().groups().end()) continue;
    auto g = s->second.groups().find(org);
    if (g == s->second.groups().end()) continue;
    auto v = g->second.values().find("MSP");
    FUZZ_CHECK(v != g->second.values().end(), "%s has no MSP value", org.c_str());
    msp::MSPConfig out;
    FUZZ_CHECK(out.ParseFromString(v->second.value()), "MSP value of %s", org.c_str());
    return out;
  }
  FUZZ_CHECK(false, "no org %s", org.c_str());
  return {};
}

common::ConfigUpdate ConfigUpdateOfBlock(const std::string& bytes) {
  common::ConfigEnvelope ce;
  FUZZ_CHECK(ce.ParseFromString(FirstPayload(ParseBlock(bytes)).data()), "config envelope");
  common::Payload payload;
  FUZZ_CHECK(payload.ParseFromString(ce.last_update().payload()), "last update payload");
  common::ConfigUpdateEnvelope cue;
  FUZZ_CHECK(cue.ParseFromString(payload.data()), "config update envelope");
  common::ConfigUpdate update;
  FUZZ_CHECK(update.ParseFromString(cue.config_update()), "config update");
  return update;
}

std::string BlockDataEntry(const std::string& bytes, int index) {
  return ParseBlock(bytes).data().data(index);
}

int BlockDataCount(const std::string& bytes) { return ParseBlock(bytes).data().data_size(); }

}  // namespace fabric::fuzz
