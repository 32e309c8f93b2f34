// nats/src/node.cpp - a user node as its own process: its key, its replica (a chain store
// of its own, without checkpoints), catch-up from the blocks stream and from peers, mining its
// share of the nonce space, checking and voting, restore points.
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "link.hpp"

namespace trainchain::nats {

using namespace runtime;
using namespace detail;

namespace {

/// One node process's state. Messages are handled on one thread (run); mining runs on its own
/// threads; peers' block requests are answered on the NATS library's callback thread.
class NodeProcess {
public:
    NodeProcess(const NodeOptions& o, const std::atomic<bool>& stop)
        : o_{o},
          stop_{stop},
          key_{read_key_file(o.key_file)},
          link_{o.endpoint, "trainchain-node-" + hex(key_.public_key()).substr(0, 12), {&stop, true, o.log}} {
    }

    ~NodeProcess() {
        stop_mining();
        if (fetch_sub_) {
            // Wait for an answer to a peer in progress: it reads the replica.
            if (natsSubscription_Drain(fetch_sub_) == NATS_OK)
                natsSubscription_WaitForDrainCompletion(fetch_sub_, 5000);
            natsSubscription_Destroy(fetch_sub_);
        }
    }

    void run() {
        join();
        Subscription sub(link_, link_.subjects().server_all);
        check(natsConnection_Subscribe(&fetch_sub_, link_.connection(), link_.subjects().fetch.c_str(),
                                       on_fetch, this),
              "nats: subscribing to " + link_.subjects().fetch);
        check(natsConnection_Flush(link_.connection()), "nats");
        catch_up();
        log(fmt::format("node {}: ready; replica holds {} blocks", index_, height()));
        while (!stop_) {
            const auto e = sub.next(std::chrono::milliseconds(200));
            if (!e) continue;
            try {
                handle(*e);
            } catch (const StoreError&) {
                throw;
            } catch (const std::exception& ex) {
                log(fmt::format("node {}: ignored a malformed message on {}: {}", index_, e->subject,
                                ex.what()));
            }
        }
    }

private:
    void log(const std::string& line) const {
        if (o_.log) o_.log(line);
    }

    [[nodiscard]] uint64_t height() const {
        std::lock_guard lock(mutex_);
        return chain_.size();
    }

    /// Waits for the run information, checks the server's key and this node's registration, and
    /// opens (or creates) the replica.
    void join() {
        const auto& s = link_.subjects();
        std::optional<Envelope> e;
        for (int waited = 0; !(e = link_.last(s.blocks_stream, s.info)); ++waited) {
            if (stop_) throw NatsError("stopped before the run started");
            if (waited % 20 == 0)
                log(fmt::format("node: waiting for run '{}' to start on {}", o_.endpoint.run,
                                o_.endpoint.server));
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
        RunInfo info;
        try {
            info = info_from_json(Json::parse(e->body));
        } catch (const std::exception& ex) {
            throw NatsError("run '" + o_.endpoint.run + "': malformed run information: " + ex.what());
        }
        if (!verify_envelope(info.server_key, *e))
            throw NatsError("run '" + o_.endpoint.run +
                            "': the run information is not signed by the key it names");
        if (o_.server_key && *o_.server_key != info.server_key)
            throw NatsError("run '" + o_.endpoint.run + "' is signed by server key " + hex(info.server_key) +
                            ", not the one given (" + hex(*o_.server_key) + ")");
        std::filesystem::create_directories(o_.data_dir);
        // The server's key is pinned the first time: later information must come from the same server.
        const auto pin = o_.data_dir / "server.pub";
        if (std::filesystem::exists(pin)) {
            std::ifstream f(pin);
            std::string text;
            f >> text;
            if (text != hex(info.server_key))
                throw NatsError(pin.string() + ": error: run '" + o_.endpoint.run +
                                "' is now signed by another server key (" + hex(info.server_key) + ")");
        } else {
            write_file_atomically(pin, {reinterpret_cast<const uint8_t*>(hex(info.server_key).data()), 64});
        }
        server_key_ = info.server_key;
        config_ = info.config;
        nodes_ = info.nodes;
        const auto it = std::find_if(nodes_.begin(), nodes_.end(),
                                     [&](const NodeRecord& r) { return r.public_key == key_.public_key(); });
        if (it == nodes_.end())
            throw NatsError(o_.key_file.string() + ": error: key " + hex(key_.public_key()) +
                            " is not registered in run '" + o_.endpoint.run + "'");
        index_ = it->index;
        const auto dir = o_.data_dir / "replica";
        if (std::filesystem::exists(dir / "chain.db")) {
            store_ = Store::open(dir);
            const auto& c = store_->config();
            if (c.run_id != config_.run_id || c.nodes != config_.nodes ||
                store_->nodes().size() != nodes_.size() ||
                store_->nodes().front().public_key != nodes_.front().public_key)
                throw StoreError(dir.string() + ": error: the replica belongs to another run (run id " +
                                 std::to_string(c.run_id) + ")");
        } else {
            store_ = Store::create(dir, config_);
            store_->put_nodes(nodes_);
        }
        chain_ = store_->blocks();
        node_.emplace(index_, key_, o_.fault);
        node_->load_replica(chain_);
        log(fmt::format("node {} of {} joined run '{}' (run id {}, {} bits); replica {}", index_,
                        nodes_.size(), o_.endpoint.run, config_.run_id, config_.difficulty_bits,
                        dir.string()));
    }

    /// Appends whatever the blocks stream holds beyond the replica's tip; then asks peers for
    /// more when a later block is known to exist (the stream may have lost some).
    void catch_up(uint64_t known_height = 0) {
        const auto& s = link_.subjects();
        const uint64_t before = height();
        for (;;) {
            const auto e = link_.last(s.blocks_stream, s.block(height()));
            if (!e) break;
            if (!verify_envelope(server_key_, *e)) {
                log(fmt::format("node {}: block {} in the stream is not signed by the server; asking peers",
                                index_, height()));
                break;
            }
            if (!append(block_from_wire_json(Json::parse(e->body)), "stream")) break;
        }
        const uint64_t from_stream = height() - before;
        // The stream lacks blocks a later message shows to exist: ask the peers. The first answer
        // wins each request; an answer that does not hold up is dropped and the request made again
        // (another peer may answer first).
        for (int failures = 0; height() < known_height && failures < 5;) {
            const uint64_t at = height();
            const auto reply = link_.request(s.fetch, Json{{"from", at}}.dump(), 2000);
            std::string what = reply ? "an answer with no block" : "no answer";
            try {
                if (reply) {
                    const auto blocks = Json::parse(*reply).at("blocks");
                    if (!blocks.empty())
                        what = fmt::format("{} block(s) from height {}", blocks.size(),
                                           block_from_wire_json(blocks.front()).header.height);
                    for (const auto& b : blocks)
                        if (!append(block_from_wire_json(b), "a peer")) break;
                }
            } catch (const std::exception& e) {
                what = std::string("a malformed answer: ") + e.what();
            }
            if (height() == at) {
                ++failures;
                log(fmt::format("node {}: asked the peers for blocks from height {}: {}", index_, at, what));
            }
        }
        if (height() > before)
            log(fmt::format(
                "node {}: caught up from height {} to {} ({} blocks from the stream, {} from peers)", index_,
                before, height(), from_stream, height() - before - from_stream));
    }

    /// Validates and appends the next block; false when it is not the next or not valid. A block
    /// the replica already holds counts as appended (`fresh` tells which).
    bool append(const Block& b, const char* from, bool* fresh = nullptr) {
        std::lock_guard lock(mutex_);
        if (fresh) *fresh = false;
        if (b.header.height < chain_.size()) {
            if (chain_[b.header.height].hash() == b.hash()) return true;
            log(fmt::format("node {}: block {} from {} differs from the replica's; kept the replica's",
                            index_, b.header.height, from));
            return false;
        }
        if (b.header.height > chain_.size()) {
            log(fmt::format("node {}: block {} from {} does not follow the replica's tip ({})", index_,
                            b.header.height, from, chain_.size() - 1));
            return false;
        }
        const auto ok = validate_next_block(config_, nodes_, chain_, b);
        if (!ok.ok()) {
            log(fmt::format("node {}: refused block {} from {}: {}", index_, b.header.height, from,
                            ok.detail));
            return false;
        }
        store_->append(b, {}, {});
        chain_.push_back(b);
        node_->accept(b);
        if (fresh) *fresh = true;
        return true;
    }

    void handle(const Envelope& e) {
        const auto& s = link_.subjects();
        if (!verify_envelope(server_key_, e)) {
            log(fmt::format("node {}: ignored a message on {} not signed by the server", index_, e.subject));
            return;
        }
        if (e.subject == s.info) return;
        const Json j = Json::parse(e.body);
        if (e.subject.rfind(s.block_prefix, 0) == 0) {
            const Block b = block_from_wire_json(j);
            if (b.header.height > height()) catch_up(b.header.height + 1);
            bool fresh = false;
            if (b.header.height + 1 >= height()) stop_mining();
            if (append(b, "the server", &fresh) && fresh) {
                log(fmt::format("node {}: block {} ({}) appended, {} votes", index_, b.header.height,
                                kind_name(b.payload.kind), b.votes.size()));
            }
            return;
        }
        if (e.subject == s.candidate) {
            const auto header = header_from_hex(j.at("header").get<std::string>());
            const auto payload = payload_from_hex(j.at("payload").get<std::string>());
            if (header.height > height()) catch_up(header.height);
            if (header.height != height() || header.payload_root != payload.root()) return;
            if (mining_header_ && mining_header_->encode() == header.encode()) {
                // A resend: the server has not heard a claim. Post ours again if we found one.
                std::lock_guard lock(claim_mutex_);
                if (last_claim_) link_.publish(s.claim, *last_claim_);
                return;
            }
            const auto& to = j.at("recipients");
            if (std::find(to.begin(), to.end(), Json(index_)) == to.end()) return;  // not sent to this node
            node_->receive_candidate(header, payload);
            start_mining(header);
            return;
        }
        if (e.subject == s.vote_request) {
            const auto header = header_from_hex(j.at("header").get<std::string>());
            const auto payload = payload_from_hex(j.at("payload").get<std::string>());
            const auto hash = from_hex_n<32>(j.at("hash").get<std::string>());
            if (header.height > height()) catch_up(header.height);
            stop_mining();  // the race for this height is over: leave the cores to the checks
            node_->receive_candidate(header, payload);
            auto v = node_->vote(header.nonce, hash);
            if (!v) return;
            if (v->accept) {
                // Beyond the claim itself: the block the server would make must be one this node
                // would append (difficulty, run id, kind, time, rollback target).
                Block candidate;
                candidate.header = header;
                candidate.payload = payload;
                std::lock_guard lock(mutex_);
                const auto ok = validate_next_block(config_, nodes_, chain_, candidate, VoteCheck::None);
                if (!ok.ok()) {
                    log(fmt::format("node {}: rejects block {}: {}", index_, header.height, ok.detail));
                    v->accept = false;
                    v->signature = key_.sign(vote_message(hash, false));
                }
            }
            link_.publish_durable(s.vote, seal(key_, s.vote,
                                               Json{{"node", index_},
                                                    {"height", header.height},
                                                    {"hash", to_hex(hash)},
                                                    {"accept", v->accept},
                                                    {"signature", to_hex(v->signature)}}
                                                   .dump()));
            if (voted_.insert(hash).second)
                log(fmt::format("node {}: voted {} on block {}", index_, v->accept ? "accept" : "reject",
                                header.height));
            return;
        }
        if (e.subject == s.restore_request) {
            const auto tip = j.at("tip").get<uint64_t>();
            if (tip >= height()) catch_up(tip + 1);
            std::optional<uint64_t> to, failing;
            if (j.contains("to")) to = j.at("to").get<uint64_t>();
            if (j.contains("failing")) failing = j.at("failing").get<uint64_t>();
            const auto point = node_->propose(to, failing);
            if (!node_->alive()) return;
            if (j.at("run_id").get<uint64_t>() != config_.run_id) return;
            Json body = {{"node", index_},
                         {"id", j.at("id")},
                         {"tip", tip},
                         {"challenge", j.at("challenge")},
                         {"height", nullptr}};
            if (point) body["height"] = *point;
            link_.publish_durable(s.proposal, seal(key_, s.proposal, body.dump()));
            log(fmt::format("node {}: rollback {}: proposed {}", index_, j.at("id").get<uint64_t>(),
                            point ? std::to_string(*point) : "nothing"));
            return;
        }
    }

    void start_mining(const BlockHeader& header) {
        stop_mining();
        if (!node_->alive()) return;
        mining_header_ = header;
        mining_stop_ = false;
        const auto n = static_cast<uint64_t>(nodes_.size());
        const unsigned threads = std::max(1u, o_.threads);
        if (o_.fault == Fault::ForgeNonce) {
            const auto [nonce, hash] = node_->forge();
            send_claim(header, nonce, hash, 0);
        }
        found_ = false;
        {
            std::lock_guard lock(claim_mutex_);
            last_claim_.reset();
        }
        for (unsigned t = 0; t < threads; ++t)
            miners_.emplace_back([this, header, n, t, threads] {
                uint64_t tries = 0;
                const auto r = mine_range(header, header.difficulty_bits, index_ + t * n, n * threads,
                                          mining_stop_, UINT64_MAX, tries);
                if (!r || found_.exchange(true)) return;
                mining_stop_ = true;
                send_claim(header, r->nonce, r->hash, tries);
            });
    }

    void send_claim(const BlockHeader& header, uint64_t nonce, const Hash& hash, uint64_t tries) {
        const auto& s = link_.subjects();
        try {
            const std::string claim = seal(key_, s.claim,
                                           Json{{"node", index_},
                                                {"height", header.height},
                                                {"timestamp_ms", header.timestamp_ms},
                                                {"nonce", nonce},
                                                {"hash", to_hex(hash)},
                                                {"tries", tries}}
                                               .dump());
            {
                std::lock_guard lock(claim_mutex_);
                last_claim_ = claim;
            }
            link_.publish_durable(s.claim, claim);
            log(fmt::format("node {}: found nonce {} for block {} after {} tries", index_, nonce,
                            header.height, tries));
        } catch (const std::exception& e) {
            log(fmt::format("node {}: could not post a claim: {}", index_, e.what()));
        }
    }

    void stop_mining() {
        mining_stop_ = true;
        for (auto& t : miners_) t.join();
        miners_.clear();
    }

    /// A peer asks for blocks from a height on: up to 64 of them from the replica.
    static void on_fetch(natsConnection* nc, natsSubscription*, natsMsg* msg, void* closure) {
        auto* self = static_cast<NodeProcess*>(closure);
        std::unique_ptr<natsMsg, decltype(&natsMsg_Destroy)> guard(msg, natsMsg_Destroy);
        const char* reply = natsMsg_GetReply(msg);
        if (!reply) return;
        try {
            const auto j = Json::parse(
                std::string(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg))));
            const auto from = j.at("from").get<uint64_t>();
            // As many blocks as fit in one message (the broker's limit, 1 MiB by default).
            const auto limit =
                static_cast<size_t>(std::max<int64_t>(natsConnection_GetMaxPayload(nc), 4096)) - 1024;
            std::string body = "{\"blocks\":[";
            size_t count = 0;
            {
                std::lock_guard lock(self->mutex_);
                for (uint64_t h = from; h < self->chain_.size() && count < 64; ++h, ++count) {
                    const std::string b = block_wire_json(self->chain_[h]).dump();
                    if (body.size() + b.size() + 2 > limit) break;
                    if (count) body += ',';
                    body += b;
                }
            }
            if (count == 0) return;  // let a peer that has them answer
            body += "]}";
            natsConnection_Publish(nc, reply, body.data(), static_cast<int>(body.size()));
        } catch (const std::exception&) {
        }
    }

    const NodeOptions& o_;
    const std::atomic<bool>& stop_;
    KeyPair key_;
    Link link_;
    natsSubscription* fetch_sub_ = nullptr;
    PublicKey server_key_{};
    ChainConfig config_;
    std::vector<NodeRecord> nodes_;
    uint32_t index_ = 0;
    std::unique_ptr<Store> store_;
    mutable std::mutex mutex_;  ///< guards chain_ (the fetch callback reads it)
    std::vector<Block> chain_;
    std::optional<UserNode> node_;
    std::optional<BlockHeader> mining_header_;
    std::atomic<bool> mining_stop_{true};
    std::atomic<bool> found_{false};
    std::vector<std::thread> miners_;
    std::mutex claim_mutex_;                 ///< guards last_claim_ (written by a mining thread)
    std::optional<std::string> last_claim_;  ///< the claim posted for the current candidate
    std::set<Hash> voted_;  ///< claims voted on (a resent request is answered again, logged once)
};

}  // namespace

void shutdown() noexcept { nats_CloseAndWait(2000); }

void run_node(const NodeOptions& options, const std::atomic<bool>& stop) {
    NodeProcess node(options, stop);
    node.run();
}

}  // namespace trainchain::nats
