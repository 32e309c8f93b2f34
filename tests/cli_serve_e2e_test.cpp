// tests/cli_serve_e2e_test.cpp - `trainchain serve` as a real process on loopback: the token file,
// authentication on every /api/ endpoint, each endpoint against the CLI's own answers, malformed
// and oversized requests, concurrent clients, and a clean stop on SIGTERM.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "shared_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace trainchain::test;

namespace {

Run cli(const std::string& args) { return run_binary(TRAINCHAIN_BIN, args); }

/// `trainchain serve DIR --port 0 ARGS` as a child process; the port is read off its first line.
struct Server {
    pid_t pid = -1;
    int port = 0;
    std::string first_line;

    Server(const fs::path& dir, const std::vector<std::string>& args = {}) {
        int out[2];
        REQUIRE(pipe(out) == 0);
        pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            dup2(out[1], STDOUT_FILENO);
            close(out[0]);
            close(out[1]);
            std::vector<std::string> argv_s = {TRAINCHAIN_BIN, "serve", dir.string(), "--port", "0"};
            argv_s.insert(argv_s.end(), args.begin(), args.end());
            std::vector<char*> argv;
            for (auto& a : argv_s) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(TRAINCHAIN_BIN, argv.data());
            _exit(127);
        }
        close(out[1]);
        char c = 0;
        while (read(out[0], &c, 1) == 1 && c != '\n') first_line += c;
        close(out[0]);
        const auto colon = first_line.rfind(':', first_line.find(" (token"));
        REQUIRE_MESSAGE(colon != std::string::npos, "serve printed: " << first_line);
        port = std::stoi(first_line.substr(colon + 1));
    }
    /// SIGTERM, then the exit code.
    int stop() {
        if (pid < 0) return -1;
        kill(pid, SIGTERM);
        int status = 0;
        waitpid(pid, &status, 0);
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    ~Server() { stop(); }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
};

std::string token_of(const fs::path& workspace) {
    return json::parse(read_text(workspace / "serve.json"))["token"].get<std::string>();
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

/// A workspace with two small runs: `a` (3 epoch blocks) and `b` (genesis and registration only).
void make_runs(const fs::path& ws) {
    fs::create_directories(ws);
    REQUIRE(cli("chain init " + quote(ws / "a") + " --nodes 5 --difficulty 6 --threads 1").exit_code == 0);
    for (int e = 1; e <= 3; ++e) {
        const fs::path ck = ws / ("ck" + std::to_string(e));
        std::ofstream(ck, std::ios::binary) << "weights of epoch " << e << std::string(1000, char('a' + e));
        REQUIRE(cli("chain append " + quote(ws / "a") + " --checkpoint " + quote(ck) + " --epoch " +
                    std::to_string(e) + " --accuracy 0." + std::to_string(5 + e) + " --loss 0.3 --threads 1")
                    .exit_code == 0);
    }
    REQUIRE(cli("chain init " + quote(ws / "b") + " --nodes 3 --difficulty 4 --threads 1").exit_code == 0);
    fs::create_directories(ws / "not-a-run");
}

}  // namespace

TEST_CASE("serve: the token file, authentication, and every endpoint against the CLI") {
    TempDir d;
    const fs::path ws = d / "ws";
    make_runs(ws);
    Server server(ws);
    CHECK(server.first_line.find("token in " + ws.string() + "/serve.json") != std::string::npos);

    // serve.json: a 64-hex-digit token, readable by the owner only.
    const auto perms = fs::status(ws / "serve.json").permissions();
    CHECK((perms & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
    const std::string token = token_of(ws);
    CHECK(token.size() == 64);
    CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);

    httplib::Client c("127.0.0.1", server.port);
    // Without the token, or with a wrong one, every /api/ endpoint answers 401 and nothing else.
    for (const char* path :
         {"/api/runs", "/api/runs/a/history", "/api/runs/a/blocks/1", "/api/runs/a/blocks/1/checkpoint",
          "/api/runs/a/verify", "/api/runs/a/gas", "/api/runs/zz/history", "/api/nope"}) {
        CAPTURE(path);
        for (const httplib::Headers& h : {httplib::Headers{}, bearer(std::string(64, '0')),
                                          bearer(token + "0"), httplib::Headers{{"Authorization", token}}}) {
            const auto r = c.Get(path, h);
            REQUIRE(r);
            CHECK(r->status == 401);
            CHECK(r->get_header_value("WWW-Authenticate") == "Bearer");
            CHECK(json::parse(r->body).contains("error"));
        }
    }
    // The OpenAPI document needs no token and is docs/openapi.json.
    const auto spec = c.Get("/openapi.json");
    REQUIRE(spec);
    CHECK(spec->status == 200);
    CHECK(json::parse(spec->body) ==
          json::parse(read_text(fs::path(TRAINCHAIN_SOURCE_DIR) / "docs/openapi.json")));
    for (const char* p :
         {"/api/runs", "/api/runs/{run}/history", "/api/runs/{run}/blocks/{height}",
          "/api/runs/{run}/blocks/{height}/checkpoint", "/api/runs/{run}/verify", "/api/runs/{run}/gas"})
        CHECK(json::parse(spec->body)["paths"].contains(p));

    const auto auth = bearer(token);
    // The runs, by name; a directory without a chain is not one.
    auto r = c.Get("/api/runs", auth);
    REQUIRE(r);
    CHECK(r->status == 200);
    const json runs = json::parse(r->body)["runs"];
    REQUIRE(runs.size() == 2);
    CHECK(runs[0]["name"] == "a");
    CHECK(runs[0]["blocks"] == 5);
    CHECK(runs[0]["nodes"] == 5);
    CHECK(runs[1]["name"] == "b");
    CHECK(runs[1]["difficulty_bits"] == 4);

    // History: exactly `history --json`.
    r = c.Get("/api/runs/a/history", auth);
    REQUIRE(r);
    CHECK(r->status == 200);
    const Run h = cli("history --json " + quote(ws / "a"));
    REQUIRE(h.exit_code == 0);
    CHECK(json::parse(r->body) == json::parse(h.out));
    const json history = json::parse(h.out);

    // One block: its history entry, its votes and its transactions.
    r = c.Get("/api/runs/a/blocks/3", auth);
    REQUIRE(r);
    CHECK(r->status == 200);
    const json b = json::parse(r->body);
    CHECK(b["hash"] == history[3]["hash"]);
    CHECK(b["vote_list"].size() == b["votes"].get<size_t>());
    CHECK(b["vote_list"][0]["signature"].get<std::string>().size() == 128);
    int64_t gas = 0;
    for (const auto& t : b["transactions"]) gas += t["gas_used"].get<int64_t>();
    CHECK(gas == history[3]["gas"].get<int64_t>());

    // A checkpoint: the bytes `export` writes, named by their digest.
    r = c.Get("/api/runs/a/blocks/3/checkpoint", auth);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type") == "application/octet-stream");
    CHECK(r->get_header_value("X-Checkpoint-SHA256") == history[3]["checkpoint"]);
    REQUIRE(cli("export " + quote(ws / "a") + " --block 3 -o " + quote(d / "exported")).exit_code == 0);
    CHECK(r->body == read_text(d / "exported"));

    // Verify, and the gas report of the run.
    r = c.Get("/api/runs/a/verify", auth);
    REQUIRE(r);
    CHECK(json::parse(r->body) == json{{"ok", true}, {"blocks", 5}, {"bad_height", nullptr}, {"reason", ""}});
    r = c.Get("/api/runs/a/gas?pow_samples=1", auth);
    REQUIRE(r);
    CHECK(r->status == 200);
    const json g = json::parse(r->body);
    CHECK(g["measured"]["epoch"]["blocks"] == 3);
    CHECK(g["measured"]["pow_on_chain"]["samples"].size() == 1);

    // Malformed requests: clear 4xx errors as JSON.
    const auto error_of = [&](const std::string& path, int status) {
        CAPTURE(path);
        const auto res = c.Get(path, auth);
        REQUIRE(res);
        CHECK(res->status == status);
        CHECK(json::parse(res->body)["error"].get<std::string>().size() > 3);
    };
    error_of("/api/runs/zz/history", 404);
    error_of("/api/runs/not-a-run/history", 404);
    error_of("/api/runs/a/blocks/5", 404);
    error_of("/api/runs/a/blocks/99999999999999999999", 400);
    error_of("/api/runs/a/blocks/-1", 400);
    error_of("/api/runs/a/blocks/1x", 400);
    error_of("/api/runs/a%20b/history", 400);
    error_of("/api/runs/../history", 400);
    error_of("/api/runs/a/gas?pow_samples=11", 400);
    error_of("/api/runs/a/gas?pow_samples=many", 400);
    error_of("/api/nope", 404);

    // A tampered checkpoint file: verify names the block.
    for (const auto& e : fs::directory_iterator(ws / "a" / "checkpoints")) {
        std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(20);
        f.put('\x5a');
    }
    r = c.Get("/api/runs/a/verify", auth);
    REQUIRE(r);
    const json v = json::parse(r->body);
    CHECK(v["ok"] == false);
    CHECK(v["bad_height"].is_number());

    CHECK(server.stop() == 0);
}

TEST_CASE("serve: oversized bodies get 413, concurrent clients all get the same answer, the token persists") {
    TempDir d;
    const fs::path ws = d / "ws";
    make_runs(ws);
    std::string token;
    {
        Server server(ws, {"--max-body-mb", "1", "--threads", "4"});
        token = token_of(ws);
        httplib::Client c("127.0.0.1", server.port);
        const auto big =
            c.Post("/api/runs", bearer(token), std::string((1 << 20) + 1, 'x'), "application/octet-stream");
        REQUIRE(big);
        CHECK(big->status == 413);
        const auto unknown = c.Post("/api/runs/a/history", bearer(token), "{}", "application/json");
        REQUIRE(unknown);
        CHECK(unknown->status == 404);

        const std::string expected = c.Get("/api/runs/a/history", bearer(token))->body;
        std::vector<std::thread> clients;
        std::vector<int> ok(16, 0);
        for (size_t t = 0; t < ok.size(); ++t)
            clients.emplace_back([&, t] {
                httplib::Client own("127.0.0.1", server.port);
                for (int i = 0; i < 10; ++i) {
                    const auto res =
                        own.Get(i % 2 ? "/api/runs/a/history" : "/api/runs/a/blocks/2", bearer(token));
                    if (res && res->status == 200 && (i % 2 == 0 || res->body == expected)) ++ok[t];
                }
            });
        for (auto& t : clients) t.join();
        for (const int n : ok) CHECK(n == 10);
        CHECK(server.stop() == 0);
    }
    // A second start keeps the workspace's token.
    Server again(ws);
    CHECK(token_of(ws) == token);
}

TEST_CASE("serve: bad input is one line and a non-zero exit") {
    TempDir d;
    std::ofstream(d / "file") << "x";
    const Run r = cli("serve " + quote(d / "file" / "ws") + " --port 0");
    CHECK(r.exit_code == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("error") != std::string::npos);
    fs::create_directories(d / "ws");
    std::ofstream(d / "ws" / "serve.json") << "{not json";
    check_bad_input(cli("serve " + quote(d / "ws") + " --port 0"), "serve.json");
    check_bad_input(cli("serve " + quote(d / "ws") + " --port 70000"), "--port");
}
