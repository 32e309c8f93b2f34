// nats/include/trainchain/nats/nats.hpp - the user nodes on other machines: the Results
// Queue and the Consensus Queue on NATS JetStream (Debian's nats-server and libnats), the server's
// side of it (NatsTransport) and a user node as its own process (run_node).
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "trainchain/runtime/transport.hpp"

namespace trainchain::nats {

/// Where a run's queues live: `nats://HOST:PORT/RUN` (RUN: letters, digits, '-' and '_';
/// "trainchain" when absent). Subjects are `tc.RUN.…`, streams `TC_RUN_BLOCKS`, `TC_RUN_QUEUES` and
/// `TC_RUN_CHECKPOINTS`.
struct Endpoint {
    std::string server;  ///< nats://HOST:PORT, or several of one cluster: nats://A:1,nats://B:2
    std::string run;
};

/// The most servers one endpoint may list.
inline constexpr size_t max_endpoint_servers = 16;

/// Parses an endpoint, `nats://HOST:PORT[,HOST:PORT...][/RUN]` (the run defaults to `trainchain`);
/// nullopt with the reason in `error` when malformed. With several servers the connection fails over
/// among them.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::string* error);

/// A transport that cannot reach NATS or is given a malformed message setup.
struct NatsError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The run's information is signed by another server key than the one given or pinned: the
/// operator named the wrong key (bad input), or another server took the run's name.
struct ServerKeyError : NatsError {
    using NatsError::NatsError;
};

/// A node's data directory (`node run --data DIR`): its replica of the chain, a store like the
/// server's, in DIR/replica_dir, and the server key it pinned on first sight in DIR/pinned_key_file.
inline constexpr const char* replica_dir = "replica";
inline constexpr const char* pinned_key_file = "server.pub";

/// The server key a node's data directory pinned; nullopt when it pinned none (or the file is not
/// 64 hex digits).
std::optional<runtime::PublicKey> pinned_server_key(const std::filesystem::path& data_dir);

/// How the run's streams are kept. Unset values keep what an existing stream has (a resumed run,
/// a second server) and give a new stream the default.
struct StreamSettings {
    /// JetStream replicas of every stream of the run (1 by default; runtime::min_stream_replicas to
    /// max_stream_replicas; more than 1 needs a JetStream cluster of that many servers).
    std::optional<uint32_t> replicas;
    /// The checkpoints stream drops checkpoints older than this (0, the default: never).
    std::optional<uint64_t> checkpoint_max_age_seconds;
    /// The checkpoints stream drops its oldest checkpoints beyond this size (0, the default: never).
    std::optional<uint64_t> checkpoint_max_bytes;
};

/// Checks settings against runtime/limits.hpp; the reason, naming the option, when out of range.
std::optional<std::string> check_stream_settings(const StreamSettings& settings);

/// How the server side waits.
struct NatsOptions {
    StreamSettings streams;       ///< replication and retention of the run's streams
    double resend_seconds = 1.0;  ///< a request unanswered this long is sent again (late/restarted nodes)
    /// Status lines while block creation waits (for a proof of work, a quorum, restore points).
    std::function<void(const std::string&)> status;
    /// Set by the owner to give up waiting (a server shutting down): the waiting call throws NatsError.
    std::shared_ptr<std::atomic<bool>> cancel;
};

/// The server's side: broadcasts candidates, vote requests and rollback requests, collects the
/// nodes' signed claims, votes and proposals, and publishes every accepted block to a stream
/// (one subject per height) from which nodes catch up, with the block's gas records, profiles and
/// state journal row (what its contract calls changed in the VM world). Every checkpoint a block names goes
/// to the checkpoints stream before the block's candidate (the stored file in chunks, then a signed
/// description), so that each node holds it before it votes. Waits (with status lines) while fewer than the
/// quorum answer; never gives up on its own.
class NatsTransport final : public runtime::Transport {
public:
    /// Connects and makes sure the run's streams exist. Throws NatsError.
    NatsTransport(const Endpoint& endpoint, NatsOptions options = {});
    ~NatsTransport() override;

    void open(const runtime::ChainConfig& config, const std::vector<runtime::NodeRecord>& nodes,
              const std::vector<runtime::Block>& blocks, const runtime::KeyPair& server_key,
              const runtime::Store& store) override;
    void post_result(const runtime::EpochResult& result, const runtime::Hash& checkpoint) override;
    void publish_checkpoint(const runtime::Store& store, const runtime::Hash& digest) override;
    void broadcast(const runtime::BlockHeader& header, const runtime::Payload& payload,
                   const std::vector<uint32_t>& recipients) override;
    runtime::RaceOutcome race(runtime::BlockHeader& header, const runtime::Payload& payload,
                              runtime::ConsensusQueue& claims) override;
    void collect_votes(const runtime::BlockHeader& claimed, const runtime::WorkClaim& claim,
                       const runtime::VoteRound& round,
                       const std::function<bool(const runtime::Vote&)>& on_vote) override;
    void accepted(const runtime::Block& block, const runtime::BlockRecords& records) override;
    void collect_restore_points(const runtime::RestoreRequest& request,
                                const std::function<void(const runtime::Proposal&)>& on_proposal) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// A replaying node's check of an epoch block carrying a segment commitment (sampled replay), run
/// when the server's vote request names the node among the block's replayers and the node's own
/// checks passed (it holds the block's checkpoint in `replica` then). `claimed` is the header with
/// the claimed nonce, `accept_signature` the node's signature of vote_message(hash, true) (the
/// segments are drawn from it: runtime::segment_sample_seed), `fetch` gets leaves, proofs and states
/// from the server (nullopt when it cannot within NodeOptions::checkpoint_wait_seconds). Returns ok
/// to accept; a rejection (of kind ValidationResult::Training) makes the vote a reject carrying it,
/// a veto. Called on the node's message thread with the replica locked. An exception means the node
/// could not check (no configuration, no data): it votes as if it did not replay.
using NodeEpochCheck = std::function<runtime::ValidationState(
    const runtime::BlockHeader& claimed, const runtime::Payload& payload,
    const runtime::Signature& accept_signature, const runtime::Store& replica,
    const runtime::SegmentSource& fetch)>;

/// A user node process's settings.
struct NodeOptions {
    Endpoint endpoint;
    std::filesystem::path key_file;  ///< the node's private key (`trainchain node keygen`)
    /// Its replica (`replica/`: a chain store like the server's, with the checkpoints, gas records
    /// and state journal, without the server's key) and the pinned server key (`server.pub`).
    std::filesystem::path data_dir;
    runtime::Fault fault = runtime::Fault::None;  ///< for tests and demonstrations
    std::optional<runtime::PublicKey>
        server_key;        ///< the server's key, when known (else pinned on first sight)
    unsigned threads = 1;  ///< mining threads
    std::function<void(const std::string&)> log;  ///< one line per event
    /// How long a vote waits for the block's checkpoint when the node does not hold it yet; without
    /// it by then (or with a checkpoint that does not match the block) the node votes reject.
    double checkpoint_wait_seconds = 20;
    /// Set: the node replays the epochs it is drawn for (`node run --replay`); unset, it votes on
    /// them without replaying (the server counts it as unchecked).
    NodeEpochCheck epoch_check;
};

/// Runs a user node until `stop` is set: catches up from the blocks stream (and from peers),
/// fetches the checkpoints it lacks (from the checkpoints stream, else from peers), then receives
/// candidates, mines its share of the nonce space, fetches each block's checkpoint, checks claims
/// and votes (accept only while it holds the block's checkpoint), proposes restore points, and
/// answers peers' block and checkpoint requests. Throws NatsError or
/// runtime::StoreError on a setup it cannot run with (key not registered, replica of another run).
void run_node(const NodeOptions& options, const std::atomic<bool>& stop);

/// What fetch_run copied.
struct FetchReport {
    uint64_t blocks = 0;             ///< blocks in the copy
    uint64_t from_stream = 0;        ///< of them, taken from the blocks stream
    uint64_t from_peers = 0;         ///< of them, taken from the nodes (the stream had lost them)
    size_t missing_checkpoints = 0;  ///< epoch checkpoints neither the stream nor a node gave
    bool state_after_tip = false;    ///< the copy's state journal reaches its last block
};

/// Copies what the broker and the nodes hold of a run into a replica at `data_dir/replica` (as a
/// node's catch-up does, without a key of its own: it votes on nothing and answers no peer): the
/// run information (which must be signed by `server_key`), every block the blocks stream holds and
/// then every block the nodes hold beyond it, each checked as a node checks it, their records and
/// state journal rows, and every epoch's checkpoint (from the checkpoints stream, else from
/// the nodes). For `chain rebuild --transport`. Throws NatsError (no such run, another server key)
/// or runtime::StoreError.
FetchReport fetch_run(const Endpoint& endpoint, const runtime::PublicKey& server_key,
                      const std::filesystem::path& data_dir,
                      const std::function<void(const std::string&)>& log);

/// Releases the NATS library's threads and memory once every transport and node has ended (call
/// before the process exits).
void shutdown() noexcept;

}  // namespace trainchain::nats
