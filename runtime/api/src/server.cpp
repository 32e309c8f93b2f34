// runtime/api/src/server.cpp - the HTTP/JSON API over a workspace of runs (cpp-httplib): bearer
// token authentication on every /api/ request, body limits, JSON errors, one Store per request.
#include "trainchain/api/server.hpp"

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/gas_report.hpp"
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

void send_json(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body + "\n", "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
    send_json(res, status, json{{"error", message}}.dump());
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

}  // namespace

bool valid_run_name(const std::string& name) noexcept {
    if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
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
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir.string() + ": error: cannot create directory: " + ec.message());
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
    httplib::Server http;
    int port = 0;

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
    httplib::Server::Handler guarded(F body) {
        return [body](const httplib::Request& req, httplib::Response& res) {
            try {
                body(req, res);
            } catch (const HttpError& e) {
                send_error(res, e.status, e.what());
            } catch (const runtime::StoreError& e) {
                send_error(res, 422, e.what());
            } catch (const std::exception& e) {
                send_error(res, 500, e.what());
            }
        };
    }

    void routes() {
        http.set_payload_max_length(options.max_body_bytes);
        const unsigned threads = options.threads == 0 ? 1 : options.threads;
        http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
        http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            if (req.path.rfind("/api/", 0) != 0) return httplib::Server::HandlerResponse::Unhandled;
            const std::string auth = req.get_header_value("Authorization");
            const std::string prefix = "Bearer ";
            if (auth.rfind(prefix, 0) != 0 || !token_matches(auth.substr(prefix.size()), ws.token)) {
                res.set_header("WWW-Authenticate", "Bearer");
                send_error(res, 401, auth.empty() ? "missing bearer token" : "wrong bearer token");
                return httplib::Server::HandlerResponse::Handled;
            }
            return httplib::Server::HandlerResponse::Unhandled;
        });
        http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
            if (!res.body.empty()) return;  // a handler's own JSON error
            if (res.status == 404)
                send_error(res, 404, "no such endpoint: " + req.method + " " + req.path);
            else if (res.status == 413)
                send_error(res, 413, "request body too large");
            else
                send_error(res, res.status, "HTTP error " + std::to_string(res.status));
        });

        http.Get("/openapi.json", [](const httplib::Request&, httplib::Response& res) {
            send_json(res, 200, openapi_json());
        });
        http.Get("/api/runs", guarded([this](const httplib::Request&, httplib::Response& res) {
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
                         const auto& c = store->config();
                         runs.push_back({{"name", d.filename().string()},
                                         {"blocks", store->block_count()},
                                         {"nodes", c.nodes},
                                         {"difficulty_bits", c.difficulty_bits},
                                         {"fork", c.fork}});
                     }
                     send_json(res, 200, json{{"runs", runs}}.dump());
                 }));
        http.Get(R"(/api/runs/([^/]+)/history)",
                 guarded([this](const httplib::Request& req, httplib::Response& res) {
                     const auto store = runtime::Store::open(run_dir(req.matches[1]));
                     send_json(res, 200, runtime::history_json(*store, -1));
                 }));
        http.Get(R"(/api/runs/([^/]+)/blocks/([^/]+))",
                 guarded([this](const httplib::Request& req, httplib::Response& res) {
                     const auto store = runtime::Store::open(run_dir(req.matches[1]));
                     const uint64_t h = parse_height(req.matches[2]);
                     const auto b = runtime::block_json(*store, h, -1);
                     if (!b) throw HttpError(404, "no block " + std::to_string(h));
                     send_json(res, 200, *b);
                 }));
        http.Get(R"(/api/runs/([^/]+)/blocks/([^/]+)/checkpoint)",
                 guarded([this](const httplib::Request& req, httplib::Response& res) {
                     const auto store = runtime::Store::open(run_dir(req.matches[1]));
                     const uint64_t h = parse_height(req.matches[2]);
                     const auto blocks = store->blocks();
                     if (h >= blocks.size()) throw HttpError(404, "no block " + std::to_string(h));
                     const auto bytes = store->checkpoint(blocks[h].payload.checkpoint);
                     if (!bytes)
                         throw HttpError(404, "block " + std::to_string(h) + " has no stored checkpoint");
                     res.set_header("X-Checkpoint-SHA256", runtime::hex(blocks[h].payload.checkpoint));
                     res.set_content(std::string(bytes->begin(), bytes->end()), "application/octet-stream");
                 }));
        http.Get(R"(/api/runs/([^/]+)/verify)",
                 guarded([this](const httplib::Request& req, httplib::Response& res) {
                     const auto store = runtime::Store::open(run_dir(req.matches[1]));
                     const auto v = runtime::verify(*store);
                     json j{{"ok", v.ok}, {"blocks", v.blocks}, {"reason", v.reason}};
                     j["bad_height"] = v.bad_height ? json(*v.bad_height) : json();
                     send_json(res, 200, j.dump());
                 }));
        http.Get(R"(/api/runs/([^/]+)/gas)",
                 guarded([this](const httplib::Request& req, httplib::Response& res) {
                     runtime::GasReportOptions o;
                     o.chain = run_dir(req.matches[1]);
                     o.pow_samples = 0;
                     if (req.has_param("pow_samples")) {
                         const std::string v = req.get_param_value("pow_samples");
                         const uint64_t n = parse_height(v);
                         if (n > 10) throw HttpError(400, "pow_samples must be 0 to 10");
                         o.pow_samples = static_cast<uint32_t>(n);
                     }
                     send_json(res, 200, runtime::gas_json(runtime::make_gas_report(o)));
                 }));
    }
};

ApiServer::ApiServer(Workspace workspace, const ServeOptions& options) : impl_{std::make_unique<Impl>()} {
    impl_->ws = std::move(workspace);
    impl_->options = options;
    impl_->routes();
    if (options.port == 0) {
        impl_->port = impl_->http.bind_to_any_port(options.bind);
        if (impl_->port < 0) impl_->port = 0;
    } else if (impl_->http.bind_to_port(options.bind, options.port)) {
        impl_->port = options.port;
    }
    if (impl_->port == 0)
        throw std::runtime_error(options.bind + ":" + std::to_string(options.port) +
                                 ": error: cannot listen (address in use or not available)");
}

ApiServer::~ApiServer() = default;

int ApiServer::port() const noexcept { return impl_->port; }

bool ApiServer::listen() { return impl_->http.listen_after_bind(); }

void ApiServer::stop() { impl_->http.stop(); }

}  // namespace trainchain::api
