// nats/src/node.cpp - a user node as its own process: its key, its replica (a chain store
// of its own, as complete as the server's: blocks, gas records, state journal and checkpoints), catch-up
// from the streams and from peers, mining its share of the nonce space, checking and voting (only
// for blocks whose checkpoint it holds), restore points.
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <condition_variable>
#include <deque>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "link.hpp"

namespace trainchain::nats {

using namespace runtime;
using namespace detail;

namespace {

using Clock = std::chrono::steady_clock;

/// What a block's message carries besides the block: its records and its state journal row.
struct BlockExtras {
    std::vector<GasRecord> gas;
    std::vector<GasProfileRecord> profiles;
    std::optional<StateRecord> state;
};

/// One node process's state. Messages are handled on one thread (run); mining runs on its own
/// threads; checkpoints are fetched ahead of the votes on another; peers' block and checkpoint
/// requests are answered on the NATS library's callback threads.
class NodeProcess {
public:
    /// A node with `o.key_file`; without one, an observer (fetch_run): it joins no vote and
    /// answers no peer, it only copies what the broker and the nodes hold.
    NodeProcess(const NodeOptions& o, const std::atomic<bool>& stop)
        : o_{o},
          stop_{stop},
          key_{o.key_file.empty() ? std::nullopt : std::optional<KeyPair>(read_key_file(o.key_file))},
          link_{o.endpoint,
                key_ ? "trainchain-node-" + hex(key_->public_key()).substr(0, 12)
                     : std::string("trainchain-rebuild"),
                {&stop, key_.has_value(), o.log}} {}

    ~NodeProcess() {
        closing_ = true;
        stop_mining();
        {
            std::lock_guard lock(want_mutex_);
            prefetch_stop_ = true;
        }
        want_cv_.notify_all();
        if (prefetcher_.joinable()) prefetcher_.join();
        // Wait for answers to peers in progress (they read the replica), 5 s at most in all.
        const auto until = Clock::now() + std::chrono::seconds(5);
        std::vector<natsSubscription*> draining;
        for (natsSubscription* sub : {fetch_sub_, fetch_checkpoint_sub_, claim_sub_})
            if (sub && natsSubscription_Drain(sub) == NATS_OK) draining.push_back(sub);
        for (natsSubscription* sub : draining) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
            natsSubscription_WaitForDrainCompletion(sub, std::max<int64_t>(1, left.count()));
        }
        for (natsSubscription* sub : {fetch_sub_, fetch_checkpoint_sub_, claim_sub_})
            if (sub) natsSubscription_Destroy(sub);
    }

    void run() {
        join();
        Subscription sub(link_, link_.subjects().server_all);
        check(natsConnection_Subscribe(&fetch_sub_, link_.connection(), link_.subjects().fetch.c_str(),
                                       on_fetch, this),
              "nats: subscribing to " + link_.subjects().fetch);
        check(natsConnection_Subscribe(&fetch_checkpoint_sub_, link_.connection(),
                                       link_.subjects().fetch_checkpoint.c_str(), on_fetch_checkpoint, this),
              "nats: subscribing to " + link_.subjects().fetch_checkpoint);
        if (key_)
            check(natsConnection_Subscribe(&claim_sub_, link_.connection(), link_.subjects().claim.c_str(),
                                           on_claim, this),
                  "nats: subscribing to " + link_.subjects().claim);
        check(natsConnection_Flush(link_.connection()), "nats");
        prefetcher_ = std::thread([this] { prefetch_loop(); });
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

    /// An observer's whole job: joins, takes every block the stream and the peers hold (asking the
    /// peers until none has more) with its records and state journal row, and every checkpoint.
    FetchReport fetch() {
        join();
        catch_up(std::numeric_limits<uint64_t>::max(), 3);
        FetchReport rep;
        std::lock_guard lock(mutex_);
        rep.blocks = chain_.size();
        rep.from_stream = from_stream_;
        rep.from_peers = chain_.size() - from_stream_;
        rep.missing_checkpoints = missing_.size();
        rep.state_after_tip = !chain_.empty() && store_->state_height() == chain_.size() - 1;
        return rep;
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
            if (!key_)
                throw NatsError("run '" + o_.endpoint.run + "' on " + o_.endpoint.server +
                                ": error: no run information (no such run, or its stream was lost)");
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
            throw ServerKeyError("run '" + o_.endpoint.run + "' is signed by server key " +
                                 hex(info.server_key) + ", not the one given (" + hex(*o_.server_key) + ")");
        std::filesystem::create_directories(o_.data_dir);
        // The server's key is pinned the first time: later information must come from the same server.
        const auto pin = o_.data_dir / pinned_key_file;
        if (std::filesystem::exists(pin)) {
            if (pinned_server_key(o_.data_dir) != info.server_key)
                throw ServerKeyError(pin.string() + ": error: run '" + o_.endpoint.run +
                                     "' is now signed by another server key (" + hex(info.server_key) + ")");
        } else {
            write_file_atomically(pin, {reinterpret_cast<const uint8_t*>(hex(info.server_key).data()), 64});
        }
        server_key_ = info.server_key;
        config_ = info.config;
        nodes_ = info.nodes;
        if (key_) {
            const auto it = std::find_if(nodes_.begin(), nodes_.end(), [&](const NodeRecord& r) {
                return r.public_key == key_->public_key();
            });
            if (it == nodes_.end())
                throw NatsError(o_.key_file.string() + ": error: key " + hex(key_->public_key()) +
                                " is not registered in run '" + o_.endpoint.run + "'");
            index_ = it->index;
        }
        const auto dir = o_.data_dir / replica_dir;
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
        store_->remove_temporary_files();  // of checkpoints this node was writing when it was killed
        // The contract addresses, as the server's store keeps them (Chain::open reads them).
        if (!info.contracts.empty() && store_->meta(meta_key::contracts) != info.contracts)
            store_->set_meta(meta_key::contracts, info.contracts);
        if (!info.run_config.empty() && store_->meta(meta_key::run_config) != info.run_config)
            store_->set_meta(meta_key::run_config, info.run_config);
        chain_ = store_->blocks();
        if (!key_) return;
        node_.emplace(index_, *key_, o_.fault);
        node_->load_replica(chain_);
        log(fmt::format("node {} of {} joined run '{}' (run id {}, {} bits); replica {}", index_,
                        nodes_.size(), o_.endpoint.run, config_.run_id, config_.difficulty_bits,
                        dir.string()));
    }

    /// Appends whatever the blocks stream holds beyond the replica's tip; then asks peers for
    /// more when a later block is known to exist (the stream may have lost some). Then the
    /// checkpoints of the blocks the replica lacks.
    void catch_up(uint64_t known_height = 0, int max_failures = 5) {
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
            const Json j = Json::parse(e->body);
            const Block b = block_from_wire_json(j);
            BlockExtras extras = extras_of(j, b.header.height);
            if (!append(b, "stream", nullptr, &extras)) break;
        }
        const uint64_t from_stream = height() - before;
        from_stream_ += from_stream;
        // The stream lacks blocks a later message shows to exist: ask the peers. The first answer
        // wins each request; an answer that does not hold up is dropped and the request made again
        // (another peer may answer first).
        for (int failures = 0; height() < known_height && failures < max_failures;) {
            const uint64_t at = height();
            const auto reply = link_.request(s.fetch, Json{{"from", at}}.dump(), 2000);
            std::string what = reply ? "an answer with no block" : "no answer";
            try {
                if (reply) {
                    const auto blocks = Json::parse(*reply).at("blocks");
                    if (!blocks.empty())
                        what = fmt::format("{} block(s) from height {}", blocks.size(),
                                           block_from_wire_json(blocks.front()).header.height);
                    for (const auto& j : blocks) {
                        const Block b = block_from_wire_json(j);
                        BlockExtras extras = extras_of(j, b.header.height);
                        if (!append(b, "a peer", nullptr, &extras)) break;
                    }
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
        fetch_missing_checkpoints(before);
    }

    /// The records a block's message carries (none when it has none or they are malformed).
    BlockExtras extras_of(const Json& j, uint64_t h) {
        BlockExtras x;
        if (!j.contains("records")) return x;
        try {
            records_from_wire(j.at("records").get<std::string>(), h, x.gas, x.profiles, x.state);
        } catch (const std::exception& e) {
            log(fmt::format("node {}: the records of block {} are malformed: {}", index_, h, e.what()));
            x = {};
        }
        return x;
    }

    /// Validates and appends the next block with `extras` (gas records, profiles, its state journal
    /// row: kept when it follows the replica's journal, else the block is kept without it and the
    /// journal stays behind); false when it is not the next or not valid. A block the replica
    /// already holds counts as appended (`fresh` tells which).
    bool append(const Block& b, const char* from, bool* fresh = nullptr,
                const BlockExtras* extras = nullptr) {
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
        static const BlockExtras none;
        const BlockExtras& x = extras ? *extras : none;
        const StateRecord* state =
            x.state && follows_journal(b.header.height, *x.state) ? &*x.state : nullptr;
        if (x.state && !state)
            log(
                fmt::format("node {}: the VM state changes of block {} do not follow the replica's state "
                            "journal; the block is kept without them",
                            index_, b.header.height));
        try {
            store_->append(b, x.gas, state, x.profiles);
        } catch (const StoreError& e) {
            if (!state) throw;
            // The changes do not apply to the replica's saved state: it differs from the server's.
            log(fmt::format("node {}: {}; the block is kept without them", index_, e.what()));
            store_->append(b, x.gas, nullptr, x.profiles);
        }
        chain_.push_back(b);
        if (node_) node_->accept(b);
        if (fresh) *fresh = true;
        return true;
    }

    /// Whether a row for block `height` continues the replica's state journal: the journal's last
    /// row is the previous block's, or the journal is empty and the row starts from the empty
    /// world (a run's genesis block).
    bool follows_journal(uint64_t height, const StateRecord& state) const {
        if (const auto at = store_->state_height()) return *at + 1 == height;
        World empty;
        return state.changes.apply(empty);
    }

    // ---- checkpoints ------------------------------------------------------------------------

    /// Whether the replica holds the checkpoint intact (checked once per process, then remembered).
    bool holds(const Hash& digest) {
        {
            std::lock_guard lock(held_mutex_);
            if (held_.count(digest)) return true;
        }
        std::optional<Hash> file;
        {
            std::lock_guard lock(mutex_);
            file = store_->intact_checkpoint_file(digest);
        }
        if (!file) return false;
        std::lock_guard lock(held_mutex_);
        held_[digest] = *file;
        return true;
    }

    /// Stores a fetched checkpoint file after Store checked it; false with the reason otherwise.
    bool keep(const Hash& digest, uint64_t size, const Bytes& file, std::string* why) {
        Hash file_digest{};
        try {
            std::lock_guard lock(mutex_);
            file_digest = store_->put_checkpoint_file(digest, file, size);
            // Its file digest is recorded with the next block, in the same transaction (as the server
            // records it), or now when a block naming it is in the replica already.
            if (std::any_of(chain_.rbegin(), chain_.rend(),
                            [&](const Block& b) { return b.payload.checkpoint == digest; }))
                store_->record_checkpoint_files();
        } catch (const StoreError& e) {
            *why = e.what();
            return false;
        }
        std::lock_guard lock(held_mutex_);
        held_[digest] = file_digest;
        return true;
    }

    /// Whether the replica holds checkpoint `digest` (of `size` bytes): fetched when it does not,
    /// from the checkpoints stream or, when the stream lacks it or it does not hold up there, from
    /// peers; tried again until `deadline` (only once without `again`). `from` says where it came
    /// from.
    bool ensure_checkpoint(const Hash& digest, uint64_t size, Clock::time_point deadline, std::string* why,
                           const char** from = nullptr, bool again = true,
                           const std::optional<ObjectInfo>& known = std::nullopt) {
        if (from) *from = "the replica";
        if (holds(digest)) return true;
        std::unique_lock fetching(fetch_mutex_, std::defer_lock);
        if (!fetching.try_lock_until(deadline)) {  // the prefetching thread is still at it
            std::lock_guard lock(held_mutex_);
            const auto last = fetch_failures_.find(digest);
            *why = last == fetch_failures_.end() ? "still being fetched"
                                                 : "not fetched in time; the last try: " + last->second;
            return false;
        }
        if (holds(digest)) return true;
        const auto& s = link_.subjects();
        bool first = true;
        for (;;) {
            bool absent = false;
            std::string reason;
            // The description a signed message carried, the first time; the stream's after that.
            const auto obj = fetch_object(link_, s.checkpoints_stream, s.checkpoint(digest), server_key_,
                                          &reason, &absent, first ? known : std::nullopt);
            first = false;
            if (obj && (obj->info.digest != digest || obj->info.size != size))
                reason = "the stream describes it as another checkpoint";
            else if (obj && keep(digest, size, obj->bytes, &reason)) {
                if (from) *from = "the stream";
                return true;
            }
            std::string peers;
            if (fetch_checkpoint_from_peers(digest, size, &peers)) {
                if (from) *from = "peers";
                return true;
            }
            *why = "stream: " + reason + "; peers: " + peers;
            {
                std::lock_guard lock(held_mutex_);
                if (fetch_failures_.size() >= 64) fetch_failures_.clear();
                fetch_failures_[digest] = *why;
            }
            if (!again || stop_ || closing_ || Clock::now() >= deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }

    /// Bytes a checkpoint request asks a peer for at a time.
    [[nodiscard]] uint64_t peer_chunk() const {
        const int64_t max = natsConnection_GetMaxPayload(link_.connection());
        return std::clamp<uint64_t>(max > 8192 ? static_cast<uint64_t>(max) - 4096 : 4096, 4096,
                                    object_chunk_size);
    }

    /// Asks the peers for a checkpoint's file, a chunk at a time; every chunk after the first names
    /// the file the first answer described, so that answers from different peers fit together.
    bool fetch_checkpoint_from_peers(const Hash& digest, uint64_t size, std::string* why) {
        const auto& s = link_.subjects();
        const uint64_t chunk = peer_chunk();
        Json request = {{"checkpoint", to_hex(digest)}, {"offset", 0}, {"length", chunk}};
        auto ask = [&](uint64_t offset, std::string* header, std::string_view* data, std::string* body) {
            request["offset"] = offset;
            // Peers without it do not answer: a short wait (an answer takes milliseconds).
            auto reply = link_.request(s.fetch_checkpoint, request.dump(), 1000);
            if (!reply) return false;
            *body = std::move(*reply);
            const auto nl = body->find('\n');
            if (nl == std::string::npos) return false;
            *header = body->substr(0, nl);
            *data = std::string_view(*body).substr(nl + 1);
            return true;
        };
        std::string header, body;
        std::string_view data;
        if (!ask(0, &header, &data, &body)) {
            *why = "no peer holds it";
            return false;
        }
        ObjectInfo info;
        try {
            const Json h = Json::parse(header);
            info.digest = digest;
            info.size = size;
            info.bytes = h.at("bytes").get<uint64_t>();
            info.file_digest = from_hex_n<32>(h.at("file").get<std::string>());
            info.chunk_size = chunk;
        } catch (const std::exception& e) {
            *why = std::string("a malformed answer: ") + e.what();
            return false;
        }
        // A compressed checkpoint is never much larger than its content.
        if (info.bytes == 0 || info.bytes > ZSTD_compressBound(size) + 4096) {
            *why = "a peer describes a file of " + std::to_string(info.bytes) + " bytes";
            return false;
        }
        request["file"] = to_hex(info.file_digest);
        ObjectAssembly assembly(info);
        for (uint64_t i = 0; i < info.chunks(); ++i) {
            if (i > 0 && !ask(i * chunk, &header, &data, &body)) {
                *why = "no answer for chunk " + std::to_string(i);
                return false;
            }
            if (!assembly.add(i, data, why)) return false;
        }
        const auto file = assembly.finish(why);
        return file && keep(digest, size, *file, why);
    }

    /// The checkpoints the replica lacks of the blocks from `from` on, and those it could not get
    /// before (after 10 s, then less and less often, up to every 10 minutes, and for 10 s at most
    /// in one go: a checkpoint that no one holds any more must not keep the node from its votes):
    /// fetched before the node votes again.
    void fetch_missing_checkpoints(uint64_t from) {
        std::vector<std::pair<Hash, std::pair<uint64_t, uint64_t>>> need;  // digest, (size, height)
        {
            std::lock_guard lock(mutex_);
            for (uint64_t h = std::min<uint64_t>(from, checked_to_); h < chain_.size(); ++h) {
                const auto& p = chain_[h].payload;
                if (p.kind == BlockKind::Epoch) need.push_back({p.checkpoint, {p.checkpoint_size, h}});
            }
            checked_to_ = chain_.size();
        }
        const size_t fresh = need.size();
        const bool retrying = !missing_.empty() && Clock::now() >= retry_missing_at_;
        if (retrying)
            for (const auto& [d, sh] : missing_) need.push_back({d, sh});
        std::map<std::string, size_t> sources;
        size_t failed = 0;
        std::set<Hash> seen;
        const auto budget = Clock::now() + std::chrono::seconds(10);
        for (size_t k = 0; k < need.size(); ++k) {
            const auto& [digest, sh] = need[k];
            if (!seen.insert(digest).second || holds(digest)) {
                missing_.erase(digest);
                continue;
            }
            if (k >= fresh && Clock::now() >= budget) break;
            std::string why;
            const char* from_where = nullptr;
            if (ensure_checkpoint(digest, sh.first, Clock::now() + wait(), &why, &from_where, false)) {
                ++sources[from_where];
                missing_.erase(digest);
            } else {
                ++failed;
                if (!missing_.count(digest))
                    log(fmt::format("node {}: cannot get the checkpoint of block {} yet: {}", index_,
                                    sh.second, why));
                missing_[digest] = sh;
            }
            if (stop_) return;
        }
        if (retrying) {  // tried again: less and less often while nothing comes
            retry_after_ = sources.empty()
                               ? std::min<Clock::duration>(retry_after_ * 2, std::chrono::minutes(10))
                               : Clock::duration{std::chrono::seconds(10)};
            retry_missing_at_ = Clock::now() + retry_after_;
        } else if (failed && missing_.size() == failed) {  // the first ones missing
            retry_after_ = std::chrono::seconds(10);
            retry_missing_at_ = Clock::now() + retry_after_;
        }
        if (!sources.empty() || failed)
            log(fmt::format(
                "node {}: fetched {} missing checkpoint(s) ({} from the stream, {} from peers); {} "
                "still missing",
                index_, sources["the stream"] + sources["peers"], sources["the stream"], sources["peers"],
                missing_.size()));
    }

    /// The description of the payload's checkpoint a candidate or vote request carries, if any.
    static std::optional<ObjectInfo> checkpoint_object(const Json& j, const Payload& payload) {
        try {
            if (!j.contains("checkpoint_object")) return std::nullopt;
            auto info = object_info_from_json(j.at("checkpoint_object"));
            if (info.digest != payload.checkpoint) return std::nullopt;
            return info;
        } catch (const std::exception&) {
            return std::nullopt;  // the stream's description will do
        }
    }

    /// Asks the prefetching thread to fetch a checkpoint (ahead of the vote on its block).
    void want_checkpoint(const Hash& digest, uint64_t size,
                         const std::optional<ObjectInfo>& known = std::nullopt) {
        {
            std::lock_guard lock(want_mutex_);
            // Once in the queue is enough (a candidate sent again asks again).
            if (std::any_of(wanted_.begin(), wanted_.end(),
                            [&](const Wanted& w) { return w.digest == digest; }))
                return;
            wanted_.push_back({digest, size, known});
        }
        want_cv_.notify_one();
    }

    void prefetch_loop() {
        for (;;) {
            Wanted next;
            {
                std::unique_lock lock(want_mutex_);
                want_cv_.wait(lock, [&] { return prefetch_stop_ || !wanted_.empty(); });
                if (prefetch_stop_) return;
                next = wanted_.front();
                wanted_.pop_front();
            }
            try {
                std::string why;
                if (!ensure_checkpoint(next.digest, next.size, Clock::now() + wait(), &why, nullptr, true,
                                       next.known) &&
                    !stop_)
                    log(fmt::format("node {}: could not fetch checkpoint {}: {}", index_, hex(next.digest),
                                    why));
            } catch (const std::exception& e) {
                if (!stop_)
                    log(fmt::format("node {}: fetching checkpoint {}: {}", index_, hex(next.digest),
                                    e.what()));
            }
        }
    }

    [[nodiscard]] Clock::duration wait() const {
        return std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(std::max(0.0, o_.checkpoint_wait_seconds)));
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
            BlockExtras extras = extras_of(j, b.header.height);
            if (append(b, "the server", &fresh, &extras) && fresh) {
                log(fmt::format("node {}: block {} ({}) appended, {} votes", index_, b.header.height,
                                kind_name(b.payload.kind), b.votes.size()));
                // A block voted on without this node: its checkpoint all the same.
                if (b.payload.kind == BlockKind::Epoch && !holds(b.payload.checkpoint))
                    want_checkpoint(b.payload.checkpoint, b.payload.checkpoint_size);
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
            // Its checkpoint, fetched while the race runs: the vote needs it.
            if (payload.kind == BlockKind::Epoch || payload.kind == BlockKind::Rollback)
                want_checkpoint(payload.checkpoint, payload.checkpoint_size, checkpoint_object(j, payload));
            return;
        }
        if (e.subject == s.vote_request) {
            const auto header = header_from_hex(j.at("header").get<std::string>());
            const auto payload = payload_from_hex(j.at("payload").get<std::string>());
            const auto hash = from_hex_n<32>(j.at("hash").get<std::string>());
            // A request sent again (the server had not heard enough votes yet): the same vote again,
            // without fetching or checking anything again (the server counts a node's first vote).
            if (const auto sent = votes_sent_.find(hash); sent != votes_sent_.end()) {
                link_.publish(s.vote, sent->second);
                return;
            }
            if (header.height > height()) catch_up(header.height);
            stop_mining();  // the race for this height is over: leave the cores to the checks
            node_->receive_candidate(header, payload);
            auto v = node_->vote(header.nonce, hash);
            if (!v) return;
            bool replayed = false;
            if (v->accept) {
                // Beyond the claim itself: the block the server would make must be one this node
                // would append (difficulty, run id, kind, time, rollback target).
                Block candidate;
                candidate.header = header;
                candidate.payload = payload;
                std::unique_lock lock(mutex_);
                const auto ok = validate_next_block(config_, nodes_, chain_, candidate, VoteCheck::None);
                lock.unlock();
                std::string why;
                if (!ok.ok()) {
                    why = ok.detail;
                } else if ((payload.kind == BlockKind::Epoch || payload.kind == BlockKind::Rollback) &&
                           !ensure_checkpoint(payload.checkpoint, payload.checkpoint_size,
                                              Clock::now() + wait(), &why, nullptr, true,
                                              checkpoint_object(j, payload))) {
                    // The block's data must be on a majority of the nodes before it is appended.
                    why = "it does not hold the block's checkpoint " + hex(payload.checkpoint) + " (" + why +
                          ")";
                }
                if (!why.empty()) {
                    log(fmt::format("node {}: rejects block {}: {}", index_, header.height, why));
                    v->accept = false;
                    v->signature = key_->sign(vote_message(hash, false));
                } else if (o_.epoch_check && payload.kind == BlockKind::Epoch && payload.segments &&
                           drawn(j)) {
                    replayed = replay(header, payload, hash, *v);
                }
            }
            Json body = {{"node", index_},
                         {"height", header.height},
                         {"hash", to_hex(hash)},
                         {"accept", v->accept},
                         {"signature", to_hex(v->signature)}};
            // Not signed into the vote (vote_message): what the server needs to weigh it.
            if (!v->accept && v->reason) body["reason"] = reason_to_json(*v->reason);
            if (replayed) body["replayed"] = true;
            const std::string vote = seal(*key_, s.vote, body.dump());
            link_.publish_durable(s.vote, vote);
            if (votes_sent_.size() >= 256) votes_sent_.clear();
            votes_sent_[hash] = vote;
            log(fmt::format("node {}: voted {} on block {}", index_, v->accept ? "accept" : "reject",
                            header.height));
            return;
        }
        if (e.subject == s.restore_request) {
            const auto tip = j.at("tip").get<uint64_t>();
            if (tip >= height()) catch_up(tip + 1);
            RestoreRequest request;
            request.id = j.at("id").get<uint64_t>();
            request.run_id = config_.run_id;
            request.tip = tip;
            if (j.contains("to")) request.to = j.at("to").get<uint64_t>();
            if (j.contains("failing")) request.failing = j.at("failing").get<uint64_t>();
            if (!node_->alive()) return;
            if (j.at("run_id").get<uint64_t>() != config_.run_id) return;
            // Signed over the run id, the rollback block's height, the failing block's hash, the
            // target and its hash, as this replica holds them (runtime::proposal_message).
            const auto proposal = node_->proposal(request);
            Json body = {{"node", index_},
                         {"id", j.at("id")},
                         {"tip", tip},
                         {"challenge", j.at("challenge")},
                         {"height", nullptr}};
            if (proposal) {
                body["height"] = proposal->height;
                body["target_hash"] = to_hex(proposal->target_hash);
                body["signature"] = to_hex(proposal->signature);
            }
            link_.publish_durable(s.proposal, seal(*key_, s.proposal, body.dump()));
            log(fmt::format("node {}: rollback {}: proposed {}", index_, request.id,
                            proposal ? std::to_string(proposal->height) : "nothing"));
            return;
        }
    }

    // ---- sampled replay --------------------------------------------------------------------

    /// Whether a vote request names this node among the block's replaying nodes.
    bool drawn(const Json& request) const {
        if (!request.contains("replayers")) return false;
        const auto& r = request.at("replayers");
        return r.is_array() && std::any_of(r.begin(), r.end(), [&](const Json& n) {
                   return n.is_number_unsigned() && n.get<uint64_t>() == index_;
               });
    }

    /// Runs the epoch check (NodeOptions::epoch_check) for the vote `v`, accepting so far, on the
    /// block `claimed` (with its nonce) whose hash is `hash`: on a failure `v` becomes a reject
    /// carrying the reason. True when the check ran (false when it could not: logged).
    bool replay(const BlockHeader& claimed, const Payload& payload, const Hash& hash, Vote& v) {
        const Signature accept_signature = key_->sign(vote_message(hash, true));
        size_t states = 0;
        uint64_t bytes = 0;
        const SegmentSource fetch = [&](const Hash& root, uint32_t index, bool with_state) {
            auto o = fetch_segment(root, index, with_state, Clock::now() + wait());
            if (o && with_state) {
                ++states;
                bytes += o->state.size();
            }
            return o;
        };
        ValidationState state;
        try {
            std::lock_guard lock(mutex_);  // the check reads the replica
            state = o_.epoch_check(claimed, payload, accept_signature, *store_, fetch);
        } catch (const std::exception& e) {
            log(fmt::format("node {}: could not replay block {}: {}", index_, claimed.height, e.what()));
            return false;
        }
        if (state.ok()) {
            // Every state fetched but the last state and the evaluation record (the last two leaves)
            // starts a segment that was re-run.
            log(
                fmt::format("node {}: replayed {} segments of block {}: ok ({} states, {} bytes fetched from "
                            "the server)",
                            index_, states < 2 ? 0 : states - 2, claimed.height, states, bytes));
            return true;
        }
        log(fmt::format("node {}: rejects block {}: {} ({})", index_, claimed.height, state.detail,
                        state.token()));
        v.accept = false;
        v.signature = key_->sign(vote_message(hash, false));
        v.reason = std::move(state);
        return true;
    }

    /// Leaf `index` of the commitment with root `root` from the server (Subjects::fetch_segment),
    /// with its proof and, when `with_state`, its state (read from the checkpoints stream, checked
    /// against the leaf); asked again until `deadline`. nullopt, logged, when it cannot be had.
    std::optional<SegmentOpening> fetch_segment(const Hash& root, uint32_t index, bool with_state,
                                                Clock::time_point deadline) {
        const auto& s = link_.subjects();
        std::string why = "the server did not answer";
        bool again = false;  // the state's object could not be read: the server publishes it again
        while (!stop_ && !closing_) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) break;
            Json body = {
                {"node", index_}, {"root", to_hex(root)}, {"index", index}, {"with_state", with_state}};
            if (again) body["again"] = true;
            const auto reply = link_.request(s.fetch_segment, seal(*key_, s.fetch_segment, body.dump()),
                                             static_cast<int>(std::min<int64_t>(left.count(), 10000)));
            if (reply) {
                try {
                    const Json a = Json::parse(*reply);
                    if (a.contains("missing")) {
                        why = a.at("missing").get<std::string>();
                        break;
                    }
                    SegmentOpening o;
                    o.leaf = from_hex_n<32>(a.at("leaf").get<std::string>());
                    for (const auto& h : a.at("proof"))
                        o.proof.push_back(from_hex_n<32>(h.get<std::string>()));
                    if (!with_state) return o;
                    // The state is the object whose bytes hash to the leaf (the check holds the leaf
                    // against the root with the proof).
                    const ObjectInfo info = object_info_from_json(a.at("state"));
                    if (info.digest != o.leaf || info.file_digest != o.leaf || info.bytes != info.size) {
                        why = "the server describes another state than the leaf";
                        break;
                    }
                    bool absent = false;
                    auto obj = fetch_object(link_, s.checkpoints_stream, s.segment_state(o.leaf), server_key_,
                                            &why, &absent, info);
                    if (obj) {
                        o.state = std::move(obj->bytes);
                        return o;
                    }
                    why = "its state: " + why;
                    again = true;
                } catch (const std::exception& e) {
                    why = std::string("a malformed answer: ") + e.what();
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        log(fmt::format("node {}: could not fetch leaf {} of segment commitment {}: {}", index_, index,
                        hex(root), why));
        return std::nullopt;
    }

    void start_mining(const BlockHeader& header) {
        stop_mining();
        if (!node_->alive()) return;
        {
            std::lock_guard lock(mining_mutex_);
            mining_header_ = header;
            mining_stop_ = false;
        }
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
            const std::string claim = seal(*key_, s.claim,
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

    /// Runs `answer(request, reply subject)` for a peer's request: a message with a reply subject
    /// and a JSON body. A malformed request is dropped unanswered (a peer that asks wrongly gets
    /// nothing, and a peer that asks rightly is answered by whoever holds what it wants).
    template <class Answer>
    static void answer_request(natsMsg* msg, Answer&& answer) noexcept {
        std::unique_ptr<natsMsg, decltype(&natsMsg_Destroy)> guard(msg, natsMsg_Destroy);
        const char* reply = natsMsg_GetReply(msg);
        if (!reply) return;
        try {
            answer(Json::parse(
                       std::string(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)))),
                   reply);
        } catch (const std::exception&) {
        }
    }

    /// A peer asks for blocks from a height on: up to 64 of them from the replica.
    /// A claim a node posted to the Consensus Queue. When it holds up for the header this node
    /// mines (the claimer's signature, claim_holds as the server applies it, the nonce in the
    /// claimer's share), the race is over: the miners stop now rather than at the server's
    /// vote request, a round trip and the server's consensus call later, and leave the cores to the
    /// votes. (The vote itself waits for the server's request: the server picks the claim.)
    static void on_claim(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
        auto* self = static_cast<NodeProcess*>(closure);
        const std::unique_ptr<natsMsg, decltype(&natsMsg_Destroy)> guard(msg, natsMsg_Destroy);
        try {
            const auto e = open_envelope(msg);
            if (!e || self->mining_stop_) return;
            const Json j = Json::parse(e->body);
            const auto node = j.at("node").get<uint32_t>();
            const auto n = static_cast<uint64_t>(self->nodes_.size());
            if (node >= n || node == self->index_) return;
            BlockHeader h;
            {
                std::lock_guard lock(self->mining_mutex_);
                if (!self->mining_header_) return;
                h = *self->mining_header_;
            }
            if (j.at("height").get<uint64_t>() != h.height ||
                j.at("timestamp_ms").get<uint64_t>() != h.timestamp_ms)
                return;
            // As the server judges it: a claim whose stated hash is not the header's (which the
            // server only queues for the contract to refuse) must not stop the race.
            const auto nonce = j.at("nonce").get<uint64_t>();
            if (nonce % n != node || !claim_holds(h, nonce, from_hex_n<32>(j.at("hash").get<std::string>())))
                return;
            if (!verify_envelope(self->nodes_[node].public_key, *e)) return;
            // Still the race this claim ends (a new candidate may have come meanwhile).
            std::lock_guard lock(self->mining_mutex_);
            if (self->mining_header_ && self->mining_header_->height == h.height &&
                self->mining_header_->timestamp_ms == h.timestamp_ms)
                self->mining_stop_ = true;
        } catch (const std::exception&) {
            // a malformed claim: the server ignores it too
        }
    }

    static void on_fetch(natsConnection* nc, natsSubscription*, natsMsg* msg, void* closure) {
        auto* self = static_cast<NodeProcess*>(closure);
        answer_request(msg, [&](const Json& j, const char* reply) {
            const auto from = j.at("from").get<uint64_t>();
            // As many blocks as fit in one message (the broker's limit, 1 MiB by default).
            const auto limit =
                static_cast<size_t>(std::max<int64_t>(natsConnection_GetMaxPayload(nc), 4096)) - 1024;
            std::string body = "{\"blocks\":[";
            size_t count = 0;
            {
                std::lock_guard lock(self->mutex_);
                for (uint64_t h = from; h < self->chain_.size() && count < 64; ++h, ++count) {
                    Json block = block_wire_json(self->chain_[h]);
                    block["records"] =
                        records_to_wire(self->store_->gas_records(h), self->store_->gas_profiles(h),
                                        self->store_->state_record(h));
                    const std::string b = block.dump();
                    if (body.size() + b.size() + 2 > limit) break;
                    if (count) body += ',';
                    body += b;
                }
            }
            if (count == 0) return;  // let a peer that has them answer
            body += "]}";
            natsConnection_Publish(nc, reply, body.data(), static_cast<int>(body.size()));
        });
    }

    /// A peer asks for a piece of a checkpoint's file: {"checkpoint", "offset", "length", "file"
    /// (optional: the file's SHA-256, which must be this node's)}. The answer is a JSON line
    /// {"bytes": the file's size, "file": its SHA-256} and the bytes. Only checkpoints this process
    /// has checked are served; a node without it does not answer (a peer that has it will).
    static void on_fetch_checkpoint(natsConnection* nc, natsSubscription*, natsMsg* msg, void* closure) {
        auto* self = static_cast<NodeProcess*>(closure);
        answer_request(msg, [&](const Json& j, const char* reply) {
            const auto digest = from_hex_n<32>(j.at("checkpoint").get<std::string>());
            Hash file{};
            {
                std::lock_guard lock(self->held_mutex_);
                const auto it = self->held_.find(digest);
                if (it == self->held_.end()) return;
                file = it->second;
            }
            if (j.contains("file") && from_hex_n<32>(j.at("file").get<std::string>()) != file) return;
            std::ifstream f(self->store_->checkpoint_path(digest), std::ios::binary);
            if (!f) return;
            f.seekg(0, std::ios::end);
            const auto bytes = static_cast<uint64_t>(f.tellg());
            const auto offset = j.at("offset").get<uint64_t>();
            if (offset > bytes) return;
            const auto max =
                static_cast<uint64_t>(std::max<int64_t>(natsConnection_GetMaxPayload(nc), 8192)) - 4096;
            const uint64_t length = std::min({j.at("length").get<uint64_t>(), bytes - offset, max});
            std::string body = Json{{"bytes", bytes}, {"file", to_hex(file)}}.dump() + "\n";
            const size_t at = body.size();
            body.resize(at + length);
            f.seekg(static_cast<std::streamoff>(offset));
            f.read(body.data() + at, static_cast<std::streamsize>(length));
            if (static_cast<uint64_t>(f.gcount()) != length) return;
            natsConnection_Publish(nc, reply, body.data(), static_cast<int>(body.size()));
        });
    }

    const NodeOptions& o_;
    const std::atomic<bool>& stop_;
    std::optional<KeyPair> key_;  ///< none: an observer (fetch_run)
    uint64_t from_stream_ = 0;    ///< blocks taken from the stream (the rest came from peers)
    Link link_;
    natsSubscription* fetch_sub_ = nullptr;
    natsSubscription* fetch_checkpoint_sub_ = nullptr;
    natsSubscription* claim_sub_ = nullptr;  ///< other nodes' claims: the race is over (on_claim)
    PublicKey server_key_{};
    ChainConfig config_;
    std::vector<NodeRecord> nodes_;
    uint32_t index_ = 0;
    std::unique_ptr<Store> store_;
    mutable std::mutex mutex_;  ///< guards chain_ (the fetch callback reads it)
    std::vector<Block> chain_;
    std::optional<UserNode> node_;
    /// Guards mining_header_'s writes and on_claim's reads, and orders a new race's start
    /// (mining_stop_ false) with on_claim's stop of the previous one.
    std::mutex mining_mutex_;
    std::optional<BlockHeader> mining_header_;
    std::atomic<bool> mining_stop_{true};
    std::atomic<bool> found_{false};
    std::vector<std::thread> miners_;
    std::mutex claim_mutex_;                 ///< guards last_claim_ (written by a mining thread)
    std::optional<std::string> last_claim_;  ///< the claim posted for the current candidate
    /// The votes posted, by claim: a request sent again is answered with the same vote.
    std::map<Hash, std::string> votes_sent_;

    std::mutex held_mutex_;      ///< guards held_ (peers' requests read it)
    std::map<Hash, Hash> held_;  ///< checkpoints checked intact in the replica: digest -> file SHA-256
    std::map<Hash, std::string> fetch_failures_;  ///< why the last fetch of a checkpoint failed
    std::timed_mutex fetch_mutex_;                ///< one checkpoint fetch at a time
    uint64_t checked_to_ = 0;  ///< blocks below this were looked at for missing checkpoints
    std::map<Hash, std::pair<uint64_t, uint64_t>> missing_;  ///< not got yet: digest -> (size, height)
    Clock::time_point retry_missing_at_{};
    Clock::duration retry_after_ = std::chrono::seconds(10);
    std::thread prefetcher_;  ///< fetches the checkpoints of candidates ahead of their votes
    std::mutex want_mutex_;   ///< guards wanted_ and prefetch_stop_
    std::condition_variable want_cv_;
    struct Wanted {
        Hash digest;
        uint64_t size = 0;
        std::optional<ObjectInfo> known;
    };
    std::deque<Wanted> wanted_;
    bool prefetch_stop_ = false;
    std::atomic<bool> closing_{false};  ///< the process is ending: fetches give up
};

}  // namespace

void shutdown() noexcept { nats_CloseAndWait(2000); }

void run_node(const NodeOptions& options, const std::atomic<bool>& stop) {
    NodeProcess node(options, stop);
    node.run();
}

FetchReport fetch_run(const Endpoint& endpoint, const runtime::PublicKey& server_key,
                      const std::filesystem::path& data_dir,
                      const std::function<void(const std::string&)>& log) {
    NodeOptions o;
    o.endpoint = endpoint;
    o.data_dir = data_dir;
    o.server_key = server_key;
    o.log = log;
    const std::atomic<bool> stop{false};
    NodeProcess observer(o, stop);
    return observer.fetch();
}

}  // namespace trainchain::nats
