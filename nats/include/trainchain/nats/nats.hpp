// nats/include/trainchain/nats/nats.hpp - the user nodes on other machines: the Results
// Queue and the Consensus Queue on NATS JetStream (Debian's nats-server and libnats), the server's
// side of it (NatsTransport) and a user node as its own process (run_node).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "trainchain/runtime/transport.hpp"

namespace trainchain::nats {

/// Where a run's queues live: `nats://HOST:PORT/RUN` (RUN: letters, digits, '-' and '_';
/// "trainchain" when absent). Subjects are `tc.RUN.…`, streams `TC_RUN_BLOCKS` and `TC_RUN_QUEUES`.
struct Endpoint {
    std::string server;  ///< nats://HOST:PORT
    std::string run;
};

/// Parses an endpoint; nullopt with the reason in `error` when malformed.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::string* error);

/// A transport that cannot reach NATS or is given a malformed message setup.
struct NatsError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// How the server side waits.
struct NatsOptions {
    double resend_seconds = 1.0;  ///< a request unanswered this long is sent again (late/restarted nodes)
    /// Status lines while block creation waits (for a proof of work, a quorum, restore points).
    std::function<void(const std::string&)> status;
    /// Set by the owner to give up waiting (a server shutting down): the waiting call throws NatsError.
    std::shared_ptr<std::atomic<bool>> cancel;
};

/// The server's side: broadcasts candidates, vote requests and rollback requests, collects the
/// nodes' signed claims, votes and proposals, and publishes every accepted block to a stream
/// (one subject per height) from which nodes catch up. Waits (with status lines) while fewer than
/// the quorum answer; never gives up on its own.
class NatsTransport final : public runtime::Transport {
public:
    /// Connects and makes sure the run's streams exist. Throws NatsError.
    NatsTransport(const Endpoint& endpoint, NatsOptions options = {});
    ~NatsTransport() override;

    void open(const runtime::ChainConfig& config, const std::vector<runtime::NodeRecord>& nodes,
              const std::vector<runtime::Block>& blocks, const runtime::KeyPair& server_key) override;
    void post_result(const runtime::EpochResult& result, const runtime::Hash& checkpoint) override;
    void broadcast(const runtime::BlockHeader& header, const runtime::Payload& payload,
                   const std::vector<uint32_t>& recipients) override;
    runtime::RaceOutcome race(runtime::BlockHeader& header, const runtime::Payload& payload,
                              runtime::ConsensusQueue& claims) override;
    void collect_votes(const runtime::BlockHeader& claimed, const runtime::WorkClaim& claim,
                       const std::function<bool(const runtime::Vote&)>& on_vote) override;
    void accepted(const runtime::Block& block) override;
    void collect_restore_points(const runtime::RestoreRequest& request,
                                const std::function<void(const runtime::Proposal&)>& on_proposal) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// A user node process's settings.
struct NodeOptions {
    Endpoint endpoint;
    std::filesystem::path key_file;  ///< the node's private key (`trainchain node keygen`)
    std::filesystem::path
        data_dir;  ///< its replica (a chain store without checkpoints) and the pinned server key
    runtime::Fault fault = runtime::Fault::None;  ///< for tests and demonstrations
    std::optional<runtime::PublicKey>
        server_key;        ///< the server's key, when known (else pinned on first sight)
    unsigned threads = 1;  ///< mining threads
    std::function<void(const std::string&)> log;  ///< one line per event
};

/// Runs a user node until `stop` is set: catches up from the blocks stream (and from peers),
/// then receives candidates, mines its share of the nonce space, checks claims and votes,
/// proposes restore points, and answers peers' block requests. Throws NatsError or
/// runtime::StoreError on a setup it cannot run with (key not registered, replica of another run).
void run_node(const NodeOptions& options, const std::atomic<bool>& stop);

/// Releases the NATS library's threads and memory once every transport and node has ended (call
/// before the process exits).
void shutdown() noexcept;

}  // namespace trainchain::nats
