// api/src/http.hpp - the HTTP/1.1 server under `trainchain serve`: asynchronous I/O on
// Boost.Beast over Asio, so that a client holds no thread while it sends (slow clients cost a
// socket, not a handler), with a deadline for each request's headers and for the whole request, a
// bound on connections per client address, body limits that hold for every framing (Content-Length
// and chunked), and uploads streamed to a private temporary file while they are hashed. Handlers
// run on a thread pool once a request is complete.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "trainchain/runtime/crypto.hpp"

namespace trainchain::api::http {

/// What a client may send and hold, and for how long. One place for the server's limits; `serve`
/// sets the upload limit, deadlines, per-client bound and threads from its ServeOptions.
struct Limits {
    uint64_t max_upload_bytes = uint64_t{256} << 20;     ///< upload bodies (octet-stream); larger: 413
    uint64_t max_json_bytes = uint64_t{1} << 20;         ///< every other body; larger: 413
    uint32_t max_header_bytes = 16 << 10;                ///< request line and headers; larger: 431
    std::chrono::milliseconds header_timeout{10'000};    ///< the headers must be in within this
    std::chrono::milliseconds request_timeout{120'000};  ///< headers and body within this
    uint32_t max_connections_per_client = 64;            ///< open connections per client address
    uint32_t max_connections = 4096;                     ///< open connections in all
    uint32_t max_requests_per_connection = 100;
    uint32_t handler_threads = 32;  ///< threads running complete requests
};

/// A complete request, as a handler sees it.
struct Request {
    std::string method;                                        ///< "GET", "POST", ...
    std::string path;                                          ///< percent-decoded
    std::vector<std::string> matches;                          ///< the route's groups ([0]: the path)
    std::vector<std::pair<std::string, std::string>> params;   ///< the query, decoded, in order
    std::vector<std::pair<std::string, std::string>> headers;  ///< names in lower case
    std::string client;                                        ///< the peer's address
    std::string body;                                          ///< the body of a JSON route
    /// The body of an upload route: streamed to `file` (removed after the handler) and hashed.
    struct Upload {
        std::filesystem::path file;
        uint64_t size = 0;
        runtime::Hash sha256{};
    };
    std::optional<Upload> upload;

    [[nodiscard]] bool has_param(std::string_view name) const noexcept;
    /// The first value of a parameter ("" when absent).
    [[nodiscard]] std::string param(std::string_view name) const;
    [[nodiscard]] size_t param_count(std::string_view name) const noexcept;
    [[nodiscard]] bool has_header(std::string_view name) const noexcept;
    /// A header's value (case-insensitive name; "" when absent).
    [[nodiscard]] std::string header(std::string_view name) const;
};

/// A handler's answer.
struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    void set_header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
    }
};

/// How a route takes its body.
enum class BodyKind {
    Json,    ///< in memory, up to Limits::max_json_bytes
    Upload,  ///< Content-Type application/octet-stream only, streamed to a file, up to max_upload_bytes
};

using Handler = std::function<void(const Request&, Response&)>;
/// Runs once a request's headers are in, before its body is read (authentication): an answer ends
/// the request there, without reading the body.
using Gate = std::function<std::optional<Response>(const Request&)>;
/// The answer for a request no route takes, or a request the server refuses itself (status and
/// message).
using ErrorPage = std::function<Response(int status, const std::string& message)>;

/// True when `content_type` names `media` (type/subtype compared case-insensitively; parameters
/// such as "; charset=..." are allowed, a longer type such as "application/octet-streamX" is not).
bool media_type_is(std::string_view content_type, std::string_view media) noexcept;

/// The server: routes are added before bind(); run() serves until stop().
class Server {
public:
    /// Uploads are streamed into `upload_dir` (created with mode 0700; files left by a killed
    /// server are removed).
    Server(const Limits& limits, std::filesystem::path upload_dir, Gate gate, ErrorPage error_page);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Adds a route: `pattern` is an ECMAScript regex matched against the whole decoded path.
    void route(std::string method, const std::string& pattern, BodyKind body, Handler handler);
    /// Binds and listens (port 0: any free port); returns the port. Throws std::runtime_error.
    int bind(const std::string& address, int port);
    /// Serves until stop(); waits for the handlers still running. False when the socket failed.
    bool run();
    /// Stops run() (any thread).
    void stop();

    struct Impl;  ///< the implementation (http.cpp)

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace trainchain::api::http
