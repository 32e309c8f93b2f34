// nats/src/link.cpp - the NATS connection, streams, signed envelopes and JSON forms the
// server and the node processes share.
#include "link.hpp"

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
    blocks_stream = "TC_" + run + "_BLOCKS";
    queues_stream = "TC_" + run + "_QUEUES";
}

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

Link::Link(const Endpoint& endpoint, const std::string& who, LinkOptions options)
    : options_{std::move(options)}, subjects_{endpoint.run} {
    natsOptions* opts = nullptr;
    check(natsOptions_Create(&opts), "nats");
    std::unique_ptr<natsOptions, decltype(&natsOptions_Destroy)> guard(opts, natsOptions_Destroy);
    check(natsOptions_SetURL(opts, endpoint.server.c_str()), "nats: " + endpoint.server);
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
    check(natsConnection_JetStream(&js_, nc_, nullptr), "nats: JetStream");
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

void Link::ensure_streams() {
    auto add = [&](const std::string& name, std::vector<std::string> subjects, int64_t per_subject,
                   int64_t max_bytes) {
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
        // Nodes read the blocks stream with direct gets, which the broker answers only once the
        // stream is ready (nats-server 2.9.10 crashes on a plain message get that races the
        // stream's creation).
        cfg.AllowDirect = true;
        const std::string what = "creating stream " + name + " (is JetStream enabled? nats-server -js)";
        jsErrCode code{};
        for (int attempt = 0;; ++attempt) {  // the broker may still be starting
            jsStreamInfo* si = nullptr;
            natsStatus s = js_AddStream(&si, js_, &cfg, nullptr, &code);
            // A stream made by an earlier version with other limits: brought to this configuration.
            if (s != NATS_OK && code == JSStreamNameExistErr)
                s = js_UpdateStream(&si, js_, &cfg, nullptr, &code);
            if (si) jsStreamInfo_Destroy(si);
            if (s == NATS_OK) return;
            if (!retry(s, attempt, 50, what)) check(s, "nats: " + what);
        }
    };
    add(subjects_.blocks_stream, {subjects_.all_blocks, subjects_.info}, 1, -1);
    add(subjects_.queues_stream,
        {subjects_.candidate, subjects_.vote_request, subjects_.restore_request, subjects_.results,
         subjects_.claim, subjects_.vote, subjects_.proposal},
        -1, int64_t{1} << 30);
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
    jsDirectGetMsgOptions o;
    jsDirectGetMsgOptions_Init(&o);
    o.LastBySubject = subject.c_str();
    for (int attempt = 0;; ++attempt) {
        natsMsg* msg = nullptr;
        const natsStatus s = js_DirectGetMsg(&msg, js_, stream.c_str(), nullptr, &o);
        if (s == NATS_OK) {
            std::unique_ptr<natsMsg, decltype(&natsMsg_Destroy)> guard(msg, natsMsg_Destroy);
            return open_envelope(msg);
        }
        // No message on the subject, or no stream ready to answer.
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
    return {{"run_id", c.run_id},
            {"nodes", c.nodes},
            {"difficulty_bits", c.difficulty_bits},
            {"fork", c.fork},
            {"quorum_percent", c.quorum_percent},
            {"server_key", to_hex(info.server_key)},
            {"keys", keys},
            {"contracts", contracts}};
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
    return info;
}

}  // namespace trainchain::nats::detail
