// runtime/src/history.cpp - a stored chain as JSON: the block list `history --json` prints and
// the API serves, and one block in full.
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "trainchain/runtime/chain.hpp"
#include "trainchain/vm/hex.hpp"

namespace trainchain::runtime {
namespace {

/// JSON text of stored data. Stored bytes that are not UTF-8 (a note written before notes were
/// checked, or put there by hand) become U+FFFD instead of failing the whole answer.
std::string dump(const nlohmann::ordered_json& j, int indent) {
    return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

nlohmann::ordered_json finite_or_null(double v) {
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json();
}

nlohmann::ordered_json entry(const Block& b, size_t nodes, int64_t gas) {
    nlohmann::ordered_json e;
    e["height"] = b.header.height;
    e["kind"] = kind_name(b.payload.kind);
    e["epoch"] = b.payload.epoch;
    e["accuracy"] = finite_or_null(b.payload.accuracy);
    e["loss"] = finite_or_null(b.payload.loss);
    e["hash"] = hex(b.hash());
    e["prev"] = hex(b.header.prev);
    e["nonce"] = b.header.nonce;
    e["winner"] = b.header.nonce % nodes;
    e["timestamp_ms"] = b.header.timestamp_ms;
    e["votes"] = b.votes.size();
    e["checkpoint"] = hex(b.payload.checkpoint);
    e["checkpoint_size"] = b.payload.checkpoint_size;
    if (b.payload.kind == BlockKind::Rollback) {
        e["target"] = b.payload.target_height;
        e["failing"] = b.payload.failing_height;
        e["proposals"] = b.payload.proposals.size();
    }
    if (!b.payload.note.empty()) e["note"] = b.payload.note;
    e["gas"] = gas;
    return e;
}

}  // namespace

std::string history_json(const Store& store, int indent) {
    const auto blocks = store.blocks();
    const size_t nodes = store.config().nodes;
    std::map<uint64_t, int64_t> gas;
    for (const auto& g : store.gas_records()) gas[g.height] += g.gas_used;
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& b : blocks) j.push_back(entry(b, nodes, gas[b.header.height]));
    return dump(j, indent);
}

std::optional<std::string> block_json(const Store& store, uint64_t height, int indent) {
    const auto blocks = store.blocks();
    if (height >= blocks.size()) return std::nullopt;
    const Block& b = blocks[height];
    int64_t total = 0;
    nlohmann::ordered_json calls = nlohmann::ordered_json::array();
    for (const auto& g : store.gas_records()) {
        if (g.height != height) continue;
        total += g.gas_used;
        calls.push_back({{"contract", g.contract},
                         {"function", g.function},
                         {"gas_used", g.gas_used},
                         {"success", g.success}});
    }
    nlohmann::ordered_json e = entry(b, store.config().nodes, total);
    nlohmann::ordered_json votes = nlohmann::ordered_json::array();
    for (const auto& v : b.votes)
        votes.push_back({{"node", v.node}, {"accept", v.accept}, {"signature", vm::to_hex(v.signature)}});
    e["vote_list"] = votes;
    if (b.payload.kind == BlockKind::Rollback) {
        nlohmann::ordered_json proposals = nlohmann::ordered_json::array();
        for (const auto& q : b.payload.proposals)
            proposals.push_back(
                {{"node", q.node}, {"target", q.target_height}, {"signature", vm::to_hex(q.signature)}});
        e["proposal_list"] = proposals;
    }
    e["transactions"] = calls;
    return dump(e, indent);
}

}  // namespace trainchain::runtime
