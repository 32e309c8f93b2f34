// api/src/server.cpp - the HTTP/JSON API over a workspace of runs (on the server of
// http.hpp): bearer token authentication on every /api/ request, body limits, JSON errors. Reads open a Store
// per request; writes go to one Chain per run, kept open and serialized by the run's mutex.
#include "trainchain/api/server.hpp"

#include "http.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/epoch_note.hpp"
#include "trainchain/runtime/limits.hpp"
#include "trainchain/reports/gas_report.hpp"
#include "trainchain/training/recovery_policy.hpp"
#include "trainchain/training/settings.hpp"
#include "trainchain/vm/hex.hpp"

namespace trainchain::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* settings_file = "serve.json";

/// An error answered as {"error": message} with `status`.
struct HttpError : std::runtime_error {
    int status;
    HttpError(int s, const std::string& message) : std::runtime_error(message), status{s} {}
};

/// JSON text for an answer: bytes that are not UTF-8 (a request's own, quoted in an error) become
/// U+FFFD instead of failing the answer.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void send_json(http::Response& res, int status, const std::string& body) {
    res.status = status;
    res.content_type = "application/json";
    res.body = body + "\n";
}

void send_error(http::Response& res, int status, const std::string& message) {
    send_json(res, status, dump(json{{"error", message}}));
}

/// Constant-time comparison of the presented token with the workspace's.
bool token_matches(const std::string& presented, const std::string& token) {
    if (presented.size() != token.size()) return false;
    return CRYPTO_memcmp(presented.data(), token.data(), token.size()) == 0;
}

uint64_t parse_height(const std::string& text) {
    uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        throw HttpError(400, "block height '" + text + "' is not a non-negative integer");
    return v;
}

/// A query parameter that must be a number (accepts "nan" and "inf": a client may post a loss
/// that went wrong, which is what the detection rules are for).
double parse_number(const http::Request& req, const std::string& name, bool required, double fallback = 0) {
    if (!req.has_param(name)) {
        if (required) throw HttpError(400, "query parameter '" + name + "' is missing");
        return fallback;
    }
    const std::string text = req.param(name);
    if (text == "nan" || text == "NaN") return std::nan("");
    if (text == "inf" || text == "Infinity") return INFINITY;
    if (text == "-inf" || text == "-Infinity") return -INFINITY;
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        throw HttpError(400, "query parameter '" + name + "' = '" + text + "' is not a number");
    return v;
}

/// A JSON number, or the strings "nan", "inf", "-inf" for what JSON cannot hold.
json json_number(double v) {
    if (std::isfinite(v)) return v;
    return std::isnan(v) ? json("nan") : json(v > 0 ? "inf" : "-inf");
}

/// The request body as a JSON object (an empty body is an empty object).
json body_object(const http::Request& req) {
    if (req.body.empty()) return json::object();
    json j = json::parse(req.body, nullptr, false);
    if (j.is_discarded()) throw HttpError(400, "the request body is not valid JSON");
    if (!j.is_object()) throw HttpError(400, "the request body must be a JSON object");
    return j;
}

/// An upload's bytes, read back from the file the server streamed them to (checked against the
/// digest taken on the way in: the file is private to the server, but a short read is not).
runtime::Bytes read_upload(const http::Request::Upload& upload) {
    runtime::Bytes bytes(upload.size);
    std::ifstream in(upload.file, std::ios::binary);
    if (!in || !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
        throw HttpError(500, "cannot read the upload back");
    if (runtime::sha256(bytes) != upload.sha256) throw HttpError(500, "the stored upload changed");
    return bytes;
}

/// Rejects keys of `j` not in `known` (a misspelt setting must not be silently ignored).
void only_keys(const json& j, const std::set<std::string>& known, const std::string& where) {
    for (const auto& [k, v] : j.items())
        if (!known.count(k)) throw HttpError(400, where + ": unknown key '" + k + "'");
}

template <typename T>
T field(const json& j, const std::string& key, T fallback, const std::string& where) {
    if (!j.contains(key)) return fallback;
    try {
        return j.at(key).get<T>();
    } catch (const json::exception&) {
        throw HttpError(400, where + "." + key + " has the wrong type");
    }
}

uint32_t bounded(const json& j, const std::string& key, uint32_t fallback, uint32_t lo, uint32_t hi,
                 const std::string& where) {
    if (!j.contains(key)) return fallback;
    const json& v = j.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
        throw HttpError(400, where + "." + key + " must be an integer from " + std::to_string(lo) + " to " +
                                 std::to_string(hi));
    return static_cast<uint32_t>(v.get<int64_t>());
}

/// What the API keeps about a run it created (api.json in the run directory): how it judges the
/// epochs clients post and whether it rolls back on its own.
struct RunSettings {
    training::DetectionConfig detection;
    bool auto_rollback = true;
    uint32_t max_rollbacks = 3;

    json to_json() const {
        return {{"format", 1},
                {"detection", training::settings::to_json(detection)},
                {"auto_rollback", auto_rollback},
                {"max_rollbacks", max_rollbacks}};
    }
    /// From a request (or the stored file): unknown keys and values out of range are 400s.
    static RunSettings from_json(const json& j) {
        RunSettings r;
        if (j.contains("detection")) {
            try {
                r.detection = training::settings::detection_from_json(j.at("detection"), r.detection);
            } catch (const training::ConfigError& e) {
                throw HttpError(400, e.what());
            }
        }
        r.auto_rollback = field(j, "auto_rollback", r.auto_rollback, "run");
        r.max_rollbacks = bounded(j, "max_rollbacks", r.max_rollbacks, 0, runtime::max_rollback_limit, "run");
        return r;
    }
};

constexpr const char* run_settings_file = "api.json";

/// A run's api.json: nullopt when the run has none (it is not an API run); a discarded value when
/// the file is not JSON.
std::optional<json> read_run_settings(const fs::path& dir) {
    std::ifstream in(dir / run_settings_file, std::ios::binary);
    if (!in) return std::nullopt;
    return json::parse(std::string(std::istreambuf_iterator<char>(in), {}), nullptr, false);
}

/// How the reason of a rollback asked for through the API begins.
constexpr std::string_view requested_prefix = "requested: ";

json rollback_json(const runtime::RollbackReport& r, const std::vector<runtime::Block>& blocks) {
    json proposals = json::object();
    for (const auto& [h, n] : r.proposals) proposals[std::to_string(h)] = n;
    const auto& target = blocks.at(r.target);
    const auto note = runtime::parse_rollback_note(r.block.block.payload.note);
    return {{"height", r.block.block.header.height},
            {"accepted", r.block.accepted},
            {"target", r.target},
            {"target_epoch", target.payload.epoch},
            {"target_accuracy", json_number(target.payload.accuracy)},
            {"target_checkpoint", runtime::hex(target.payload.checkpoint)},
            {"proposals", proposals},
            {"gas_used", r.block.gas_used},
            {"note", r.block.block.payload.note},
            {"kind", runtime::rollback_kind_name(note.kind)},
            {"rule", note.rule.empty() ? json() : json(note.rule)},
            {"reason", note.reason}};
}
}  // namespace

bool valid_run_name(const std::string& name) noexcept {
    if (name.empty() || name.size() > 64 || name.front() == '.') return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

Workspace Workspace::open_or_init(const fs::path& dir) {
    Workspace w;
    w.dir = dir;
    runtime::create_private_directories(dir);
    std::error_code ec;
    const fs::path file = dir / settings_file;
    if (!fs::exists(file, ec)) {
        uint8_t random[32];
        if (RAND_bytes(random, sizeof random) != 1)
            throw std::runtime_error(file.string() + ": error: no randomness for a token");
        const std::string text = json{{"token", vm::to_hex(random)}, {"format", 1}}.dump(2) + "\n";
        // mkstemp's file mode 0600 carries over through the rename; set it again to be explicit.
        runtime::write_file_atomically(file, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
        fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": error: cannot read the workspace settings");
    try {
        const json j = json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
        w.token = j.at("token").get<std::string>();
    } catch (const std::exception& e) {
        throw std::runtime_error(file.string() + ": error: malformed workspace settings: " + e.what());
    }
    if (w.token.size() < 32) throw std::runtime_error(file.string() + ": error: the token is too short");
    return w;
}

struct ApiServer::Impl {
    Workspace ws;
    ServeOptions options;
    std::unique_ptr<http::Server> http;
    int port = 0;
    int lock_fd = -1;  ///< serve.lock, flock()ed while this server runs

    ~Impl() {
        if (lock_fd >= 0) close(lock_fd);
    }

    /// A run the API writes to: its chain, opened on first use and kept open, and the mutex that
    /// puts its writes (epochs, rollbacks) one after another.
    struct Writer {
        std::mutex mutex;
        std::unique_ptr<runtime::Chain> chain;
        RunSettings settings;
    };
    std::mutex writers_mutex;
    std::map<std::string, std::shared_ptr<Writer>> writers;

    /// Drops a writer's open chain unless disarmed: after a write that failed half-way, the next
    /// request reopens the run from what the store holds.
    struct ReopenOnFailure {
        Writer& w;
        bool ok = false;
        ~ReopenOnFailure() {
            if (!ok) w.chain.reset();
        }
    };

    std::shared_ptr<Writer> writer_entry(const std::string& name) {
        std::lock_guard lock(writers_mutex);
        auto& w = writers[name];
        if (!w) w = std::make_shared<Writer>();
        return w;
    }

    /// How the API opens or creates the run `name`: its keys apart from the workspace, in
    /// options.key_dir (the server's, shared by every run, and `NAME.nodes.key` for the run's
    /// in-process nodes).
    runtime::ChainOptions chain_options(const std::string& name) const {
        runtime::ChainOptions co;
        co.threads = options.mining_threads;
        co.server_key_file = options.server_key_file;
        co.node_key_file = options.key_dir / (name + ".nodes.key");
        return co;
    }

    /// Opens a run for writing (the caller holds its mutex). Runs written by `trainchain train`
    /// belong to it: they take no epochs from the API.
    void open_for_writing(const std::string& name, Writer& w) {
        if (w.chain) return;
        const fs::path dir = run_dir(name);
        const auto j = read_run_settings(dir);
        if (!j)
            throw HttpError(409,
                            "run '" + name +
                                "' was not created through the API (trainchain train writes it); it takes no "
                                "epochs or rollbacks from here");
        if (!j->is_object()) throw HttpError(500, (dir / run_settings_file).string() + ": malformed");
        w.settings = RunSettings::from_json(*j);
        runtime::ChainOptions co = chain_options(name);
        if (!runtime::in_process_nodes(*runtime::Store::open(dir))) {
            if (!options.transport)
                throw HttpError(
                    409,
                    "run '" + name + "' runs on external nodes: start serve with --transport to reach them");
            co.transport = options.transport(name);
        }
        w.chain = runtime::Chain::open(dir, co);
    }

    /// The epoch block holding the run's training state, if any, and the next epoch number.
    static json state_json(const std::vector<runtime::Block>& blocks) {
        // The state "before" a block not yet made is the current one.
        const auto state = runtime::previous_state(blocks, blocks.size());
        json j;
        j["blocks"] = blocks.size();
        if (state) {
            const auto& b = blocks[*state];
            j["state"] = {{"height", *state},
                          {"epoch", b.payload.epoch},
                          {"accuracy", json_number(b.payload.accuracy)},
                          {"checkpoint", runtime::hex(b.payload.checkpoint)}};
        } else {
            j["state"] = nullptr;
        }
        j["next_epoch"] = state ? blocks[*state].payload.epoch + 1 : 1;
        uint32_t rollbacks = 0;
        for (const auto& b : blocks) rollbacks += b.payload.kind == runtime::BlockKind::Rollback;
        j["rollbacks"] = rollbacks;
        return j;
    }

    /// POST /api/runs: creates a run (chain, nodes, contracts; the registration block mined and
    /// voted on) with the given settings.
    void create_run(const http::Request& req, http::Response& res) {
        const json body = body_object(req);
        only_keys(body,
                  {"name", "nodes", "difficulty_bits", "fork", "quorum_percent", "detection", "auto_rollback",
                   "max_rollbacks", "node_keys"},
                  "run");
        if (!body.contains("name") || !body["name"].is_string())
            throw HttpError(400, "run.name (a string) is missing");
        const std::string name = body["name"].get<std::string>();
        if (!valid_run_name(name))
            throw HttpError(400,
                            "run name '" + name +
                                "' is not valid (1 to 64 of A-Z a-z 0-9 . _ -, not starting with a dot)");
        runtime::ChainConfig config;
        // A public server's caps (runtime::api_max_*), stricter than the chain's own bounds.
        config.nodes =
            bounded(body, "nodes", config.nodes, runtime::min_nodes, runtime::api_max_nodes, "run");
        config.difficulty_bits =
            bounded(body, "difficulty_bits", config.difficulty_bits, runtime::min_difficulty_bits,
                    runtime::api_max_difficulty_bits, "run");
        config.quorum_percent = bounded(body, "quorum_percent", config.quorum_percent,
                                        runtime::min_quorum_percent, runtime::max_quorum_percent, "run");
        config.run_id = runtime::random_run_id();
        config.fork = field(body, "fork", config.fork, "run");
        std::vector<runtime::PublicKey> node_keys;
        if (body.contains("node_keys")) {
            if (!options.transport)
                throw HttpError(
                    400, "run.node_keys: this server runs in-process nodes (start it with --transport)");
            const auto& keys = body["node_keys"];
            if (!keys.is_array() || keys.empty() || keys.size() > runtime::api_max_nodes)
                throw HttpError(
                    400, "run.node_keys must be an array of " + std::to_string(runtime::min_nodes) + " to " +
                             std::to_string(runtime::api_max_nodes) + " public keys (64 hex digits)");
            for (size_t i = 0; i < keys.size(); ++i) {
                const auto key =
                    keys[i].is_string() ? runtime::parse_hash(keys[i].get<std::string>()) : std::nullopt;
                if (!key)
                    throw HttpError(400, "run.node_keys[" + std::to_string(i) + "] is not 64 hex digits");
                node_keys.push_back(*key);
            }
            if (body.contains("nodes") && config.nodes != node_keys.size())
                throw HttpError(400, "run.nodes differs from the number of run.node_keys");
            config.nodes = static_cast<uint32_t>(node_keys.size());
        } else if (options.transport) {
            throw HttpError(
                400, "run.node_keys is missing: this server's nodes are external and bring their own keys");
        }
        if (options.transport && name.find('.') != std::string::npos)
            throw HttpError(400,
                            "run name '" + name + "': with an external transport, names may not contain '.'");
        const RunSettings settings = RunSettings::from_json(body);
        const auto w = writer_entry(name);
        std::lock_guard lock(w->mutex);
        const fs::path dir = ws.dir / name;
        std::error_code ec;
        if (fs::exists(dir, ec)) throw HttpError(409, "run '" + name + "' exists");
        try {
            runtime::ChainOptions co = chain_options(name);
            co.node_keys = node_keys;
            if (options.transport) co.transport = options.transport(name);
            auto chain = runtime::Chain::init(dir, config, co);
            const std::string text = settings.to_json().dump(2) + "\n";
            runtime::write_file_atomically(dir / run_settings_file,
                                           {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
            w->chain = std::move(chain);
            w->settings = settings;
        } catch (const HttpError&) {
            throw;
        } catch (const std::exception& e) {
            w->chain.reset();
            fs::remove_all(dir, ec);
            if (node_keys.empty()) fs::remove(chain_options(name).node_key_file, ec);
            throw HttpError(400, e.what());
        }
        json out = state_json(w->chain->blocks());
        out["name"] = name;
        out["nodes"] = config.nodes;
        out["difficulty_bits"] = config.difficulty_bits;
        out["fork"] = config.fork;
        out["quorum_percent"] = config.quorum_percent;
        out["settings"] = settings.to_json();
        res.set_header("Location", "/api/runs/" + name);
        send_json(res, 201, dump(out));
    }

    /// POST /api/runs/{run}/epochs?epoch=E&accuracy=A&loss=L&test_loss=T with the checkpoint bytes
    /// as the body: one epoch through the Results Queue, block creation, proof of work and votes;
    /// then the run's detection rules, and a rollback by the nodes' vote when one fires.
    void post_epoch(const http::Request& req, http::Response& res) {
        const std::string name = req.matches[1];
        for (const auto& [k, v] : req.params) {
            if (k != "epoch" && k != "accuracy" && k != "loss" && k != "test_loss")
                throw HttpError(400, "unknown query parameter '" + k + "'");
            if (req.param_count(k) > 1) throw HttpError(400, "query parameter '" + k + "' given twice");
        }
        // The server has checked the content type and the size, and streamed the body to a file.
        if (!req.upload) throw HttpError(500, "the upload was not received");
        if (!req.has_param("epoch")) throw HttpError(400, "query parameter 'epoch' is missing");
        const uint64_t epoch = parse_height(req.param("epoch"));
        if (epoch == 0) throw HttpError(400, "epochs are numbered from 1");
        const double accuracy = parse_number(req, "accuracy", true);
        if (!(accuracy >= 0 && accuracy <= 1)) throw HttpError(400, "accuracy must be a number from 0 to 1");
        const double loss = parse_number(req, "loss", true);
        const double test_loss = parse_number(req, "test_loss", true);
        if (req.upload->size == 0)
            throw HttpError(400, "the body must hold the checkpoint bytes (it is empty)");
        const runtime::Hash digest = req.upload->sha256;
        if (req.has_header("X-Checkpoint-SHA256")) {
            std::string claimed = req.header("X-Checkpoint-SHA256");
            std::transform(claimed.begin(), claimed.end(), claimed.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (claimed != runtime::hex(digest))
                throw HttpError(400, "X-Checkpoint-SHA256 is " + claimed + " but the body hashes to " +
                                         runtime::hex(digest) + " (damaged upload)");
        }
        run_dir(name);  // 400/404 before any state is touched
        const auto w = writer_entry(name);
        std::lock_guard lock(w->mutex);
        open_for_writing(name, *w);
        runtime::Chain& chain = *w->chain;
        const json before = state_json(chain.blocks());
        if (before["next_epoch"].get<uint64_t>() != epoch) {
            json e{{"error", "run '" + name + "' expects epoch " + before["next_epoch"].dump() + ", not " +
                                 std::to_string(epoch)},
                   {"expected_epoch", before["next_epoch"]}};
            send_json(res, 409, dump(e));
            return;
        }
        ReopenOnFailure guard{*w};
        runtime::EpochResult result;
        result.epoch = epoch;
        result.accuracy = accuracy;
        result.loss = loss;
        result.checkpoint = read_upload(*req.upload);  // the body's only copy in memory
        runtime::EpochNote note;
        note.test_loss = test_loss;
        note.source = "api";
        result.note = runtime::write_epoch_note(note);
        // The rule every writer applies (the statuses above say more; this is the last word).
        if (const auto check = runtime::check_epoch_result(chain.blocks(), result); !check.ok())
            throw HttpError(400, check.detail);
        const auto append = chain.append_epoch(std::move(result));
        if (!append.accepted)
            throw HttpError(503, "the nodes did not accept the block for epoch " + std::to_string(epoch) +
                                     ": " + append.reason);
        const uint64_t height = append.block.header.height;
        json out{{"height", height},
                 {"epoch", epoch},
                 {"hash", runtime::hex(append.block.hash())},
                 {"nonce", append.block.header.nonce},
                 {"winner", append.winner},
                 {"accepts", append.accepts},
                 {"rejects", append.rejects},
                 {"gas_used", append.gas_used},
                 {"checkpoint", runtime::hex(digest)},
                 {"timings_ms",
                  {{"mining", append.mining_ms},
                   {"consensus", append.consensus_ms},
                   {"vm", append.vm_ms},
                   {"storage", append.storage_ms},
                   {"total", append.total_ms}}}};
        out["detection"] = nullptr;
        out["rollback"] = nullptr;
        bool rollback_failed = false;
        const training::RecoveryPolicy policy{w->settings.auto_rollback, w->settings.max_rollbacks, false};
        const auto decision =
            training::decide_recovery(w->settings.detection, policy, chain.blocks(), height);
        if (decision.detection) out["detection"] = decision.detection->message;
        switch (decision.action) {
            case training::RecoveryAction::Continue:
                break;
            case training::RecoveryAction::Disabled:
                out["rollback_skipped"] = "the run does not roll back on its own (auto_rollback is false)";
                break;
            case training::RecoveryAction::LimitReached:
                out["rollback_skipped"] = "the run's limit of " + std::to_string(decision.max_rollbacks) +
                                          " automatic rollbacks is reached";
                break;
            case training::RecoveryAction::NoEarlierState:
                out["rollback_skipped"] = "no earlier epoch to roll back to";
                break;
            case training::RecoveryAction::RollBack:
                // The epoch is stored whatever happens now: a failed rollback is reported in a 201.
                try {
                    const auto rb = chain.rollback(std::nullopt, decision.note.reason, decision.failing,
                                                   runtime::write_rollback_note(decision.note));
                    out["rollback"] = rollback_json(rb, chain.blocks());
                } catch (const std::exception& e) {
                    out["rollback_error"] = e.what();
                    rollback_failed = true;
                }
                break;
        }
        if (rollback_failed) {
            w->chain.reset();  // reopened from the store by the next request
            const auto store = runtime::Store::open(run_dir(name));
            out.update(state_json(store->blocks()));
        } else {
            out.update(state_json(chain.blocks()));
        }
        guard.ok = true;
        res.set_header("Location", "/api/runs/" + name + "/blocks/" + std::to_string(height));
        send_json(res, 201, dump(out));
    }

    /// POST /api/runs/{run}/rollback {"to": height?, "reason": text?}: the nodes propose restore
    /// points (the requested block, or each its best), the Rollback contract takes the majority.
    void post_rollback(const http::Request& req, http::Response& res) {
        const std::string name = req.matches[1];
        const json body = body_object(req);
        only_keys(body, {"to", "reason"}, "rollback");
        std::optional<uint64_t> to;
        if (body.contains("to") && !body["to"].is_null()) {
            if (!body["to"].is_number_unsigned()) throw HttpError(400, "rollback.to must be a block height");
            to = body["to"].get<uint64_t>();
        }
        const runtime::RollbackNote note =
            runtime::requested_rollback(std::string(requested_prefix) +
                                        field(body, "reason", std::string("through the API"), "rollback"));
        run_dir(name);
        const auto w = writer_entry(name);
        std::lock_guard lock(w->mutex);
        open_for_writing(name, *w);
        runtime::Chain& chain = *w->chain;
        const auto& blocks = chain.blocks();
        if (to && (*to >= blocks.size() || blocks[*to].payload.kind != runtime::BlockKind::Epoch))
            throw HttpError(400,
                            "block " + std::to_string(*to) + " is not an epoch block of run '" + name + "'");
        const auto state = runtime::previous_state(blocks, blocks.size());
        if (!state) throw HttpError(409, "run '" + name + "' has no epoch to roll back to");
        if (to && *to == *state)
            throw HttpError(400, "block " + std::to_string(*to) + " already holds the run's training state");
        if (to && !std::isfinite(blocks[*to].payload.loss))
            throw HttpError(400,
                            "block " + std::to_string(*to) + "'s loss is not finite: not a state to restore");
        // Without a height, the nodes choose the best epoch on the line that led to the current
        // state, before it (not abandoned epochs, not the current state itself).
        if (!to && !runtime::previous_state(blocks, *state))
            throw HttpError(409, "run '" + name + "' has no epoch before its current state to roll back to");
        ReopenOnFailure guard{*w};
        const auto rb =
            chain.rollback(to, note.reason, to ? std::nullopt : state, runtime::write_rollback_note(note));
        json out = rollback_json(rb, chain.blocks());
        out.update(state_json(chain.blocks()));
        guard.ok = true;
        send_json(res, 201, dump(out));
    }

    /// The run directory named in a path, which must hold a chain.
    fs::path run_dir(const std::string& name) const {
        if (!valid_run_name(name)) throw HttpError(400, "run name '" + name + "' is not valid");
        const fs::path dir = ws.dir / name;
        std::error_code ec;
        if (!fs::exists(dir / "chain.db", ec)) throw HttpError(404, "no run named '" + name + "'");
        return dir;
    }

    /// Runs `body`, turning HttpError, store and chain errors into JSON errors.
    template <typename F>
    http::Handler guarded(F body) {
        return [body](const http::Request& req, http::Response& res) {
            try {
                body(req, res);
            } catch (const HttpError& e) {
                send_error(res, e.status, e.what());
            } catch (const runtime::StoreError& e) {
                send_error(res, 422, e.what());
            } catch (const runtime::ChainError& e) {
                send_error(res, 409, e.what());
            } catch (const runtime::ChainBusy& e) {
                // Another writer (a `chain append`, `rollback` or `train`) holds the run's lock.
                res.set_header("Retry-After", "1");
                send_error(res, 503, e.what());
            } catch (const std::exception& e) {
                send_error(res, 500, e.what());
            }
        };
    }

    /// Every registered node with its record: blocks it signed an accepting vote for, blocks it
    /// won the proof of work for, and the blocks since registration it cast no counted vote on.
    static json nodes_json(const runtime::Store& store) {
        const auto records = store.nodes();
        const auto blocks = store.blocks();
        const uint32_t n = static_cast<uint32_t>(records.size());
        std::vector<uint64_t> votes(n), wins(n);
        uint64_t voted_blocks = 0;
        for (const auto& b : blocks) {
            if (b.votes.empty()) continue;
            ++voted_blocks;
            for (const auto& v : b.votes)
                if (v.node < n && v.accept) ++votes[v.node];
            if (n > 0) ++wins[b.header.nonce % n];
        }
        json list = json::array();
        for (const auto& r : records) {
            const uint32_t i = r.index;
            list.push_back({{"index", i},
                            {"public_key", runtime::hex(r.public_key)},
                            {"contract", vm::to_hex(r.contract)},
                            {"votes", i < n ? votes[i] : 0},
                            {"wins", i < n ? wins[i] : 0},
                            {"not_counted", i < n ? voted_blocks - votes[i] : 0}});
        }
        return {{"nodes", list},
                {"voted_blocks", voted_blocks},
                {"quorum_percent", store.config().quorum_percent}};
    }

    /// The recovery figure for a run, measured on its store: after each epoch block, how many of
    /// the epochs recorded so far can be restored (the stored checkpoint's bytes hash to the digest
    /// the block records), next to what a keep-last-K checkpoint manager would still hold.
    static json recovery_json(const runtime::Store& store, uint32_t keep) {
        const auto blocks = store.blocks();
        json points = json::array();
        uint32_t n = 0, restored = 0;
        for (const auto& b : blocks) {
            if (b.payload.kind != runtime::BlockKind::Epoch) continue;
            ++n;
            std::optional<runtime::Bytes> bytes;
            try {
                bytes = store.checkpoint(b.payload.checkpoint);
            } catch (const runtime::StoreError&) {
                bytes.reset();  // a corrupt file cannot be restored
            }
            if (bytes && runtime::sha256(*bytes) == b.payload.checkpoint) ++restored;
            points.push_back({{"n", n},
                              {"height", b.header.height},
                              {"attempted", n},
                              {"chain_restored", restored},
                              {"chain_rate", static_cast<double>(restored) / n},
                              {"keep_last_k", std::min(n, keep)},
                              {"keep_last_k_rate", static_cast<double>(std::min(n, keep)) / n}});
        }
        return {{"keep", keep}, {"epochs", n}, {"points", points}};
    }

    /// The dashboard: the built-in files, or those under options.web_root.
    void web_routes() {
        for (const auto& a : web_assets()) {
            const std::string path = a.path;
            const std::string type = a.content_type;
            const std::string body = a.body;
            const fs::path root = options.web_root;
            http->route("GET", path, http::BodyKind::Json,
                        [path, type, body, root](const http::Request&, http::Response& res) {
                            if (root.empty()) {
                                res.content_type = type;
                                res.body = body;
                            } else {
                                std::ifstream in(root / (path == "/" ? "index.html" : path.substr(1)),
                                                 std::ios::binary);
                                if (!in) {
                                    send_error(res, 404, "no " + path + " under " + root.string());
                                    return;
                                }
                                res.content_type = type;
                                res.body.assign(std::istreambuf_iterator<char>(in), {});
                            }
                            res.set_header("Cache-Control", "no-store");
                        });
        }
    }

    /// The answer for /api/ requests without the workspace's token (before any body is read).
    std::optional<http::Response> authenticate(const http::Request& req) const {
        if (req.path.rfind("/api/", 0) != 0) return std::nullopt;
        const std::string auth = req.header("Authorization");
        const std::string prefix = "Bearer ";
        if (auth.rfind(prefix, 0) == 0 && token_matches(auth.substr(prefix.size()), ws.token))
            return std::nullopt;
        http::Response res;
        res.set_header("WWW-Authenticate", "Bearer");
        send_error(res, 401, auth.empty() ? "missing bearer token" : "wrong bearer token");
        return res;
    }

    void routes() {
        http::Limits limits;
        limits.max_upload_bytes = options.max_body_bytes;
        limits.max_json_bytes = std::min<uint64_t>(options.max_body_bytes, http::Limits{}.max_json_bytes);
        limits.handler_threads = options.threads == 0 ? 1 : options.threads;
        limits.header_timeout = options.header_timeout;
        limits.request_timeout = options.request_timeout;
        limits.max_connections_per_client = options.max_connections_per_client;
        http = std::make_unique<http::Server>(
            limits, ws.dir / ".uploads", [this](const http::Request& req) { return authenticate(req); },
            [](int status, const std::string& message) {
                http::Response res;
                send_error(res, status, message);
                return res;
            });
        web_routes();
        http->route("GET", "/openapi.json", http::BodyKind::Json,
                    [](const http::Request&, http::Response& res) { send_json(res, 200, openapi_json()); });
        http->route("GET", "/api/runs", http::BodyKind::Json,
                    guarded([this](const http::Request&, http::Response& res) {
                        json runs = json::array();
                        std::error_code ec;
                        std::vector<fs::path> dirs;
                        for (const auto& e : fs::directory_iterator(ws.dir, ec))
                            if (e.is_directory() && valid_run_name(e.path().filename().string()) &&
                                fs::exists(e.path() / "chain.db"))
                                dirs.push_back(e.path());
                        std::sort(dirs.begin(), dirs.end());
                        for (const auto& d : dirs) {
                            const auto store = runtime::Store::open(d);
                            const auto snapshot = store->snapshot();
                            const auto& c = store->config();
                            runs.push_back({{"name", d.filename().string()},
                                            {"blocks", store->block_count()},
                                            {"nodes", c.nodes},
                                            {"difficulty_bits", c.difficulty_bits},
                                            {"fork", c.fork}});
                        }
                        send_json(res, 200, dump(json{{"runs", runs}}));
                    }));
        http->route("GET", R"(/api/runs/([^/]+)/history)", http::BodyKind::Json,
                    guarded([this](const http::Request& req, http::Response& res) {
                        const auto store = runtime::Store::open(run_dir(req.matches[1]));
                        const auto snapshot = store->snapshot();
                        send_json(res, 200, runtime::history_json(*store, -1));
                    }));
        http->route("GET", R"(/api/runs/([^/]+)/blocks/([^/]+))", http::BodyKind::Json,
                    guarded([this](const http::Request& req, http::Response& res) {
                        const auto store = runtime::Store::open(run_dir(req.matches[1]));
                        const auto snapshot = store->snapshot();
                        const uint64_t h = parse_height(req.matches[2]);
                        const auto b = runtime::block_json(*store, h, -1);
                        if (!b) throw HttpError(404, "no block " + std::to_string(h));
                        send_json(res, 200, *b);
                    }));
        http->route("GET", R"(/api/runs/([^/]+)/blocks/([^/]+)/checkpoint)", http::BodyKind::Json,
                    guarded([this](const http::Request& req, http::Response& res) {
                        const auto store = runtime::Store::open(run_dir(req.matches[1]));
                        const auto snapshot = store->snapshot();
                        const uint64_t h = parse_height(req.matches[2]);
                        const auto blocks = store->blocks();
                        if (h >= blocks.size()) throw HttpError(404, "no block " + std::to_string(h));
                        const auto bytes = store->checkpoint(blocks[h].payload.checkpoint);
                        if (!bytes)
                            throw HttpError(404, "block " + std::to_string(h) + " has no stored checkpoint");
                        res.set_header("X-Checkpoint-SHA256", runtime::hex(blocks[h].payload.checkpoint));
                        res.content_type = "application/octet-stream";
                        res.body.assign(bytes->begin(), bytes->end());
                    }));
        http->route("GET", R"(/api/runs/([^/]+)/verify)", http::BodyKind::Json,
                    guarded([this](const http::Request& req, http::Response& res) {
                        const auto store = runtime::Store::open(run_dir(req.matches[1]));
                        const auto snapshot = store->snapshot();
                        const auto v = runtime::verify(*store);
                        json j{{"ok", v.ok}, {"blocks", v.blocks}, {"reason", v.reason}};
                        j["bad_height"] = v.bad_height ? json(*v.bad_height) : json();
                        send_json(res, 200, dump(j));
                    }));
        http->route("POST", "/api/runs", http::BodyKind::Json,
                    guarded([this](const http::Request& req, http::Response& res) { create_run(req, res); }));
        http->route("POST", R"(/api/runs/([^/]+)/epochs)", http::BodyKind::Upload,
                    guarded([this](const http::Request& req, http::Response& res) { post_epoch(req, res); }));
        http->route(
            "POST", R"(/api/runs/([^/]+)/rollback)", http::BodyKind::Json,
            guarded([this](const http::Request& req, http::Response& res) { post_rollback(req, res); }));
        http->route("GET", R"(/api/runs/([^/]+)/state)", http::BodyKind::Json,
                    guarded([this](const http::Request& req, http::Response& res) {
                        const fs::path dir = run_dir(req.matches[1]);
                        const auto store = runtime::Store::open(dir);
                        const auto snapshot = store->snapshot();
                        json out = state_json(store->blocks());
                        out["name"] = req.matches[1];
                        const auto settings = read_run_settings(dir);
                        out["api"] = settings.has_value();
                        out["settings"] = settings && !settings->is_discarded() ? *settings : json();
                        send_json(res, 200, dump(out));
                    }));
        http->route("GET", R"(/api/runs/([^/]+)/nodes)", http::BodyKind::Json,
                    guarded([this](const http::Request& req, http::Response& res) {
                        const auto store = runtime::Store::open(run_dir(req.matches[1]));
                        const auto snapshot = store->snapshot();
                        send_json(res, 200, dump(nodes_json(*store)));
                    }));
        http->route("GET", R"(/api/runs/([^/]+)/recovery)", http::BodyKind::Json,
                    guarded([this](const http::Request& req, http::Response& res) {
                        const auto store = runtime::Store::open(run_dir(req.matches[1]));
                        const auto snapshot = store->snapshot();
                        uint32_t keep = 5;
                        if (req.has_param("keep")) {
                            const uint64_t k = parse_height(req.param("keep"));
                            if (k < 1 || k > 1000) throw HttpError(400, "keep must be 1 to 1000");
                            keep = static_cast<uint32_t>(k);
                        }
                        send_json(res, 200, dump(recovery_json(*store, keep)));
                    }));
        http->route("GET", R"(/api/runs/([^/]+)/gas)", http::BodyKind::Json,
                    guarded([this](const http::Request& req, http::Response& res) {
                        reports::GasReportOptions o;
                        o.chain = run_dir(req.matches[1]);
                        o.pow_samples = 0;
                        if (req.has_param("pow_samples")) {
                            const std::string v = req.param("pow_samples");
                            const uint64_t n = parse_height(v);
                            if (n > 10) throw HttpError(400, "pow_samples must be 0 to 10");
                            o.pow_samples = static_cast<uint32_t>(n);
                        }
                        send_json(res, 200, reports::gas_json(reports::make_gas_report(o)));
                    }));
    }
};

ApiServer::ApiServer(Workspace workspace, const ServeOptions& options) : impl_{std::make_unique<Impl>()} {
    // One server per workspace: two would each keep their own open chain of a run.
    const fs::path lock = workspace.dir / "serve.lock";
    impl_->lock_fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (impl_->lock_fd < 0 || flock(impl_->lock_fd, LOCK_EX | LOCK_NB) != 0)
        throw std::runtime_error(workspace.dir.string() +
                                 ": error: another trainchain serve is using this workspace (serve.lock)");
    impl_->ws = std::move(workspace);
    impl_->options = options;
    if (impl_->options.key_dir.empty()) impl_->options.key_dir = runtime::default_key_dir(impl_->ws.dir);
    if (impl_->options.server_key_file.empty())
        impl_->options.server_key_file = runtime::key_paths_in(impl_->options.key_dir).server;
    impl_->routes();
    try {
        impl_->port = impl_->http->bind(options.bind, options.port);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string(e.what()) + " (address in use or not available)");
    }
}

ApiServer::~ApiServer() = default;

int ApiServer::port() const noexcept { return impl_->port; }

bool ApiServer::listen() { return impl_->http->run(); }

void ApiServer::stop() { impl_->http->stop(); }

}  // namespace trainchain::api
