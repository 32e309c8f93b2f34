// runtime/src/rebuild.cpp - a run directory rebuilt from another copy of the run (a user node's
// replica, which holds what the server's store holds except the server's key): every block with
// its votes, records, state journal row and checkpoint, copied byte for byte and verified as
// `verify` verifies.
#include <system_error>

#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/keys.hpp"

namespace trainchain::runtime {

RebuildReport rebuild_from(const Store& source, const std::filesystem::path& dir,
                           const PublicKey& server_key) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
        throw ChainError(dir.string() + ": error: the directory exists and is not empty");
    const auto snapshot = source.snapshot();
    const auto raw = source.raw_blocks();
    if (raw.empty()) throw ChainError(source.dir().string() + ": error: the copy holds no block");
    const uint64_t tip = raw.back().height;
    if (const auto recorded = source.meta(meta_key::server_public_key);
        recorded && *recorded != hex(server_key))
        throw KeyFileError(source.dir().string() + ": error: the copy was made with server key " + *recorded +
                           ", not " + hex(server_key));
    // The state journal must reach the last block, or a resumed run would run its contracts on an
    // older state. A server's store has a row for every block; a replica has one for every block it
    // received with its records.
    if (const auto at = source.state_height(); !at || *at != tip)
        throw ChainError(source.dir().string() + ": error: the copy's VM state is " +
                         (at ? "the one after block " + std::to_string(*at) : std::string("not recorded")) +
                         ", not the one after its last block " + std::to_string(tip) +
                         " (rebuild from a node that holds it)");
    const auto contracts = source.meta(meta_key::contracts);
    if (!contracts)
        throw ChainError(source.dir().string() + ": error: the copy lacks the contract addresses");
    const auto blocks = source.blocks(raw);

    RebuildReport rep;
    const bool existed = fs::exists(dir, ec);
    try {
        auto out = Store::create(dir, source.config());
        out->put_nodes(source.nodes());
        out->set_meta(meta_key::contracts, *contracts);
        out->set_meta(meta_key::server_public_key, hex(server_key));
        if (const auto run_config = source.meta(meta_key::run_config))
            out->set_meta(meta_key::run_config, *run_config);
        // A replica is a copy of a run whose nodes hold their own keys; a server's store says.
        out->set_meta(meta_key::node_keys, in_process_nodes(source) ? meta_key::node_keys_in_process
                                                                    : meta_key::node_keys_external);
        for (const auto& b : blocks) {
            const auto& p = b.payload;
            if (p.kind == BlockKind::Epoch) {
                const Bytes file = source.checkpoint_file(p.checkpoint);
                if (file.empty())
                    throw ChainError(source.dir().string() +
                                     ": error: the copy lacks the checkpoint of block " +
                                     std::to_string(b.header.height) + " (" + hex(p.checkpoint) + ")");
                out->put_checkpoint_file(p.checkpoint, file, p.checkpoint_size);
                ++rep.checkpoints;
            }
            const uint64_t h = b.header.height;
            // The journal's rows as the copy holds them (from its first: a run made before the
            // journal has none before the block it was migrated at).
            const auto state = source.state_record(h);
            out->append(b, source.gas_records(h), state ? &*state : nullptr, source.gas_profiles(h));
            ++rep.blocks;
        }
        rep.verify = verify(*out);
        if (!rep.verify.ok)
            throw ChainError(dir.string() + ": error: the rebuilt chain does not verify: block " +
                             (rep.verify.bad_height ? std::to_string(*rep.verify.bad_height) : "-") + ": " +
                             rep.verify.reason);
    } catch (...) {
        // Nothing half made stays behind: a later rebuild starts from an empty directory.
        if (existed) {
            for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove_all(entry.path(), ec);
        } else {
            fs::remove_all(dir, ec);
        }
        throw;
    }
    return rep;
}

}  // namespace trainchain::runtime
