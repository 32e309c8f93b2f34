// vm/src/logs.cpp - the hash of a list of log records.
#include "trainchain/vm/logs.hpp"

#include "trainchain/vm/keccak.hpp"
#include "trainchain/vm/rlp.hpp"

namespace trainchain::vm {

bytes32 logs_hash(const std::vector<LogRecord>& logs) {
    std::vector<bytes> items;
    items.reserve(logs.size());
    for (const auto& l : logs) {
        std::vector<bytes> topics;
        topics.reserve(l.topics.size());
        for (const auto& t : l.topics) topics.push_back(rlp::encode(bytes_view{t.bytes}));
        const bytes fields[] = {rlp::encode(bytes_view{l.addr.bytes}), rlp::encode_list(topics),
                                rlp::encode(bytes_view{l.data})};
        items.push_back(rlp::encode_list(fields));
    }
    return keccak256(rlp::encode_list(items));
}

}  // namespace trainchain::vm
