// The seed corpus of each fuzz target, made from the conformance vectors (VectorsDir())
// each time it is needed, so no vector is copied into the tree.
#ifndef FABRIC_TESTS_FUZZ_SEEDS_H_
#define FABRIC_TESTS_FUZZ_SEEDS_H_

#include <string>
#include <vector>

namespace fabric::fuzz {

// The targets: block, channel, endorser, policy, identity, config_update, private_data,
// snapshot, p256.
const std::vector<std::string>& Targets();

// The seed inputs of `target`; empty for an unknown target.
std::vector<std::string> Seeds(const std::string& target);

}  // namespace fabric::fuzz

#endif  // FABRIC_TESTS_FUZZ_SEEDS_H_
