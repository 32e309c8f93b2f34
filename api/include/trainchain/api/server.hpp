// api/include/trainchain/api/server.hpp - `trainchain serve`: the runs of a workspace
// directory over an HTTP/JSON API with bearer-token authentication.
//
// A workspace is a directory of runs (each a chain directory as `trainchain train` or the API
// writes it) plus `serve.json`, created on first use with a random token and file mode 0600. Every
// /api/ request must carry `Authorization: Bearer TOKEN`; the API is described by openapi_json().
// Runs created through the API take epochs posted by clients: each goes through the Results
// Queue, block creation, proof of work and the nodes' votes, and the run's detection rules decide
// whether the nodes roll it back. The dashboard is served at `/`.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "trainchain/runtime/transport.hpp"

namespace trainchain::api {

/// Where and how to listen.
struct ServeOptions {
    std::string bind = "127.0.0.1";             ///< address to listen on
    int port = 8080;                            ///< 0: any free port (see ApiServer::port)
    size_t max_body_bytes = size_t{256} << 20;  ///< larger checkpoint uploads get 413 (any framing)
    unsigned threads = 32;                      ///< threads running complete requests
    /// A request's headers must arrive within this, and the whole request within request_timeout;
    /// a client that is slower loses its connection (it holds no thread meanwhile).
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds request_timeout{120'000};
    /// Open connections one client address may hold; more are refused with 503.
    uint32_t max_connections_per_client = 64;
    unsigned mining_threads = 0;  ///< proof-of-work threads per block (0: all cores)
    /// Serve the dashboard's files from this directory instead of the copies built into the
    /// binary (for working on the dashboard without rebuilding); empty: the built-in copies.
    std::filesystem::path web_root;
    /// How runs created here reach their nodes: given a run's name, its transport (e.g. NATS
    /// JetStream, one subject space per run); null: in-process nodes. Runs made with it register
    /// the external nodes' public keys given at creation (`node_keys`).
    std::function<std::shared_ptr<runtime::Transport>(const std::string& run)> transport;
    /// Where the runs' private keys live, apart from the workspace; empty: `WORKSPACE.keys` beside
    /// it (runtime::default_key_dir). It holds the in-process nodes' keys of each run made here
    /// (`RUN.nodes.key`) and, unless server_key_file says otherwise, the server's key
    /// (`server.key`), which every run made here is signed with.
    std::filesystem::path key_dir;
    /// The server's private key file; empty: `server.key` in key_dir. Runs are made with the key
    /// there (created when absent) and refuse another.
    std::filesystem::path server_key_file;
};

/// A workspace's settings: its token.
struct Workspace {
    std::filesystem::path dir;
    std::string token;  ///< 64 hex digits
    /// Opens `dir`, creating it (mode 0700) and its serve.json (a new random token, mode 0600)
    /// when absent.
    /// Throws std::runtime_error with "PATH: error: ..." when it cannot.
    static Workspace open_or_init(const std::filesystem::path& dir);
};

/// True for a run name the API accepts: 1 to 64 of [A-Za-z0-9._-], not starting with a dot
/// (dot names are temporary directories, and "." and "..").
bool valid_run_name(const std::string& name) noexcept;

/// One file of the dashboard, built into the binary.
struct WebAsset {
    const char* path;          ///< URL path ("/", "/app.js", ...)
    const char* content_type;  ///< e.g. "text/html; charset=utf-8"
    const char* body;
};
/// The dashboard's files.
const std::vector<WebAsset>& web_assets();

/// The OpenAPI 3 description of the API (also kept in docs/openapi.json).
const std::string& openapi_json();

/// The HTTP server. Bound on construction (so port() is known), serving from listen() until
/// stop() is called from another thread. Safe for concurrent clients.
class ApiServer {
public:
    ApiServer(Workspace workspace, const ServeOptions& options);
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;
    /// The port it is bound to.
    [[nodiscard]] int port() const noexcept;
    /// Serves until stop(); returns false when the socket failed.
    bool listen();
    /// Stops listen() (callable from any thread or a signal-handling thread).
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace trainchain::api
