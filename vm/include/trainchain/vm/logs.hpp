// vm/include/trainchain/vm/logs.hpp - the hash of a list of log records, as Ethereum's conformance
// tests (VMTests' and GeneralStateTests' "logs") state it.
#pragma once

#include <vector>

#include "trainchain/vm/host.hpp"
#include "trainchain/vm/state.hpp"

namespace trainchain::vm {

/// keccak256(rlp([[address, [topic, ...], data], ...])) of `logs` in order; the empty list hashes
/// to 0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347.
bytes32 logs_hash(const std::vector<LogRecord>& logs);

}  // namespace trainchain::vm
