// api/src/http.cpp - the HTTP/1.1 server under `trainchain serve` (Boost.Beast over Asio):
// one I/O thread reads and writes every connection asynchronously under deadlines, complete
// requests run on a thread pool. See http.hpp.
#include "http.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstring>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace trainchain::api::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Percent-decoding (and '+' as a space in a query); nullopt for a malformed escape.
std::optional<std::string> decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += (plus_is_space && s[i] == '+') ? ' ' : s[i];
        }
    }
    return out;
}

}  // namespace

bool media_type_is(std::string_view content_type, std::string_view media) noexcept {
    const auto semicolon = content_type.find(';');
    return iequals(trim(content_type.substr(0, semicolon)), media);
}

bool Request::has_param(std::string_view name) const noexcept { return param_count(name) > 0; }

std::string Request::param(std::string_view name) const {
    for (const auto& [k, v] : params)
        if (k == name) return v;
    return {};
}

size_t Request::param_count(std::string_view name) const noexcept {
    size_t n = 0;
    for (const auto& [k, v] : params) n += k == name;
    return n;
}

bool Request::has_header(std::string_view name) const noexcept {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return true;
    return false;
}

std::string Request::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

namespace {

struct Route {
    std::string method;
    std::regex pattern;
    BodyKind body;
    Handler handler;
};

}  // namespace

struct Server::Impl {
    Limits limits;
    fs::path upload_dir;
    Gate gate;
    ErrorPage error_page;
    std::vector<Route> routes;

    // Declared before the I/O context: connections still queued in it when it is destroyed give
    // their places back here.
    std::mutex clients_mutex;
    std::map<std::string, uint32_t> clients;  ///< open connections per client address
    uint32_t open = 0;

    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    asio::steady_timer retry{ioc};
    std::unique_ptr<asio::thread_pool> pool;
    std::atomic<bool> failed{false};

    ~Impl() {
        if (pool) pool->join();
    }

    /// Counts a new connection from `client` unless it would pass a bound.
    bool admit(const std::string& client) {
        std::lock_guard lock(clients_mutex);
        auto& n = clients[client];
        if (n >= limits.max_connections_per_client || open >= limits.max_connections) {
            if (n == 0) clients.erase(client);
            return false;
        }
        ++n;
        ++open;
        return true;
    }
    void release(const std::string& client) {
        std::lock_guard lock(clients_mutex);
        const auto it = clients.find(client);
        if (it != clients.end() && --it->second == 0) clients.erase(it);
        --open;
    }

    /// The wire form of a refusal written straight to a socket (no connection object).
    std::string refusal(int status, const std::string& message) const {
        const Response r = error_page(status, message);
        bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), 11};
        res.set(bhttp::field::content_type, r.content_type);
        res.keep_alive(false);
        res.body() = r.body;
        res.prepare_payload();
        std::ostringstream out;
        out << res;
        return out.str();
    }

    void accept();
};

namespace {

/// One client connection: requests read one after another under deadlines, each handed to the
/// pool once complete, its answer written back.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(Server::Impl& srv, tcp::socket socket, std::string client)
        : srv_{srv}, stream_{std::move(socket)}, client_{std::move(client)} {}
    ~Connection() {
        drop_upload();
        srv_.release(client_);
    }
    void start() { read_request(); }

private:
    Server::Impl& srv_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::string client_;
    std::optional<bhttp::request_parser<bhttp::buffer_body>> parser_;
    std::vector<char> chunk_ = std::vector<char>(64 << 10);
    Request req_;
    const Route* route_ = nullptr;
    int upload_fd_ = -1;
    std::string upload_path_;
    uint64_t upload_size_ = 0;
    std::unique_ptr<runtime::Sha256Stream> hash_;
    std::chrono::steady_clock::time_point started_;
    uint32_t served_ = 0;
    bool keep_alive_ = true;
    uint64_t drained_ = 0;
    bhttp::response<bhttp::string_body> res_;
    static constexpr std::string_view continue_100 = "HTTP/1.1 100 Continue\r\n\r\n";

    void read_request() {
        parser_.emplace();
        parser_->header_limit(srv_.limits.max_header_bytes);
        // A declared length is checked against the larger limit here and against the route's once
        // the route is known; a chunked body is counted against the route's limit as it arrives.
        parser_->body_limit(std::max(srv_.limits.max_upload_bytes, srv_.limits.max_json_bytes));
        req_ = Request{};
        route_ = nullptr;
        drop_upload();
        started_ = std::chrono::steady_clock::now();
        stream_.expires_after(srv_.limits.header_timeout);
        bhttp::async_read_header(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
    }

    void on_header(beast::error_code ec) {
        if (ec == bhttp::error::header_limit) return refuse(431, "the request's headers are too large");
        if (ec == bhttp::error::body_limit) return refuse(413, "request body too large");
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
            ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
            return close();
        if (ec) return refuse(400, "malformed request: " + ec.message());
        const auto& h = parser_->get();
        req_.method = std::string(h.method_string());
        req_.client = client_;
        for (const auto& f : h) {
            std::string name(f.name_string());
            for (auto& c : name) c = lower(c);
            req_.headers.emplace_back(std::move(name), std::string(f.value()));
        }
        const std::string_view target(h.target().data(), h.target().size());
        const auto q = target.find('?');
        const auto path = decode(target.substr(0, q), false);
        if (!path) return refuse(400, "malformed request: bad percent-encoding in the path");
        req_.path = *path;
        if (q != std::string_view::npos) {
            std::string_view query = target.substr(q + 1);
            while (!query.empty()) {
                const auto amp = query.find('&');
                const std::string_view item = query.substr(0, amp);
                query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
                if (item.empty()) continue;
                const auto eq = item.find('=');
                const auto k = decode(item.substr(0, eq), true);
                const auto v = eq == std::string_view::npos ? std::optional<std::string>{""}
                                                            : decode(item.substr(eq + 1), true);
                if (!k || !v) return refuse(400, "malformed request: bad percent-encoding in the query");
                req_.params.emplace_back(*k, *v);
            }
        }
        for (const auto& r : srv_.routes) {
            std::smatch m;
            if (r.method == req_.method && std::regex_match(req_.path, m, r.pattern)) {
                route_ = &r;
                for (const auto& g : m) req_.matches.push_back(g.str());
                break;
            }
        }
        // The gate first: a client without the token learns nothing, not even which endpoints exist.
        if (auto answer = srv_.gate(req_)) return answer_early(std::move(*answer));
        if (!route_) return refuse(404, "no such endpoint: " + req_.method + " " + req_.path);

        uint64_t limit = srv_.limits.max_json_bytes;
        if (route_->body == BodyKind::Upload) {
            if (!media_type_is(req_.header("content-type"), "application/octet-stream"))
                return refuse(415, "send the body as Content-Type: application/octet-stream");
            limit = srv_.limits.max_upload_bytes;
        }
        if (parser_->content_length() && *parser_->content_length() > limit)
            return refuse(413, "request body too large (the limit is " + std::to_string(limit) + " bytes)");
        parser_->body_limit(limit);
        if (route_->body == BodyKind::Upload && !start_upload()) return;
        // From here the whole request, headers included, must be in by the request deadline.
        stream_.expires_at(started_ + srv_.limits.request_timeout);
        if (parser_->is_done()) return dispatch();
        if (iequals(req_.header("expect"), "100-continue")) {
            asio::async_write(stream_, asio::buffer(continue_100.data(), continue_100.size()),
                              [self = shared_from_this()](beast::error_code e, size_t) {
                                  if (e) return self->close();
                                  self->read_body();
                              });
            return;
        }
        read_body();
    }

    bool start_upload() {
        std::error_code ec;
        fs::create_directories(srv_.upload_dir, ec);
        std::string tmpl = (srv_.upload_dir / "upload.XXXXXX").string();
        upload_fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);  // mode 0600
        if (upload_fd_ < 0) {
            refuse(500, "cannot store the upload: " + std::string(std::strerror(errno)));
            return false;
        }
        upload_path_ = tmpl;
        upload_size_ = 0;
        hash_ = std::make_unique<runtime::Sha256Stream>();
        return true;
    }

    void drop_upload() {
        if (upload_fd_ >= 0) ::close(upload_fd_);
        upload_fd_ = -1;
        if (!upload_path_.empty()) ::unlink(upload_path_.c_str());
        upload_path_.clear();
    }

    void read_body() {
        auto& b = parser_->get().body();
        b.data = chunk_.data();
        b.size = chunk_.size();
        b.more = true;
        bhttp::async_read_some(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
    }

    void on_body(beast::error_code ec) {
        if (ec == bhttp::error::need_buffer) ec = {};
        const size_t got = chunk_.size() - parser_->get().body().size;
        if (ec == bhttp::error::body_limit)
            return refuse(413,
                          "request body too large (the limit is " +
                              std::to_string(route_->body == BodyKind::Upload ? srv_.limits.max_upload_bytes
                                                                              : srv_.limits.max_json_bytes) +
                              " bytes)");
        if (ec) return close();  // the deadline passed, the client went away, or a framing error
        if (got > 0) {
            if (upload_fd_ >= 0) {
                const auto* p = reinterpret_cast<const uint8_t*>(chunk_.data());
                hash_->update({p, got});
                size_t done = 0;
                while (done < got) {
                    const ssize_t n = ::write(upload_fd_, chunk_.data() + done, got - done);
                    if (n < 0 && errno == EINTR) continue;
                    if (n <= 0)
                        return refuse(500, "cannot store the upload: " + std::string(std::strerror(errno)));
                    done += static_cast<size_t>(n);
                }
                upload_size_ += got;
            } else {
                req_.body.append(chunk_.data(), got);
            }
        }
        if (parser_->is_done()) return dispatch();
        read_body();
    }

    void dispatch() {
        if (upload_fd_ >= 0) {
            ::close(upload_fd_);
            upload_fd_ = -1;
            req_.upload = Request::Upload{upload_path_, upload_size_, hash_->finish()};
        }
        stream_.expires_never();
        keep_alive_ = parser_->get().keep_alive() && ++served_ < srv_.limits.max_requests_per_connection;
        asio::post(*srv_.pool, [self = shared_from_this()] {
            Response res;
            try {
                self->route_->handler(self->req_, res);
            } catch (const std::exception& e) {
                res = self->srv_.error_page(500, e.what());
            }
            auto* s = self.get();
            asio::post(s->stream_.get_executor(), [self = std::move(self), res = std::move(res)]() mutable {
                self->write(std::move(res));
            });
        });
    }

    /// An answer given before the body was read: the connection stays open only when there is
    /// no body to skip.
    void answer_early(Response r) {
        keep_alive_ = parser_->get().keep_alive() && !parser_->chunked() &&
                      parser_->content_length().value_or(0) == 0 &&
                      ++served_ < srv_.limits.max_requests_per_connection;
        write(std::move(r));
    }

    /// A refusal by the server itself; the connection closes after it.
    void refuse(int status, const std::string& message) {
        keep_alive_ = false;
        write(srv_.error_page(status, message));
    }

    void write(Response r) {
        drop_upload();
        res_ = {};
        res_.version(11);
        res_.result(static_cast<unsigned>(r.status));
        res_.set(bhttp::field::content_type, r.content_type);
        for (const auto& [k, v] : r.headers) res_.set(k, v);
        res_.body() = std::move(r.body);
        res_.keep_alive(keep_alive_);
        res_.prepare_payload();
        stream_.expires_after(srv_.limits.request_timeout);
        bhttp::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
            if (ec) return self->close();
            if (!self->keep_alive_) return self->linger();
            self->read_request();
        });
    }

    /// Closes after an answer while the client may still be sending: our side is shut, what
    /// still arrives is read and dropped for a short while (at most 8 MiB), so that the client
    /// reads the answer instead of a reset.
    void linger() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.expires_after(std::chrono::seconds(2));
        drain();
    }
    void drain() {
        stream_.async_read_some(asio::buffer(chunk_),
                                [self = shared_from_this()](beast::error_code ec, size_t n) {
                                    self->drained_ += n;
                                    if (ec || self->drained_ > (uint64_t{8} << 20)) return self->close();
                                    self->drain();
                                });
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }
};

}  // namespace

void Server::Impl::accept() {
    acceptor.async_accept(ioc, [this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        if (ec) {
            // Out of descriptors or a transient failure: try again shortly rather than spin.
            retry.expires_after(std::chrono::milliseconds(50));
            retry.async_wait([this](beast::error_code e) {
                if (!e) accept();
            });
            return;
        }
        beast::error_code e;
        const auto peer = socket.remote_endpoint(e);
        const std::string client = e ? std::string("?") : peer.address().to_string();
        if (!admit(client)) {
            const std::string text = refusal(503, "too many connections from " + client);
            socket.non_blocking(true, e);
            socket.write_some(asio::buffer(text), e);
            socket.shutdown(tcp::socket::shutdown_both, e);
            socket.close(e);
        } else {
            std::make_shared<Connection>(*this, std::move(socket), client)->start();
        }
        accept();
    });
}

Server::Server(const Limits& limits, fs::path upload_dir, Gate gate, ErrorPage error_page)
    : impl_{std::make_shared<Impl>()} {
    impl_->limits = limits;
    impl_->upload_dir = std::move(upload_dir);
    impl_->gate = std::move(gate);
    impl_->error_page = std::move(error_page);
    // Uploads left by a server that was killed: nothing refers to them.
    std::error_code ec;
    fs::remove_all(impl_->upload_dir, ec);
    fs::create_directories(impl_->upload_dir, ec);
    if (ec)
        throw std::runtime_error(impl_->upload_dir.string() +
                                 ": error: cannot create directory: " + ec.message());
    fs::permissions(impl_->upload_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
}

Server::~Server() = default;

void Server::route(std::string method, const std::string& pattern, BodyKind body, Handler handler) {
    impl_->routes.push_back(Route{std::move(method), std::regex(pattern), body, std::move(handler)});
}

int Server::bind(const std::string& address, int port) {
    beast::error_code ec;
    const auto addr = asio::ip::make_address(address, ec);
    const std::string where = address + ":" + std::to_string(port);
    if (ec) throw std::runtime_error(where + ": error: not an IP address");
    const tcp::endpoint endpoint{addr, static_cast<unsigned short>(port)};
    auto& a = impl_->acceptor;
    a.open(endpoint.protocol(), ec);
    // SO_REUSEADDR only: SO_REUSEPORT would let a second server bind the port and take half the
    // connections.
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(endpoint, ec);
    if (!ec) a.listen(1024, ec);
    if (ec) throw std::runtime_error(where + ": error: cannot listen (" + ec.message() + ")");
    impl_->pool = std::make_unique<asio::thread_pool>(std::max<uint32_t>(1, impl_->limits.handler_threads));
    return a.local_endpoint().port();
}

bool Server::run() {
    if (!impl_->acceptor.is_open()) return false;
    impl_->accept();
    try {
        impl_->ioc.run();
    } catch (const std::exception&) {
        impl_->failed = true;
    }
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->pool->join();  // the handlers still running finish; their answers are dropped
    return !impl_->failed;
}

void Server::stop() { impl_->ioc.stop(); }

}  // namespace trainchain::api::http
