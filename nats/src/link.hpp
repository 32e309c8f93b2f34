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
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "trainchain/nats/nats.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/vm/hex.hpp"

namespace trainchain::nats::detail {

using Json = nlohmann::json;
using runtime::Bytes;

/// The run's subject names. Server messages are under `tc.RUN.s.`, node messages under `tc.RUN.n.`,
/// objects (checkpoint files, committed training states; see ObjectInfo) under `tc.RUN.obj.`, which
/// the nodes' subscription to `tc.RUN.s.>` does not receive: they fetch objects from the streams.
/// Requests with a reply go to `tc.RUN.fetch` (blocks) and `tc.RUN.fetch.ckpt` (checkpoint pieces),
/// which the nodes answer, and `tc.RUN.fetch.segment` (a replaying node's leaves and states), which
/// the server answers while it collects votes; none of them is kept in a stream.
struct Subjects {
    explicit Subjects(const std::string& run);
    std::string info, block_prefix, all_blocks, candidate, vote_request, restore_request, results;
    std::string claim, vote, proposal, fetch, fetch_checkpoint, fetch_segment, server_all;
    std::string checkpoint_prefix, all_checkpoints, segment_prefix, all_segments;
    std::string blocks_stream, queues_stream, checkpoints_stream;
    [[nodiscard]] std::string block(uint64_t height) const { return block_prefix + std::to_string(height); }
    /// The object prefix of the checkpoint with this (content) digest: `tc.RUN.obj.ckpt.<hex>`.
    [[nodiscard]] std::string checkpoint(const runtime::Hash& digest) const;
    /// The object prefix of a committed training state (sampled replay) with this SHA-256 (its
    /// leaf): `tc.RUN.obj.seg.<hex>`, in the checkpoints stream.
    [[nodiscard]] std::string segment_state(const runtime::Hash& leaf) const;
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

/// Whether a claim of `nonce` with `hash` holds for `header` (the candidate it names): the header
/// with that nonce hashes to `hash`, and the hash meets the difficulty. The server ends the race
/// on such a claim and the nodes stop mining on it; both also require the nonce to be in the
/// claimer's share (nonce k belongs to node k mod N).
bool claim_holds(runtime::BlockHeader header, uint64_t nonce, const runtime::Hash& hash);

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

    /// Creates the run's streams when they do not exist, and brings existing ones to `settings`
    /// (what is unset there stays as the stream has it). Throws NatsError.
    void ensure_streams(const StreamSettings& settings = {});
    /// Publishes to a stream and waits for its acknowledgement (the message is durable).
    void publish_durable(const std::string& subject, const std::string& data);
    /// A subject and the data for it.
    using Message = std::pair<std::string, std::string>;
    /// Publishes messages to streams in order, without waiting for each acknowledgement (one wait
    /// for all of them), so that several messages cost about one round trip; when any of them is
    /// not acknowledged, sends them all again one by one with publish_durable (the streams keep one
    /// message per subject, so a message stored twice is stored once). Durable when it returns.
    void publish_batch(const std::vector<Message>& messages);
    /// Publishes without waiting for the stream's acknowledgement (still stored when the subject
    /// belongs to a stream).
    void publish(const std::string& subject, const std::string& data);
    /// The last message stored on `subject` in `stream` (a direct get); nullopt when none, or
    /// when the stream does not exist or is still being created.
    std::optional<Envelope> last(const std::string& stream, const std::string& subject);
    /// The same for a message that is not signed (an object's chunk): its bytes.
    std::optional<std::string> last_raw(const std::string& stream, const std::string& subject);
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

    static void on_async_error(jsCtx* js, jsPubAckErr* error, void* closure);

    LinkOptions options_;
    natsConnection* nc_ = nullptr;
    jsCtx* js_ = nullptr;
    Subjects subjects_;
    std::atomic<uint64_t> async_failures_{0};  ///< asynchronous publishes the broker did not take
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
    std::string contracts;                   ///< the store's "contracts" meta (their addresses), JSON
    std::string run_config;                  ///< the store's runtime::meta_key::run_config (run.toml), if any
};
Json info_json(const RunInfo& info);
RunInfo info_from_json(const Json& j);

/// Base64 (RFC 4648, with padding) of bytes; the bytes of base64 text (throws std::invalid_argument
/// when malformed).
std::string to_base64(std::span<const uint8_t> bytes);
Bytes from_base64(std::string_view text);

/// A block's gas records, gas profiles and state journal row (when it has one: a run made before
/// the journal has none for its earlier blocks) as the block messages carry them ("records"):
/// compact JSON (the row's changes and digest in hex), compressed with zstd, in base64.
std::string records_to_wire(const std::vector<runtime::GasRecord>& gas,
                            const std::vector<runtime::GasProfileRecord>& profiles,
                            const std::optional<runtime::StateRecord>& state);
/// The records of block `height` from records_to_wire's text (`state`: nullopt when they carry no
/// row). Throws std::invalid_argument (or a json exception) when malformed.
void records_from_wire(const std::string& text, uint64_t height, std::vector<runtime::GasRecord>& gas,
                       std::vector<runtime::GasProfileRecord>& profiles,
                       std::optional<runtime::StateRecord>& state);

/// An object laid out over a JetStream stream (libnats has no object store): its bytes in chunks
/// on `PREFIX.c.0`, `PREFIX.c.1`, ..., then this description on `PREFIX.meta`, signed by the server
/// (the chunks are not: hashing and signing each would cost every node a pass over the bytes). The
/// description goes last: once it is there, every chunk is. Readers check each chunk's index and
/// size as it comes, then the SHA-256 of the whole against the signed description.
struct ObjectInfo {
    runtime::Hash digest{};       ///< what the object is: a checkpoint's content SHA-256 (as blocks name it)
    uint64_t size = 0;            ///< the content's size (a checkpoint decompressed)
    runtime::Hash file_digest{};  ///< SHA-256 of the bytes sent (a checkpoint's stored, compressed file)
    uint64_t bytes = 0;           ///< how many bytes are sent
    uint64_t chunk_size = 0;      ///< bytes per chunk (the last may hold fewer)
    [[nodiscard]] uint64_t chunks() const noexcept {
        return chunk_size == 0 ? 0 : (bytes + chunk_size - 1) / chunk_size;
    }
};
Json object_info_json(const ObjectInfo& info);
/// Throws std::invalid_argument when malformed (no chunk size for a non-empty object, too many chunks).
ObjectInfo object_info_from_json(const Json& j);

/// Bytes per chunk: well under NATS's default maximum message (1 MiB), a few per checkpoint.
inline constexpr uint64_t object_chunk_size = 256 * 1024;
/// The most chunks an object may have (a 256 GiB checkpoint).
inline constexpr uint64_t max_object_chunks = uint64_t{1} << 20;

/// Puts an object's chunks back together, checking each one as it comes.
class ObjectAssembly {
public:
    explicit ObjectAssembly(const ObjectInfo& info);
    /// Takes chunk `index`; false, with the reason in `why`, when the index is out of range, the
    /// chunk came already or its size is not the one the description gives.
    bool add(uint64_t index, std::string_view data, std::string* why);
    [[nodiscard]] bool complete() const noexcept { return received_ == have_.size(); }
    /// The object's bytes: every chunk came and they hash to the description's file digest;
    /// nullopt, with the reason in `why`, otherwise.
    std::optional<Bytes> finish(std::string* why);

private:
    ObjectInfo info_;
    Bytes bytes_;
    std::vector<bool> have_;
    uint64_t received_ = 0;
};

/// Publishes an object under `prefix` durably, its description signed with `key`: the chunks `next` fills in
/// (up to info.chunk_size bytes each; it returns false when there are no more), then the description, with
/// `info`'s file_digest and bytes set from what was sent, then `after` (messages that name the
/// object, e.g. a block's), in batches of a few MiB (Link::publish_batch).
void publish_object(Link& link, const runtime::KeyPair& key, const std::string& prefix, ObjectInfo& info,
                    const std::function<bool(std::string&)>& next,
                    const std::function<std::vector<Link::Message>(const ObjectInfo&)>& after = {});

/// A reject vote's reason as a vote message carries it: {"token", "detail"}.
Json reason_to_json(const runtime::ValidationState& reason);
/// The reason a vote message carries; nullopt when it is not one (an unknown token, say): the
/// vote then counts as a plain reject.
std::optional<runtime::ValidationState> reason_from_json(const Json& j);

/// An object read back from a stream.
struct FetchedObject {
    ObjectInfo info;
    Bytes bytes;
};
/// The object under `prefix` in `stream`, described by `server`. nullopt with the reason in `why`
/// when the stream holds none (`*absent` set) or not all of it, or what it holds does not hold up.
/// With `known` (a description a signed message carried: a candidate's for its checkpoint) the
/// description is not read from the stream: one round trip less.
std::optional<FetchedObject> fetch_object(Link& link, const std::string& stream, const std::string& prefix,
                                          const runtime::PublicKey& server, std::string* why, bool* absent,
                                          const std::optional<ObjectInfo>& known = std::nullopt);

}  // namespace trainchain::nats::detail
