// nats/src/link.hpp - what the server and the node processes share: the NATS connection
// and JetStream context, the run's subjects and streams, signed envelopes, and the JSON forms of
// blocks and candidates.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "trainchain/nats/nats.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/vm/hex.hpp"

namespace trainchain::nats::detail {

using Json = nlohmann::json;
using runtime::Bytes;

/// The run's subject names. Server messages are under `tc.RUN.s.`, node messages under `tc.RUN.n.`.
struct Subjects {
    explicit Subjects(const std::string& run);
    std::string info, block_prefix, all_blocks, candidate, vote_request, restore_request, results;
    std::string claim, vote, proposal, fetch, server_all;
    std::string blocks_stream, queues_stream;
    [[nodiscard]] std::string block(uint64_t height) const { return block_prefix + std::to_string(height); }
};

/// A received message: its subject, its body and who signed it (checked by the caller).
struct Envelope {
    std::string subject;
    std::string body;
    runtime::Signature signature{};
    std::string reply;  ///< reply subject of a request
};

/// The bytes signed for a message on `subject` with `body`.
Bytes signed_bytes(const std::string& subject, const std::string& body);
/// The wire form: body then the 64-byte signature.
std::string seal(const runtime::KeyPair& key, const std::string& subject, const std::string& body);
/// Splits a wire message; nullopt when shorter than a signature.
std::optional<Envelope> open_envelope(natsMsg* msg);
bool verify_envelope(const runtime::PublicKey& key, const Envelope& e);

/// How a Link behaves when the broker is missing or slow.
struct LinkOptions {
    /// When set, every wait and retry gives up with NatsError (a node stopping, serve shutting down).
    const std::atomic<bool>* stop = nullptr;
    /// A node: connects, and retries what timed out, until `stop`. Otherwise (the server) an
    /// unreachable broker is an error at once and a call that times out is retried a few times.
    bool patient = false;
    std::function<void(const std::string&)> log;
};

/// One connection with its JetStream context; once connected, reconnects forever.
class Link {
public:
    /// Connects (see LinkOptions). Throws NatsError.
    Link(const Endpoint& endpoint, const std::string& who, LinkOptions options = {});
    ~Link();
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    /// Creates the run's streams when they do not exist.
    void ensure_streams();
    /// Publishes to a stream and waits for its acknowledgement (the message is durable).
    void publish_durable(const std::string& subject, const std::string& data);
    /// Publishes without waiting for the stream's acknowledgement (still stored when the subject
    /// belongs to a stream).
    void publish(const std::string& subject, const std::string& data);
    /// The last message stored on `subject` in `stream` (a direct get); nullopt when none, or
    /// when the stream does not exist or is still being created.
    std::optional<Envelope> last(const std::string& stream, const std::string& subject);
    /// A request with a reply; nullopt on timeout or when no one answers.
    std::optional<std::string> request(const std::string& subject, const std::string& data, int timeout_ms);

    [[nodiscard]] natsConnection* connection() const noexcept { return nc_; }
    [[nodiscard]] jsCtx* js() const noexcept { return js_; }
    [[nodiscard]] const Subjects& subjects() const noexcept { return subjects_; }

    /// Throws NatsError ("stopped while `what`") when the owner asked to stop.
    void check_stop(const std::string& what) const;

private:
    /// Whether a call that failed with `s` on its `attempt`-th try is tried again (after a pause):
    /// always for a patient link, `limit` tries otherwise. Throws NatsError when stopping.
    bool retry(natsStatus s, int attempt, int limit, const std::string& what) const;

    LinkOptions options_;
    natsConnection* nc_ = nullptr;
    jsCtx* js_ = nullptr;
    Subjects subjects_;
};

/// A synchronous subscription.
class Subscription {
public:
    Subscription(Link& link, const std::string& subject);
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    /// The next message within `timeout`; nullopt on timeout. Malformed envelopes are skipped.
    std::optional<Envelope> next(std::chrono::milliseconds timeout);

private:
    natsSubscription* sub_ = nullptr;
};

/// Throws NatsError with `what` and the NATS status text unless `s` is NATS_OK.
void check(natsStatus s, const std::string& what);

/// The messages' hex is the project's one hex form (vm/hex.hpp).
using vm::to_hex;
/// Parses hex digits (vm::parse_hex_digits); throws std::invalid_argument when malformed.
Bytes from_hex(const std::string& text);
/// Parses hex into exactly N bytes (vm::parse_hex_digits_n); throws std::invalid_argument otherwise.
template <size_t N>
std::array<uint8_t, N> from_hex_n(const std::string& text) {
    const auto b = vm::parse_hex_digits_n<N>(text);
    if (!b) throw std::invalid_argument("expected " + std::to_string(N) + " bytes of hex");
    return *b;
}

/// A block as the NATS messages carry it, to be decoded again exactly: {"header": hex, "payload": hex,
/// "votes": [[node, accept, signature hex], ...]}. Not runtime::block_json, which describes a stored
/// block for people (fields spelled out, transactions, no encodings).
Json block_wire_json(const runtime::Block& block);
/// The block of a block_wire_json message. Throws std::invalid_argument (or a json exception) on a malformed
/// block.
runtime::Block block_from_wire_json(const Json& j);
runtime::BlockHeader header_from_hex(const std::string& text);
runtime::Payload payload_from_hex(const std::string& text);

/// The run information the server publishes for nodes to join with.
struct RunInfo {
    runtime::ChainConfig config;
    runtime::PublicKey server_key{};
    std::vector<runtime::NodeRecord> nodes;  ///< without private keys
};
Json info_json(const RunInfo& info);
RunInfo info_from_json(const Json& j);

}  // namespace trainchain::nats::detail
