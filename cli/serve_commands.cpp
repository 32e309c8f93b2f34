// cli/serve_commands.cpp - `trainchain serve DIR`: the workspace's runs over HTTP until SIGINT or
// SIGTERM.
#include <fmt/core.h>
#include <signal.h>

#include <cstdio>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "trainchain/api/server.hpp"
#include "trainchain/nats/nats.hpp"

namespace trainchain::cli {

namespace {
unsigned seconds(std::chrono::milliseconds d) {
    return static_cast<unsigned>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}
}  // namespace

void add_serve_commands(CLI::App& app, int& exit_code) {
    auto* serve =
        app.add_subcommand("serve", "Serve a workspace of runs over an HTTP/JSON API (see docs/api.md)");
    struct Flags {
        std::string dir;
        api::ServeOptions options;
        // The defaults are ServeOptions' own, in the units the options take.
        size_t max_body_mb = api::ServeOptions{}.max_body_bytes >> 20;
        unsigned header_timeout_s = seconds(api::ServeOptions{}.header_timeout);
        unsigned request_timeout_s = seconds(api::ServeOptions{}.request_timeout);
        std::string transport;
        StreamFlags streams;
        KeyFlags keys;
    };
    auto f = std::make_shared<Flags>();
    serve->add_option("DIR", f->dir, "workspace: a directory of runs (created, with serve.json, when absent)")
        ->required();
    serve->add_option("--port", f->options.port, "TCP port (0: any free one)")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    serve->add_option("--bind", f->options.bind, "address to listen on")->capture_default_str();
    serve->add_option("--threads", f->options.threads, "threads running complete requests")
        ->capture_default_str()
        ->check(CLI::Range(1u, 256u));
    serve->add_option("--max-body-mb", f->max_body_mb, "largest request body (MiB)")
        ->capture_default_str()
        ->check(CLI::Range(size_t{1}, size_t{4096}));
    serve
        ->add_option("--header-timeout", f->header_timeout_s,
                     "seconds a request's headers may take to arrive (slower clients are cut off)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 3600u));
    serve
        ->add_option("--request-timeout", f->request_timeout_s,
                     "seconds a whole request (headers and body) may take to arrive")
        ->capture_default_str()
        ->check(CLI::Range(1u, 86400u));
    serve
        ->add_option("--max-connections-per-client", f->options.max_connections_per_client,
                     "open connections one client address may hold (more get 503)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 65536u));
    serve
        ->add_option("--mining-threads", f->options.mining_threads,
                     "proof-of-work threads per block (0: all cores)")
        ->capture_default_str()
        ->check(CLI::Range(0u, 256u));
    serve
        ->add_option("--web-root", f->options.web_root,
                     "serve the dashboard from this directory instead of the built-in copy (development)")
        ->check(CLI::ExistingDirectory);
    serve->add_option("--transport", f->transport,
                      "in-process (default) or nats://HOST:PORT[,HOST:PORT...]: each run's nodes as "
                      "processes, on the run's name");
    add_stream_options(serve, f->streams);
    add_key_options(serve, f->keys, true, "WORKSPACE.keys");
    serve->callback(guarded(exit_code, [f] {
        api::ServeOptions options = f->options;
        // Set on SIGINT/SIGTERM: a request waiting for external nodes gives up, so that the server can stop.
        const auto cancel = std::make_shared<std::atomic<bool>>(false);
        const nats::StreamSettings streams = stream_settings(f->streams, f->transport);
        if (!f->transport.empty() && f->transport != "in-process") {
            const std::string base = f->transport;
            if (base.find('/', std::string("nats://").size()) != std::string::npos)
                throw InputError(
                    "--transport: error: give serve nats://HOST:PORT[,HOST:PORT...]: each run uses its own "
                    "name");
            std::string why;
            if (!nats::parse_endpoint(base, &why)) throw InputError("--transport: error: " + why);
            options.transport = [base, cancel, streams](const std::string& run) {
                return make_transport(base + "/" + run, cancel, streams);
            };
        }
        options.max_body_bytes = f->max_body_mb << 20;
        options.header_timeout = std::chrono::seconds(f->header_timeout_s);
        options.request_timeout = std::chrono::seconds(std::max(f->request_timeout_s, f->header_timeout_s));
        api::Workspace ws;
        try {
            ws = api::Workspace::open_or_init(f->dir);
        } catch (const std::runtime_error& e) {
            throw InputError(e.what());
        }
        // The runs' keys, apart from the workspace: the server's (made now when absent, so that
        // its public key is known before the first run) and each run's in-process nodes'.
        runtime::ChainOptions keys;
        apply_key_options(f->keys, f->dir, keys);
        options.key_dir = keys.node_key_file.parent_path();
        options.server_key_file = keys.server_key_file;
        const std::string created_key = prepare_server_key(options.server_key_file);
        // SIGINT and SIGTERM stop the server (its threads, started after this, leave them to the
        // waiter): a request waiting for external nodes gives up first. A signal that comes before
        // the server is made stops it before it listens (a stopped server's listen() returns).
        std::optional<api::ApiServer> made;  // destroyed after the waiter has been joined
        std::atomic<api::ApiServer*> live{nullptr};
        const StopSignals signals([&](int) {
            *cancel = true;
            if (auto* s = live.load()) s->stop();
        });
        api::ApiServer& server = made.emplace(ws, options);
        live = &server;
        if (signals.received() != 0) server.stop();
        fmt::print("trainchain serve: listening on http://{}:{} (token in {}/serve.json)\n", options.bind,
                   server.port(), f->dir);
        std::fflush(stdout);
        // After the first line, which scripts wait for to learn the port.
        if (!created_key.empty()) fmt::print(stderr, "trainchain serve: {}\n", created_key);
        const bool ok = server.listen();
        fmt::print(stderr, "trainchain serve: stopped\n");
        return ok ? 0 : 1;
    }));
}

}  // namespace trainchain::cli
