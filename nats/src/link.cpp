// nats/src/link.cpp - the NATS connection, streams, signed envelopes and JSON forms the
// server and the node processes share.
#include "link.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "trainchain/vm/hex.hpp"

namespace trainchain::nats::detail {

Subjects::Subjects(const std::string& run) {
    const std::string p = "tc." + run + ".";
    info = p + "s.info";
    block_prefix = p + "s.block.";
    all_blocks = p + "s.block.*";
    candidate = p + "s.candidate";
    vote_request = p + "s.vote-request";
    restore_request = p + "s.restore-request";
    results = p + "s.results";
    server_all = p + "s.>";
    claim = p + "n.claim";
    vote = p + "n.vote";
    proposal = p + "n.proposal";
    fetch = p + "fetch";
    fetch_checkpoint = p + "fetch.ckpt";
    fetch_segment = p + "fetch.segment";
    checkpoint_prefix = p + "obj.ckpt.";
    all_checkpoints = p + "obj.ckpt.>";
    segment_prefix = p + "obj.seg.";
    all_segments = p + "obj.seg.>";
    blocks_stream = "TC_" + run + "_BLOCKS";
    queues_stream = "TC_" + run + "_QUEUES";
    checkpoints_stream = "TC_" + run + "_CHECKPOINTS";
}

std::string Subjects::checkpoint(const runtime::Hash& digest) const {
    return checkpoint_prefix + to_hex(digest);
}

std::string Subjects::segment_state(const runtime::Hash& leaf) const { return segment_prefix + to_hex(leaf); }

void check(natsStatus s, const std::string& what) {
    if (s == NATS_OK) return;
    std::string text = natsStatus_GetText(s);
    if (const char* last = nats_GetLastError(nullptr); last && *last) text += std::string(" (") + last + ")";
    throw NatsError(what + ": " + text);
}

Bytes signed_bytes(const std::string& subject, const std::string& body) {
    static constexpr char tag[] = "trainchain/nats/v1";
    Bytes m(tag, tag + sizeof tag);  // with the terminating zero
    m.insert(m.end(), subject.begin(), subject.end());
    m.push_back(0);
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

std::string seal(const runtime::KeyPair& key, const std::string& subject, const std::string& body) {
    const auto sig = key.sign(signed_bytes(subject, body));
    std::string out = body;
    out.append(reinterpret_cast<const char*>(sig.data()), sig.size());
    return out;
}

std::optional<Envelope> open_envelope(natsMsg* msg) {
    const int len = natsMsg_GetDataLength(msg);
    if (len < 64) return std::nullopt;
    const char* data = natsMsg_GetData(msg);
    Envelope e;
    e.subject = natsMsg_GetSubject(msg);
    if (const char* r = natsMsg_GetReply(msg)) e.reply = r;
    e.body.assign(data, static_cast<size_t>(len) - 64);
    std::memcpy(e.signature.data(), data + len - 64, 64);
    return e;
}

bool verify_envelope(const runtime::PublicKey& key, const Envelope& e) {
    return runtime::verify_signature(key, signed_bytes(e.subject, e.body), e.signature);
}

bool claim_holds(runtime::BlockHeader header, uint64_t nonce, const runtime::Hash& hash) {
    header.nonce = nonce;
    return header.hash() == hash && runtime::check_proof_of_work(hash, header.difficulty_bits);
}

Link::Link(const Endpoint& endpoint, const std::string& who, LinkOptions options)
    : options_{std::move(options)}, subjects_{endpoint.run} {
    natsOptions* opts = nullptr;
    check(natsOptions_Create(&opts), "nats");
    std::unique_ptr<natsOptions, decltype(&natsOptions_Destroy)> guard(opts, natsOptions_Destroy);
    // One broker or several of a cluster (parse_endpoint joined them with commas): the server pool.
    std::vector<std::string> urls;
    for (size_t at = 0; at <= endpoint.server.size();) {
        const size_t comma = std::min(endpoint.server.find(',', at), endpoint.server.size());
        urls.push_back(endpoint.server.substr(at, comma - at));
        at = comma + 1;
    }
    std::vector<const char*> pool;
    for (const auto& u : urls) pool.push_back(u.c_str());
    check(natsOptions_SetServers(opts, pool.data(), static_cast<int>(pool.size())),
          "nats: " + endpoint.server);
    check(natsOptions_SetName(opts, who.c_str()), "nats");
    check(natsOptions_SetAllowReconnect(opts, true), "nats");
    check(natsOptions_SetMaxReconnect(opts, -1), "nats");
    check(natsOptions_SetReconnectWait(opts, 250), "nats");
    check(natsOptions_SetTimeout(opts, 2000), "nats");
    // A dead link is noticed within about 3 s (the library's default is minutes); the connection is
    // then made again, subscriptions with it, and what was missed comes from the streams.
    check(natsOptions_SetPingInterval(opts, 1000), "nats");
    check(natsOptions_SetMaxPingsOut(opts, 3), "nats");
    for (int attempt = 0;; ++attempt) {
        const natsStatus s = natsConnection_Connect(&nc_, opts);
        if (s == NATS_OK) break;
        nc_ = nullptr;
        if (!options_.patient) check(s, "cannot connect to " + endpoint.server);
        check_stop("waiting for " + endpoint.server);
        if (attempt % 20 == 0 && options_.log)
            options_.log("cannot reach " + endpoint.server + " (" + natsStatus_GetText(s) +
                         "); trying again");
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    jsOptions jo;
    check(jsOptions_Init(&jo), "nats: JetStream");
    jo.PublishAsync.ErrHandler = on_async_error;
    jo.PublishAsync.ErrHandlerClosure = this;
    check(natsConnection_JetStream(&js_, nc_, &jo), "nats: JetStream");
}

void Link::on_async_error(jsCtx*, jsPubAckErr*, void* closure) {
    ++static_cast<Link*>(closure)->async_failures_;
}

void Link::publish_batch(const std::vector<Message>& messages) {
    const uint64_t failures = async_failures_;
    bool sent = true;
    for (const auto& [subject, data] : messages)
        if (js_PublishAsync(js_, subject.c_str(), data.data(), static_cast<int>(data.size()), nullptr) !=
            NATS_OK) {
            sent = false;
            break;
        }
    if (sent) {
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = 10000;
        sent = js_PublishAsyncComplete(js_, &po) == NATS_OK && async_failures_ == failures;
    }
    if (sent) return;
    natsMsgList pending{};
    if (js_PublishAsyncGetPendingList(&pending, js_) == NATS_OK) natsMsgList_Destroy(&pending);
    for (const auto& [subject, data] : messages) publish_durable(subject, data);
}

Link::~Link() {
    if (js_) jsCtx_Destroy(js_);
    if (nc_) {
        natsConnection_Close(nc_);
        natsConnection_Destroy(nc_);
    }
}

void Link::check_stop(const std::string& what) const {
    if (options_.stop && options_.stop->load()) throw NatsError("stopped while " + what);
}

bool Link::retry(natsStatus s, int attempt, int limit, const std::string& what) const {
    check_stop(what);
    if (!options_.patient && attempt + 1 >= limit) return false;
    if (options_.log && attempt > 0 && attempt % 25 == 0)
        options_.log(what + ": " + natsStatus_GetText(s) + "; trying again");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return true;
}

void Link::ensure_streams(const StreamSettings& settings) {
    // Each stream once with its own limits; replication and the checkpoints' retention as `settings`
    // say, else as an existing stream has them (a resumed run keeps what it was started with).
    auto add = [&](const std::string& name, std::vector<std::string> subjects, int64_t per_subject,
                   int64_t max_bytes, bool checkpoints) {
        std::vector<const char*> subj;
        for (const auto& s : subjects) subj.push_back(s.c_str());
        jsStreamConfig cfg;
        jsStreamConfig_Init(&cfg);
        cfg.Name = name.c_str();
        cfg.Subjects = subj.data();
        cfg.SubjectsLen = static_cast<int>(subj.size());
        cfg.Storage = js_FileStorage;
        cfg.MaxMsgsPerSubject = per_subject;
        cfg.MaxBytes = max_bytes;  // the oldest messages go first when full
        cfg.Discard = js_DiscardOld;
        // Nodes read the streams with direct gets, which the broker answers only once the
        // stream is ready (nats-server 2.9.10 crashes on a plain message get that races the
        // stream's creation).
        cfg.AllowDirect = true;
        const std::string what = "creating stream " + name + " (is JetStream enabled? nats-server -js)";
        for (int attempt = 0;; ++attempt) {  // the broker may still be starting
            jsStreamInfo* si = nullptr;
            jsErrCode code{};
            natsStatus s = js_GetStreamInfo(&si, js_, name.c_str(), nullptr, &code);
            const bool exists = s == NATS_OK && si && si->Config;
            const int64_t replicas = exists ? si->Config->Replicas : 1;
            const int64_t age = exists ? si->Config->MaxAge : 0;
            const int64_t bytes = exists ? si->Config->MaxBytes : -1;
            if (si) jsStreamInfo_Destroy(si);
            si = nullptr;
            if (exists || s == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
                cfg.Replicas = settings.replicas ? static_cast<int64_t>(*settings.replicas)
                                                 : std::max<int64_t>(1, replicas);
                if (checkpoints) {
                    cfg.MaxAge =
                        settings.checkpoint_max_age_seconds
                            ? static_cast<int64_t>(*settings.checkpoint_max_age_seconds) * 1'000'000'000
                            : age;
                    cfg.MaxBytes = settings.checkpoint_max_bytes
                                       ? (*settings.checkpoint_max_bytes == 0
                                              ? -1
                                              : static_cast<int64_t>(*settings.checkpoint_max_bytes))
                                       : bytes;
                }
                code = {};
                // A stream made by an earlier version with other limits: brought to this configuration.
                s = exists ? js_UpdateStream(&si, js_, &cfg, nullptr, &code)
                           : js_AddStream(&si, js_, &cfg, nullptr, &code);
                if (si) jsStreamInfo_Destroy(si);
                if (s == NATS_OK) return;
                if (code == JSStreamReplicasNotSupportedErr || code == JSStreamReplicasNotUpdatableErr)
                    check(s, "nats: stream " + name + " with " + std::to_string(cfg.Replicas) +
                                 " replicas (--replicas more than 1 needs a JetStream cluster of as many "
                                 "servers)");
            }
            if (!retry(s, attempt, 50, what)) check(s, "nats: " + what);
        }
    };
    add(subjects_.blocks_stream, {subjects_.all_blocks, subjects_.info}, 1, -1, false);
    add(subjects_.queues_stream,
        {subjects_.candidate, subjects_.vote_request, subjects_.restore_request, subjects_.results,
         subjects_.claim, subjects_.vote, subjects_.proposal},
        -1, int64_t{1} << 30, false);
    add(subjects_.checkpoints_stream, {subjects_.all_checkpoints, subjects_.all_segments}, 1, -1, true);
}

void Link::publish_durable(const std::string& subject, const std::string& data) {
    for (int attempt = 0;; ++attempt) {  // across a reconnect
        jsPubAck* ack = nullptr;
        jsErrCode code{};
        const natsStatus s = js_Publish(&ack, js_, subject.c_str(), data.data(),
                                        static_cast<int>(data.size()), nullptr, &code);
        if (ack) jsPubAck_Destroy(ack);
        if (s == NATS_OK) return;
        if (!retry(s, attempt, 100, "publishing to " + subject)) check(s, "nats: publishing to " + subject);
    }
}

void Link::publish(const std::string& subject, const std::string& data) {
    check(natsConnection_Publish(nc_, subject.c_str(), data.data(), static_cast<int>(data.size())),
          "nats: publishing to " + subject);
}

std::optional<Envelope> Link::last(const std::string& stream, const std::string& subject) {
    const auto raw = last_raw(stream, subject);
    if (!raw || raw->size() < 64) return std::nullopt;
    Envelope e;
    e.subject = subject;  // the message's own: direct gets by subject match it exactly
    e.body = raw->substr(0, raw->size() - 64);
    std::memcpy(e.signature.data(), raw->data() + raw->size() - 64, 64);
    return e;
}

std::optional<std::string> Link::last_raw(const std::string& stream, const std::string& subject) {
    jsDirectGetMsgOptions o;
    jsDirectGetMsgOptions_Init(&o);
    o.LastBySubject = subject.c_str();
    for (int attempt = 0;; ++attempt) {
        natsMsg* msg = nullptr;
        const natsStatus s = js_DirectGetMsg(&msg, js_, stream.c_str(), nullptr, &o);
        if (s == NATS_OK) {
            std::unique_ptr<natsMsg, decltype(&natsMsg_Destroy)> guard(msg, natsMsg_Destroy);
            return std::string(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
        }
        if (s == NATS_NOT_FOUND || s == NATS_NO_RESPONDERS) return std::nullopt;
        if (!retry(s, attempt, 10, "reading " + subject)) check(s, "nats: reading " + subject);
    }
}

std::optional<std::string> Link::request(const std::string& subject, const std::string& data,
                                         int timeout_ms) {
    natsMsg* reply = nullptr;
    const natsStatus s = natsConnection_Request(&reply, nc_, subject.c_str(), data.data(),
                                                static_cast<int>(data.size()), timeout_ms);
    if (s != NATS_OK) return std::nullopt;
    std::unique_ptr<natsMsg, decltype(&natsMsg_Destroy)> guard(reply, natsMsg_Destroy);
    return std::string(natsMsg_GetData(reply), static_cast<size_t>(natsMsg_GetDataLength(reply)));
}

Subscription::Subscription(Link& link, const std::string& subject) {
    check(natsConnection_SubscribeSync(&sub_, link.connection(), subject.c_str()),
          "nats: subscribing to " + subject);
    // Votes from many nodes arrive in bursts: let the pending buffer grow past the defaults.
    check(natsSubscription_SetPendingLimits(sub_, 1 << 20, 1 << 30), "nats");
}

Subscription::~Subscription() {
    if (sub_) {
        natsSubscription_Unsubscribe(sub_);
        natsSubscription_Destroy(sub_);
    }
}

std::optional<Envelope> Subscription::next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        natsMsg* msg = nullptr;
        const natsStatus s = natsSubscription_NextMsg(&msg, sub_, left.count());
        if (s == NATS_TIMEOUT) return std::nullopt;
        if (s != NATS_OK) {  // e.g. a slow-consumer notice: go on
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        std::unique_ptr<natsMsg, decltype(&natsMsg_Destroy)> guard(msg, natsMsg_Destroy);
        if (auto e = open_envelope(msg)) return e;
    }
}

Bytes from_hex(const std::string& text) {
    auto b = vm::parse_hex_digits(text);
    if (!b) throw std::invalid_argument(text.size() % 2 ? "odd hex length" : "not hex");
    return std::move(*b);
}

runtime::BlockHeader header_from_hex(const std::string& text) {
    const auto b = from_hex(text);
    const auto h = runtime::BlockHeader::decode(b);
    if (!h) throw std::invalid_argument("malformed block header");
    return *h;
}

runtime::Payload payload_from_hex(const std::string& text) {
    std::string why;
    const auto p = runtime::Payload::decode(from_hex(text), &why);
    if (!p) throw std::invalid_argument("malformed payload: " + why);
    return *p;
}

Json block_wire_json(const runtime::Block& b) {
    Json votes = Json::array();
    for (const auto& v : b.votes) votes.push_back({v.node, v.accept, to_hex(v.signature)});
    return {{"header", to_hex(b.header.encode())}, {"payload", to_hex(b.payload.encode())}, {"votes", votes}};
}

runtime::Block block_from_wire_json(const Json& j) {
    runtime::Block b;
    b.header = header_from_hex(j.at("header").get<std::string>());
    b.payload = payload_from_hex(j.at("payload").get<std::string>());
    for (const auto& v : j.at("votes")) {
        runtime::Vote vote;
        vote.node = v.at(0).get<uint32_t>();
        vote.accept = v.at(1).get<bool>();
        vote.signature = from_hex_n<64>(v.at(2).get<std::string>());
        b.votes.push_back(vote);
    }
    return b;
}

Json info_json(const RunInfo& info) {
    Json keys = Json::array(), contracts = Json::array();
    for (const auto& n : info.nodes) {
        keys.push_back(to_hex(n.public_key));
        contracts.push_back(to_hex(n.contract));
    }
    const auto& c = info.config;
    Json j = {{"run_id", c.run_id},
              {"nodes", c.nodes},
              {"difficulty_bits", c.difficulty_bits},
              {"fork", c.fork},
              {"quorum_percent", c.quorum_percent},
              {"server_key", to_hex(info.server_key)},
              {"keys", keys},
              {"contracts", contracts}};
    if (!info.contracts.empty()) j["contract_addresses"] = info.contracts;
    if (!info.run_config.empty()) j["run_config"] = info.run_config;
    return j;
}

RunInfo info_from_json(const Json& j) {
    RunInfo info;
    info.config.run_id = j.at("run_id").get<uint64_t>();
    info.config.nodes = j.at("nodes").get<uint32_t>();
    info.config.difficulty_bits = j.at("difficulty_bits").get<uint32_t>();
    info.config.fork = j.at("fork").get<std::string>();
    info.config.quorum_percent = j.at("quorum_percent").get<uint32_t>();
    info.server_key = from_hex_n<32>(j.at("server_key").get<std::string>());
    const auto& keys = j.at("keys");
    const auto& contracts = j.at("contracts");
    if (keys.size() != info.config.nodes || contracts.size() != keys.size())
        throw std::invalid_argument("the key list does not match the node count");
    for (uint32_t i = 0; i < keys.size(); ++i) {
        runtime::NodeRecord r;
        r.index = i;
        r.public_key = from_hex_n<32>(keys[i].get<std::string>());
        r.contract = from_hex_n<20>(contracts[i].get<std::string>());
        info.nodes.push_back(r);
    }
    if (j.contains("contract_addresses")) info.contracts = j.at("contract_addresses").get<std::string>();
    if (j.contains("run_config")) info.run_config = j.at("run_config").get<std::string>();
    return info;
}

// ---- base64 -------------------------------------------------------------------------------

namespace {
constexpr char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string to_base64(std::span<const uint8_t> b) {
    std::string out;
    out.reserve((b.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= b.size(); i += 3) {
        const uint32_t v = uint32_t{b[i]} << 16 | uint32_t{b[i + 1]} << 8 | b[i + 2];
        for (int k = 3; k >= 0; --k) out += b64_alphabet[(v >> (6 * k)) & 63];
    }
    if (const size_t rest = b.size() - i; rest > 0) {
        const uint32_t v = uint32_t{b[i]} << 16 | (rest == 2 ? uint32_t{b[i + 1]} << 8 : 0);
        out += b64_alphabet[(v >> 18) & 63];
        out += b64_alphabet[(v >> 12) & 63];
        out += rest == 2 ? b64_alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

Bytes from_base64(std::string_view text) {
    if (text.size() % 4 != 0) throw std::invalid_argument("base64: the length is not a multiple of 4");
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    Bytes out;
    out.reserve(text.size() / 4 * 3);
    for (size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const int pad = last ? (text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0) : 0;
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            const int d = k >= 4 - pad ? 0 : value(text[i + static_cast<size_t>(k)]);
            if (d < 0) throw std::invalid_argument("base64: not a base64 digit");
            v = v << 6 | static_cast<uint32_t>(d);
        }
        out.push_back(static_cast<uint8_t>(v >> 16));
        if (pad < 2) out.push_back(static_cast<uint8_t>(v >> 8));
        if (pad < 1) out.push_back(static_cast<uint8_t>(v));
    }
    return out;
}

// ---- a block's records ----------------------------------------------------------------------

namespace {

Json use_json(const vm::GasUse& u) { return Json::array({u.count, u.gas}); }
vm::GasUse use_from(const Json& j) { return {j.at(0).get<uint64_t>(), j.at(1).get<int64_t>()}; }

}  // namespace

std::string records_to_wire(const std::vector<runtime::GasRecord>& gas,
                            const std::vector<runtime::GasProfileRecord>& profiles,
                            const std::optional<runtime::StateRecord>& state) {
    Json g = Json::array(), p = Json::array();
    for (const auto& r : gas) g.push_back({r.contract, r.function, r.gas_used, r.success});
    for (const auto& r : profiles) {
        Json ops = Json::array(), pre = Json::array();
        for (size_t i = 0; i < r.profile.opcodes.size(); ++i)
            if (r.profile.opcodes[i].count != 0 || r.profile.opcodes[i].gas != 0)
                ops.push_back({i, r.profile.opcodes[i].count, r.profile.opcodes[i].gas});
        for (const auto& [n, u] : r.profile.precompiles) pre.push_back({n, u.count, u.gas});
        p.push_back({{"c", r.contract},
                     {"f", r.function},
                     {"n", r.calls},
                     {"g", r.gas_used},
                     {"i", r.intrinsic},
                     {"r", r.refund},
                     {"op", ops},
                     {"pre", pre},
                     {"dep", use_json(r.profile.code_deposit)},
                     {"oth", use_json(r.profile.other)}});
    }
    Json j{{"gas", g}, {"profiles", p}};
    if (state) j["state"] = {{"changes", to_hex(state->changes.encode())}, {"digest", to_hex(state->digest)}};
    const std::string text = j.dump();
    Bytes z(ZSTD_compressBound(text.size()));
    const size_t n = ZSTD_compress(z.data(), z.size(), text.data(), text.size(), 3);
    if (ZSTD_isError(n)) throw NatsError(std::string("zstd: ") + ZSTD_getErrorName(n));
    return to_base64({z.data(), n});
}

void records_from_wire(const std::string& text, uint64_t height, std::vector<runtime::GasRecord>& gas,
                       std::vector<runtime::GasProfileRecord>& profiles,
                       std::optional<runtime::StateRecord>& state) {
    const Bytes z = from_base64(text);
    const auto size = ZSTD_getFrameContentSize(z.data(), z.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (uint64_t{64} << 20))
        throw std::invalid_argument("records: not a zstd frame of at most 64 MiB");
    std::string json(static_cast<size_t>(size), '\0');
    const size_t n = ZSTD_decompress(json.data(), json.size(), z.data(), z.size());
    if (ZSTD_isError(n) || n != json.size()) throw std::invalid_argument("records: corrupt zstd frame");
    const Json j = Json::parse(json);
    gas.clear();
    profiles.clear();
    state.reset();
    if (j.contains("state")) {
        std::string why;
        auto changes =
            runtime::StateChanges::decode(from_hex(j.at("state").at("changes").get<std::string>()), &why);
        if (!changes) throw std::invalid_argument("records: the state changes are malformed: " + why);
        state = runtime::StateRecord{std::move(*changes),
                                     from_hex_n<32>(j.at("state").at("digest").get<std::string>())};
    }
    for (const auto& r : j.at("gas"))
        gas.push_back({height, r.at(0).get<std::string>(), r.at(1).get<std::string>(), r.at(2).get<int64_t>(),
                       r.at(3).get<bool>()});
    for (const auto& r : j.at("profiles")) {
        runtime::GasProfileRecord p;
        p.height = height;
        p.contract = r.at("c").get<std::string>();
        p.function = r.at("f").get<std::string>();
        p.calls = r.at("n").get<uint64_t>();
        p.gas_used = r.at("g").get<int64_t>();
        p.intrinsic = r.at("i").get<int64_t>();
        p.refund = r.at("r").get<int64_t>();
        for (const auto& o : r.at("op")) {
            const auto op = o.at(0).get<uint64_t>();
            if (op > 255) throw std::invalid_argument("records: opcode out of range");
            p.profile.opcodes[op] = {o.at(1).get<uint64_t>(), o.at(2).get<int64_t>()};
        }
        for (const auto& o : r.at("pre")) {
            const auto pre = o.at(0).get<uint64_t>();
            if (pre > 255) throw std::invalid_argument("records: precompile out of range");
            p.profile.precompiles[static_cast<uint8_t>(pre)] = {o.at(1).get<uint64_t>(),
                                                                o.at(2).get<int64_t>()};
        }
        p.profile.code_deposit = use_from(r.at("dep"));
        p.profile.other = use_from(r.at("oth"));
        profiles.push_back(std::move(p));
    }
}

// ---- objects over a stream ------------------------------------------------------------------

Json object_info_json(const ObjectInfo& info) {
    return {{"digest", to_hex(info.digest)},
            {"size", info.size},
            {"file", to_hex(info.file_digest)},
            {"bytes", info.bytes},
            {"chunk_size", info.chunk_size}};
}

ObjectInfo object_info_from_json(const Json& j) {
    ObjectInfo info;
    info.digest = from_hex_n<32>(j.at("digest").get<std::string>());
    info.size = j.at("size").get<uint64_t>();
    info.file_digest = from_hex_n<32>(j.at("file").get<std::string>());
    info.bytes = j.at("bytes").get<uint64_t>();
    info.chunk_size = j.at("chunk_size").get<uint64_t>();
    if (info.bytes > 0 && (info.chunk_size == 0 || info.chunk_size > (uint64_t{64} << 20)))
        throw std::invalid_argument("object: chunk size " + std::to_string(info.chunk_size) +
                                    " out of range (1 to 64 MiB)");
    if (info.chunks() > max_object_chunks)
        throw std::invalid_argument("object: " + std::to_string(info.chunks()) + " chunks (at most " +
                                    std::to_string(max_object_chunks) + ")");
    return info;
}

ObjectAssembly::ObjectAssembly(const ObjectInfo& info)
    : info_{info},
      bytes_(static_cast<size_t>(info.bytes)),
      have_(static_cast<size_t>(info.chunks()), false) {}

bool ObjectAssembly::add(uint64_t index, std::string_view data, std::string* why) {
    const uint64_t n = have_.size();
    if (index >= n) {
        if (why)
            *why = "chunk " + std::to_string(index) + " of an object of " + std::to_string(n) + " chunks";
        return false;
    }
    const uint64_t offset = index * info_.chunk_size;
    const uint64_t expected = std::min(info_.chunk_size, info_.bytes - offset);
    if (data.size() != expected) {
        if (why)
            *why = "chunk " + std::to_string(index) + " holds " + std::to_string(data.size()) +
                   " bytes, not " + std::to_string(expected);
        return false;
    }
    if (have_[index]) {
        if (why) *why = "chunk " + std::to_string(index) + " came twice";
        return false;
    }
    std::memcpy(bytes_.data() + offset, data.data(), data.size());
    have_[index] = true;
    ++received_;
    return true;
}

std::optional<Bytes> ObjectAssembly::finish(std::string* why) {
    if (!complete()) {
        if (why)
            *why = std::to_string(have_.size() - received_) + " of " + std::to_string(have_.size()) +
                   " chunks missing";
        return std::nullopt;
    }
    if (runtime::sha256(bytes_) != info_.file_digest) {
        if (why) *why = "the chunks' SHA-256 is not the one the object's description gives";
        return std::nullopt;
    }
    return std::move(bytes_);
}

void publish_object(Link& link, const runtime::KeyPair& key, const std::string& prefix, ObjectInfo& info,
                    const std::function<bool(std::string&)>& next,
                    const std::function<std::vector<Link::Message>(const ObjectInfo&)>& after) {
    runtime::Sha256Stream hash;
    uint64_t bytes = 0, index = 0, batched = 0;
    std::vector<Link::Message> batch;
    std::string chunk;
    for (;;) {
        chunk.clear();
        if (!next(chunk)) break;
        if (chunk.empty()) continue;
        if (chunk.size() > info.chunk_size)
            throw NatsError("object " + prefix + ": a chunk of " + std::to_string(chunk.size()) + " bytes");
        hash.update({reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()});
        bytes += chunk.size();
        std::string subject = prefix + ".c." + std::to_string(index++);
        batched += chunk.size();
        batch.emplace_back(std::move(subject), chunk);
        if (batched >= (uint64_t{4} << 20)) {  // memory stays bounded for large checkpoints
            link.publish_batch(batch);
            batch.clear();
            batched = 0;
        }
    }
    info.bytes = bytes;
    info.file_digest = hash.finish();
    std::string subject = prefix + ".meta";
    std::string sealed = seal(key, subject, object_info_json(info).dump());
    batch.emplace_back(std::move(subject), std::move(sealed));
    if (after)
        for (auto& m : after(info)) batch.push_back(std::move(m));
    link.publish_batch(batch);
}

std::optional<FetchedObject> fetch_object(Link& link, const std::string& stream, const std::string& prefix,
                                          const runtime::PublicKey& server, std::string* why, bool* absent,
                                          const std::optional<ObjectInfo>& known) {
    auto fail = [&](const std::string& reason) -> std::optional<FetchedObject> {
        if (why) *why = reason;
        return std::nullopt;
    };
    if (absent) *absent = false;
    FetchedObject out;
    if (known) {
        out.info = *known;
    } else {
        const auto meta = link.last(stream, prefix + ".meta");
        if (!meta) {
            if (absent) *absent = true;
            return fail("not in stream " + stream);
        }
        if (!verify_envelope(server, *meta)) return fail("its description is not signed by the server");
        try {
            out.info = object_info_from_json(Json::parse(meta->body));
        } catch (const std::exception& e) {
            return fail(std::string("a malformed description: ") + e.what());
        }
    }
    ObjectAssembly assembly(out.info);
    std::string reason;
    for (uint64_t i = 0; i < out.info.chunks(); ++i) {
        const auto c = link.last_raw(stream, prefix + ".c." + std::to_string(i));
        if (!c) {
            if (absent) *absent = true;  // dropped by the stream's limits (the oldest go first)
            return fail("chunk " + std::to_string(i) + " of " + std::to_string(out.info.chunks()) +
                        " is no longer in stream " + stream);
        }
        if (!assembly.add(i, *c, &reason)) return fail(reason);
    }
    auto bytes = assembly.finish(&reason);
    if (!bytes) return fail(reason);
    out.bytes = std::move(*bytes);
    return out;
}

Json reason_to_json(const runtime::ValidationState& reason) {
    return {{"token", std::string(reason.token())}, {"detail", reason.detail}};
}

std::optional<runtime::ValidationState> reason_from_json(const Json& j) {
    if (!j.is_object() || !j.contains("token") || !j.at("token").is_string() || !j.contains("detail") ||
        !j.at("detail").is_string())
        return std::nullopt;
    const auto code = runtime::reject_from_token(j.at("token").get<std::string>());
    if (!code || *code == runtime::Reject::None) return std::nullopt;
    std::string detail = j.at("detail").get<std::string>();
    if (detail.size() > 1024) detail.resize(1024);
    return runtime::ValidationState::invalid(*code, std::move(detail));
}

}  // namespace trainchain::nats::detail
