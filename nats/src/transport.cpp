// nats/src/transport.cpp - the server's side of the NATS JetStream transport: candidates,
// vote requests and rollback requests out; signed claims, votes and proposals in; every accepted
// block into the blocks stream, one subject per height.
#include <fmt/core.h>
#include <zstd.h>

#include <fstream>
#include <map>
#include <set>

#include "link.hpp"

namespace trainchain::nats {

using namespace runtime;
using namespace detail;
using Clock = std::chrono::steady_clock;

std::optional<Endpoint> parse_endpoint(std::string_view text, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<Endpoint> {
        if (error) *error = "'" + std::string(text) + "': " + why;
        return std::nullopt;
    };
    constexpr std::string_view scheme = "nats://";
    constexpr const char* shape = "expected nats://HOST:PORT[,HOST:PORT...][/RUN]";
    if (text.substr(0, scheme.size()) != scheme) return fail(shape);
    const std::string_view rest = text.substr(scheme.size());
    const auto slash = rest.find('/');
    std::string_view servers = rest.substr(0, slash);
    Endpoint e;
    e.run = slash == std::string_view::npos ? "trainchain" : std::string(rest.substr(slash + 1));
    // One server or several of one cluster, comma-separated: the client connects to one of them and
    // fails over to the others (and to the servers the cluster advertises).
    size_t count = 0;
    while (true) {
        const auto comma = servers.find(',');
        const std::string_view hostport = servers.substr(0, comma);
        const auto colon = hostport.rfind(':');
        if (hostport.empty() || colon == std::string_view::npos || colon == 0 || colon + 1 == hostport.size())
            return fail(shape);
        for (const char c : hostport.substr(colon + 1))
            if (c < '0' || c > '9') return fail("the port is not a number");
        if (++count > max_endpoint_servers)
            return fail("at most " + std::to_string(max_endpoint_servers) + " servers");
        e.server += (e.server.empty() ? "" : ",") + std::string(scheme) + std::string(hostport);
        if (comma == std::string_view::npos) break;
        servers.remove_prefix(comma + 1);
    }
    if (e.run.empty() || e.run.size() > 64) return fail("the run name must be 1 to 64 characters");
    for (const char c : e.run)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
            return fail("the run name may hold only letters, digits, '-' and '_'");
    return e;
}

std::optional<PublicKey> pinned_server_key(const std::filesystem::path& data_dir) {
    std::ifstream f(data_dir / pinned_key_file);
    std::string text;
    if (!(f >> text)) return std::nullopt;
    return parse_hash(text);
}

std::optional<std::string> check_stream_settings(const StreamSettings& s) {
    if (s.replicas && (*s.replicas < min_stream_replicas || *s.replicas > max_stream_replicas))
        return fmt::format("--replicas: error: {} replicas: JetStream keeps {} to {} copies of a stream",
                           *s.replicas, min_stream_replicas, max_stream_replicas);
    if (const auto age = s.checkpoint_max_age_seconds;
        age && *age != 0 && (*age < min_checkpoint_max_age_seconds || *age > max_checkpoint_max_age_seconds))
        return fmt::format(
            "--checkpoint-max-age: error: {} s is out of range: 0 (keep every checkpoint) or {} s to {} s "
            "(10 years)",
            *age, min_checkpoint_max_age_seconds, max_checkpoint_max_age_seconds);
    if (const auto bytes = s.checkpoint_max_bytes;
        bytes && *bytes != 0 && (*bytes < min_checkpoint_max_bytes || *bytes > max_checkpoint_max_bytes))
        return fmt::format(
            "--checkpoint-max-bytes: error: {} bytes is out of range: 0 (no limit) or {} (1 MiB) to {} (1 "
            "PiB)",
            *bytes, min_checkpoint_max_bytes, max_checkpoint_max_bytes);
    return std::nullopt;
}

struct NatsTransport::Impl {
    Impl(const Endpoint& e, NatsOptions o)
        : endpoint{e},
          options{std::move(o)},
          link{e, "trainchain-server", {options.cancel.get(), false, {}}} {
        link.ensure_streams(options.streams);
        claims = std::make_unique<Subscription>(link, link.subjects().claim);
        votes = std::make_unique<Subscription>(link, link.subjects().vote);
        proposals = std::make_unique<Subscription>(link, link.subjects().proposal);
        segment_requests = std::make_unique<Subscription>(link, link.subjects().fetch_segment);
        check(natsConnection_Flush(link.connection()), "nats: " + e.server);
    }

    void status(const std::string& line) const {
        if (options.status) options.status(line);
    }

    void send(const std::string& subject, const Json& body) {
        link.publish_durable(subject, seal(server_key, subject, body.dump()));
    }

    /// A node message signed by a registered node: its JSON body, else nullopt.
    std::optional<Json> from_node(const Envelope& e) const {
        try {
            Json j = Json::parse(e.body);
            const auto node = j.at("node").get<uint64_t>();
            if (node >= nodes.size() || !verify_envelope(nodes[node].public_key, e)) return std::nullopt;
            return j;
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }

    [[nodiscard]] std::chrono::milliseconds resend() const {
        return std::chrono::milliseconds(static_cast<int64_t>(options.resend_seconds * 1000));
    }

    /// A request the nodes have not all answered yet. `when_due` sends it again every resend
    /// interval (for late or restarted nodes; not waited for, the stream holds the first one) and
    /// prints a status line after 1, 2, 5, 10, 20 and 30 s, then every minute. Throws NatsError
    /// when the owner asked to stop (serve shutting down).
    struct Resend {
        Impl& m;
        const std::string& subject;
        const Json& body;
        Clock::time_point start = Clock::now();
        Clock::time_point last_send = start;
        double next_report = 1;

        [[nodiscard]] double waited() const {
            return std::chrono::duration<double>(Clock::now() - start).count();
        }

        /// `line(waited_seconds)` gives the status line.
        template <class Line>
        void when_due(Line&& line) {
            if (Clock::now() - last_send < m.resend()) return;
            m.link.check_stop("waiting for the nodes of run '" + m.endpoint.run + "'");
            m.link.publish(subject, seal(m.server_key, subject, body.dump()));
            last_send = Clock::now();
            const double waited = std::chrono::duration<double>(last_send - start).count();
            if (waited < next_report) return;
            next_report = next_report < 2    ? next_report + 1
                          : next_report < 5  ? 5
                          : next_report < 10 ? 10
                          : next_report < 20 ? 20
                          : next_report < 30 ? 30
                                             : next_report + 60;
            m.status(line(waited));
        }
    };

    /// Answers the replaying nodes' requests for committed states that have come (each signed by a
    /// registered node; see Subjects): {"root", "index", "with_state", "again" (optional)} gets
    /// {"leaf", "proof"} from open_segment on `store` and, when the state is asked for, {"state":
    /// its object's description}: the state goes to the checkpoints stream as an object (published
    /// once per leaf; again when the node says it could not read it there). What the chain does not
    /// hold, or a commitment other than `current` (the block under vote's), gets {"missing": why}.
    /// The node checks the leaf against the root it holds with the proof and the state against the
    /// leaf.
    void answer_segment_requests(const Store* store, const std::optional<Hash>& current) {
        // (next() waits whole milliseconds: 1 ms would be 0 by the time it looks)
        while (const auto e = segment_requests->next(std::chrono::milliseconds(5))) {
            if (e->reply.empty()) continue;
            const auto j = from_node(*e);
            if (!j) continue;
            Json answer;
            try {
                const Hash root = from_hex_n<32>(j->at("root").get<std::string>());
                const auto index = j->at("index").get<uint32_t>();
                const bool with_state = j->at("with_state").get<bool>();
                const auto o =
                    store && root == current ? open_segment(*store, root, index, with_state) : std::nullopt;
                if (root != current) {
                    answer = {{"missing", "commitment " + hex(root) + " is not the block under vote's"}};
                } else if (!o) {
                    answer = {
                        {"missing", fmt::format("leaf {} of commitment {}{} is not in the server's store",
                                                index, hex(root), with_state ? " (with its state)" : "")}};
                } else {
                    Json proof = Json::array();
                    for (const Hash& h : o->proof) proof.push_back(to_hex(h));
                    answer = {{"leaf", to_hex(o->leaf)}, {"proof", std::move(proof)}};
                    if (with_state)
                        answer["state"] =
                            object_info_json(publish_state(o->leaf, o->state, j->value("again", false)));
                }
            } catch (const NatsError&) {
                throw;
            } catch (const std::exception& ex) {
                answer = {{"missing", std::string("the server could not open it: ") + ex.what()}};
            }
            link.publish(e->reply, answer.dump());
        }
    }

    /// Publishes a committed state as an object under Subjects::segment_state (unless it was
    /// published already and `again` is not set); its description.
    ObjectInfo publish_state(const Hash& leaf, const Bytes& state, bool again) {
        if (!again)
            if (const auto it = published_states.find(leaf); it != published_states.end()) return it->second;
        ObjectInfo info;
        info.digest = leaf;
        info.size = state.size();
        info.chunk_size = chunk_size();
        size_t at = 0;
        publish_object(link, server_key, link.subjects().segment_state(leaf), info, [&](std::string& chunk) {
            const size_t n = std::min<size_t>(static_cast<size_t>(info.chunk_size), state.size() - at);
            chunk.assign(reinterpret_cast<const char*>(state.data()) + at, n);
            at += n;
            return n != 0;
        });
        if (published_states.size() >= 4096) published_states.clear();
        published_states[leaf] = info;
        return info;
    }

    Endpoint endpoint;
    NatsOptions options;
    Link link;
    std::unique_ptr<Subscription> claims, votes, proposals, segment_requests;
    /// The committed states published as objects for replaying nodes, by leaf.
    std::map<Hash, ObjectInfo> published_states;
    ChainConfig config;
    std::vector<NodeRecord> nodes;
    KeyPair server_key = KeyPair::generate();
    Json candidate;  ///< the last candidate broadcast
    /// The description of the checkpoint published last (candidates and vote requests carry it,
    /// so that nodes need not read it from the stream).
    std::optional<ObjectInfo> checkpoint_object;
    /// An accepted block not yet in the stream, with what a replica stores with it.
    struct Pending {
        Block block;
        BlockRecords records;
    };
    std::vector<Pending> unpublished;

    /// Bytes per object chunk: object_chunk_size, or less when the broker takes smaller messages.
    [[nodiscard]] uint64_t chunk_size() const {
        const int64_t max = natsConnection_GetMaxPayload(link.connection());
        return std::clamp<uint64_t>(max > 8192 ? static_cast<uint64_t>(max) - 4096 : 4096, 4096,
                                    object_chunk_size);
    }

    /// Publishes a block's message: the block with its gas records, profiles and state journal row.
    void publish_block(const Pending& p) {
        const std::string subject = link.subjects().block(p.block.header.height);
        Json j = block_wire_json(p.block);
        j["records"] = records_to_wire(p.records.gas, p.records.profiles, p.records.state);
        link.publish_durable(subject, seal(server_key, subject, j.dump()));
    }

    void publish_pending() {
        while (!unpublished.empty()) {
            const Pending& p = unpublished.front();
            try {
                publish_block(p);
            } catch (const NatsError& e) {
                status(fmt::format("block {} is stored but not yet published: {}", p.block.header.height,
                                   e.what()));
                return;
            }
            unpublished.erase(unpublished.begin());
        }
    }
    BlockHeader candidate_header;
};

NatsTransport::NatsTransport(const Endpoint& endpoint, NatsOptions options)
    : impl_{[&] {
          if (const auto why = check_stream_settings(options.streams)) throw NatsError(*why);
          return std::make_unique<Impl>(endpoint, std::move(options));
      }()} {}

NatsTransport::~NatsTransport() = default;

void NatsTransport::open(const ChainConfig& config, const std::vector<NodeRecord>& nodes,
                         const std::vector<Block>& blocks, const KeyPair& server_key, const Store& store) {
    Impl& m = *impl_;
    m.config = config;
    m.server_key = server_key;
    RunInfo info;
    info.config = config;
    info.server_key = server_key.public_key();
    info.nodes = nodes;
    info.contracts = store.meta(meta_key::contracts).value_or("");
    info.run_config = store.meta(runtime::meta_key::run_config).value_or("");
    m.nodes = info.nodes;
    m.unpublished.clear();
    const auto& s = m.link.subjects();
    // The run information, unless the stream holds this very run already.
    const std::string body = info_json(info).dump();
    const auto stored = m.link.last(s.blocks_stream, s.info);
    if (stored && stored->body != body) {
        try {
            const auto other = info_from_json(Json::parse(stored->body));
            if (other.config.run_id != config.run_id)
                m.status(fmt::format("run '{}' on {} held run id {}; it now carries run id {}",
                                     m.endpoint.run, m.endpoint.server, other.config.run_id, config.run_id));
        } catch (const std::exception&) {
        }
    }
    if (!stored || stored->body != body) m.send(s.info, info_json(info));
    m.status(fmt::format("run '{}' on {}: {} registered nodes; server key {}", m.endpoint.run,
                         m.endpoint.server, nodes.size(), hex(server_key.public_key())));
    // Blocks the stream lacks (a server that stopped between storing a block and publishing it,
    // or a new stream): from the first missing height on, each with its votes (the chain in memory
    // holds none), gas records, profiles and state journal row, read from the store.
    const auto in_stream = [&](const Block& b) {
        const auto have = m.link.last(s.blocks_stream, s.block(b.header.height));
        try {
            return have && verify_envelope(m.server_key.public_key(), *have) &&
                   block_wire_json(block_from_wire_json(Json::parse(have->body))) == block_wire_json(b);
        } catch (const std::exception&) {
            return false;
        }
    };
    size_t first_missing = blocks.size();
    while (first_missing > 0 && !in_stream(*store.block(blocks[first_missing - 1].header.height)))
        --first_missing;
    for (size_t i = first_missing; i < blocks.size(); ++i) {
        const uint64_t h = blocks[i].header.height;
        m.unpublished.push_back(
            {*store.block(h), {store.gas_records(h), store.gas_profiles(h), store.state_record(h)}});
    }
    m.publish_pending();
}

void NatsTransport::post_result(const EpochResult& result, const Hash& checkpoint) {
    impl_->send(impl_->link.subjects().results,
                {{"epoch", result.epoch},
                 {"accuracy", std::isfinite(result.accuracy) ? Json(result.accuracy) : Json()},
                 {"loss", std::isfinite(result.loss) ? Json(result.loss) : Json()},
                 {"checkpoint", to_hex(checkpoint)},
                 {"checkpoint_size", result.checkpoint.size()}});
}

void NatsTransport::publish_checkpoint(const Store& store, const Hash& digest) {
    Impl& m = *impl_;
    const auto& s = m.link.subjects();
    const std::string prefix = s.checkpoint(digest);
    // Sent every time, also when the stream may hold it already (a block tried again, a rollback to
    // a recent epoch): the stream keeps one message per subject, and one may have expired.
    std::ifstream file(store.checkpoint_path(digest), std::ios::binary);
    if (!file) {
        m.status(fmt::format("checkpoint {} is not in the store: the nodes cannot get it", hex(digest)));
        return;
    }
    ObjectInfo info;
    info.digest = digest;
    info.chunk_size = m.chunk_size();
    bool first = true;
    m.checkpoint_object.reset();
    publish_object(m.link, m.server_key, prefix, info, [&](std::string& chunk) {
        chunk.resize(static_cast<size_t>(info.chunk_size));
        file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        chunk.resize(static_cast<size_t>(file.gcount()));
        if (first && !chunk.empty()) {  // the frame's header records the content's size
            first = false;
            const auto size = ZSTD_getFrameContentSize(chunk.data(), chunk.size());
            if (size != ZSTD_CONTENTSIZE_ERROR && size != ZSTD_CONTENTSIZE_UNKNOWN) info.size = size;
        }
        return !chunk.empty();
    });
    m.checkpoint_object = info;
}

void NatsTransport::broadcast(const BlockHeader& header, const Payload& payload,
                              const std::vector<uint32_t>& recipients) {
    Impl& m = *impl_;
    m.publish_pending();
    m.candidate_header = header;
    m.candidate = {{"header", to_hex(header.encode())},
                   {"payload", to_hex(payload.encode())},
                   {"recipients", recipients}};
    if (m.checkpoint_object && m.checkpoint_object->digest == payload.checkpoint)
        m.candidate["checkpoint_object"] = object_info_json(*m.checkpoint_object);
    m.send(m.link.subjects().candidate, m.candidate);
}

RaceOutcome NatsTransport::race(BlockHeader& header, const Payload& /*payload*/, ConsensusQueue& claims) {
    Impl& m = *impl_;
    RaceOutcome out;
    const auto n = static_cast<uint64_t>(m.nodes.size());
    Impl::Resend resend{m, m.link.subjects().candidate, m.candidate};
    for (;;) {
        const auto e = m.claims->next(std::chrono::milliseconds(200));
        if (e) {
            const auto j = m.from_node(*e);
            if (!j) continue;
            try {
                WorkClaim c;
                c.node = j->at("node").get<uint32_t>();
                c.nonce = j->at("nonce").get<uint64_t>();
                c.hash = from_hex_n<32>(j->at("hash").get<std::string>());
                c.signature = e->signature;
                if (j->at("height").get<uint64_t>() != header.height ||
                    j->at("timestamp_ms").get<uint64_t>() != header.timestamp_ms)
                    continue;  // a claim for an earlier candidate
                const bool holds = claim_holds(header, c.nonce, c.hash);
                // Nonce k belongs to node k mod N: a node claiming another's nonce is not heard.
                if (holds && c.nonce % n != c.node) continue;
                out.tries += j->value("tries", uint64_t{0});
                // Forged claims go to the queue too: the Consensus contract refuses them (as with
                // in-process nodes). The first claim that holds up ends the race.
                claims.push(c);
                if (holds) return out;
            } catch (const std::exception&) {
                continue;
            }
        }
        // Nobody answered (the nodes are down or were restarted): the candidate goes again.
        resend.when_due([&](double waited) {
            return fmt::format("block {}: waiting for a proof of work ({:.0f} s; are the nodes running?)",
                               header.height, waited);
        });
    }
}

void NatsTransport::collect_votes(const BlockHeader& claimed, const WorkClaim& claim,
                                  const runtime::VoteRound& round,
                                  const std::function<bool(const Vote&)>& on_vote) {
    Impl& m = *impl_;
    Json request = {{"header", to_hex(claimed.encode())},
                    {"payload", m.candidate.at("payload")},
                    {"hash", to_hex(claim.hash)},
                    {"node", claim.node},
                    {"replayers", round.replayers}};
    if (m.candidate.contains("checkpoint_object"))
        request["checkpoint_object"] = m.candidate.at("checkpoint_object");
    const auto& subject = m.link.subjects().vote_request;
    m.send(subject, request);
    std::set<uint32_t> voted;
    Impl::Resend resend{m, subject, request};
    // While replaying nodes may be fetching states, the loop turns more often to answer them.
    const auto tick = std::chrono::milliseconds(round.replayers.empty() ? 200 : 20);
    std::optional<Hash> commitment;  // the root of the block's segment commitment
    if (!round.replayers.empty())
        if (const auto segments = payload_from_hex(m.candidate.at("payload").get<std::string>()).segments)
            commitment = segments->root;
    for (;;) {
        if (!round.replayers.empty()) m.answer_segment_requests(round.store, commitment);
        if (const auto e = m.votes->next(tick)) {
            const auto j = m.from_node(*e);
            if (!j) continue;
            try {
                if (from_hex_n<32>(j->at("hash").get<std::string>()) != claim.hash) continue;
                Vote v;
                v.node = j->at("node").get<uint32_t>();
                v.accept = j->at("accept").get<bool>();
                v.signature = from_hex_n<64>(j->at("signature").get<std::string>());
                if (j->contains("reason")) v.reason = reason_from_json(j->at("reason"));
                v.replayed = j->value("replayed", false);
                if (!voted.insert(v.node).second) continue;
                if (!on_vote(v) || voted.size() == m.nodes.size()) return;
            } catch (const std::exception&) {
                continue;
            }
        }
        if (round.keep_waiting && !round.keep_waiting(resend.waited())) return;
        resend.when_due([&](double waited) {
            return fmt::format("block {}: waiting for a quorum{}: {} of {} nodes voted so far ({:.0f} s)",
                               claimed.height, round.replayers.empty() ? "" : " and the replaying nodes",
                               voted.size(), m.nodes.size(), waited);
        });
    }
}

void NatsTransport::accepted(const Block& block, const BlockRecords& records) {
    // The block is stored already: a failure to publish it must not fail the append. It is kept
    // and published before the next candidate (or by the next server to open the chain).
    impl_->unpublished.push_back({block, records});
    impl_->publish_pending();
}

void NatsTransport::collect_restore_points(const RestoreRequest& request,
                                           const std::function<void(const Proposal&)>& on_proposal) {
    Impl& m = *impl_;
    // A fresh value the proposals must echo: a signed proposal answers this request only.
    const Hash challenge = sha256(KeyPair::generate().public_key());
    Json body = {{"id", request.id},
                 {"tip", request.tip},
                 {"run_id", m.config.run_id},
                 {"challenge", to_hex(challenge)}};
    if (request.to) body["to"] = *request.to;
    if (request.failing) body["failing"] = *request.failing;
    const auto& subject = m.link.subjects().restore_request;
    m.send(subject, body);
    const size_t n = m.nodes.size();
    std::set<uint32_t> answered;
    std::map<uint64_t, size_t> tally;
    Impl::Resend resend{m, subject, body};
    std::optional<Clock::time_point> majority_at;
    // Every node's answer is taken (as in-process) until all answered; once one height holds a
    // majority, the rest get one resend interval more (the decision cannot change).
    while (answered.size() < n && !(majority_at && Clock::now() - *majority_at >= m.resend())) {
        if (const auto e = m.proposals->next(std::chrono::milliseconds(100))) {
            const auto j = m.from_node(*e);
            if (!j) continue;
            try {
                if (j->at("id").get<uint64_t>() != request.id ||
                    j->at("tip").get<uint64_t>() != request.tip ||
                    from_hex_n<32>(j->at("challenge").get<std::string>()) != challenge)
                    continue;
                const auto node = j->at("node").get<uint32_t>();
                if (!answered.insert(node).second) continue;
                if (j->at("height").is_null()) continue;
                Proposal p;
                p.node = node;
                p.height = j->at("height").get<uint64_t>();
                p.target_hash = from_hex_n<32>(j->at("target_hash").get<std::string>());
                p.signature = from_hex_n<64>(j->at("signature").get<std::string>());
                // The proposal itself must be signed by the node's registered key over the
                // canonical message (it goes into the rollback block); a bad one is dropped.
                if (!proposal_signed(request, m.nodes[node].public_key, p)) {
                    m.status(
                        fmt::format("rollback {}: dropped node {}'s proposal: its signature does not check",
                                    request.id, node));
                    continue;
                }
                on_proposal(p);
                if (++tally[p.height] * 2 > n && !majority_at) majority_at = Clock::now();
            } catch (const std::exception&) {
                continue;
            }
        }
        if (!majority_at)
            resend.when_due([&](double waited) {
                return fmt::format(
                    "rollback {}: waiting for restore points: {} of {} nodes answered ({:.0f} s)", request.id,
                    answered.size(), n, waited);
            });
    }
}

}  // namespace trainchain::nats
