// tests/functional/cli_keys_e2e_test.cpp - keys with their owners, on the real binary: a run's private
// keys (the server's and the in-process nodes') live apart from it in DIR.keys, or where --key-dir and
// --server-key say; writers need them and refuse others, readers do without; every file and directory
// `chain init`, `train`, `plot`, `export` and `report` write is private; and a history forged in the
// in-process mode, with whatever keys the run directory holds, fails `verify` (while whoever can read
// the node key file can still forge: the in-process mode protects against those who cannot).
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime_support.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/keys.hpp"

namespace fs = std::filesystem;
using namespace trainchain::runtime;
using trainchain::test::check_bad_input;
using trainchain::test::count_lines;
using trainchain::test::quote;
using trainchain::test::read_text;
using trainchain::test::Run;
using trainchain::test::TempDir;

namespace {

Run cli(const std::string& args) { return trainchain::test::run_binary(TRAINCHAIN_BIN, args); }

void write_file(const fs::path& p, const std::string& bytes) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << bytes;
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

/// `chain init DIR` with a small chain, and ARGS; exit 0 required.
Run init(const fs::path& dir, const std::string& args = "") {
    const Run r = cli("chain init " + quote(dir) + " --nodes 5 --difficulty 8 --threads 2 " + args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
}

/// `chain append DIR` of epoch `epoch` (checkpoint bytes of its own) with ARGS.
Run append(const fs::path& dir, int epoch, double accuracy, const std::string& args = "") {
    const fs::path ck = dir.parent_path() / ("ck" + std::to_string(epoch));
    write_file(ck, "weights of epoch " + std::to_string(epoch) + std::string(500, char('a' + epoch % 26)));
    return cli("chain append " + quote(dir) + " --checkpoint " + quote(ck) + " --epoch " +
               std::to_string(epoch) + " --accuracy " + std::to_string(accuracy) +
               " --loss 0.25 --threads 2 " + args);
}

nlohmann::json history(const fs::path& dir) {
    const Run r = cli("history " + quote(dir) + " --json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out);
}

/// Every path under `root` (and `root` itself) that is not private: a directory other than 0700, a
/// file other than 0600; as "PATH MODE".
std::vector<std::string> not_private(const fs::path& root) {
    std::vector<std::string> out;
    auto check = [&](const fs::path& p) {
        const bool dir = fs::is_directory(fs::symlink_status(p));
        const unsigned want = dir ? 0700 : 0600;
        if (mode_of(p) != want) out.push_back(p.string() + " " + std::to_string(mode_of(p)));
    };
    check(root);
    for (const auto& e : fs::recursive_directory_iterator(root)) check(e.path());
    return out;
}

// ---- a forger with write access to the run directory, working on chain.db through SQLite ----

class Db {
public:
    explicit Db(const fs::path& dir) {
        REQUIRE(sqlite3_open_v2((dir / "chain.db").c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) ==
                SQLITE_OK);
    }
    ~Db() { sqlite3_close(db_); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    /// Runs `sql` with blob and integer parameters, stepping through every row.
    void run(const std::string& sql, const std::vector<std::pair<Bytes, int64_t>>& params = {}) {
        sqlite3_stmt* st = nullptr;
        REQUIRE_MESSAGE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK,
                        sqlite3_errmsg(db_));
        int at = 1;
        for (const auto& [blob, integer] : params) {
            if (!blob.empty())
                sqlite3_bind_blob(st, at, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
            else
                sqlite3_bind_int64(st, at, integer);
            ++at;
        }
        int rc = sqlite3_step(st);
        while (rc == SQLITE_ROW) rc = sqlite3_step(st);
        sqlite3_finalize(st);
        REQUIRE(rc == SQLITE_DONE);
    }

    /// Every value of every column of every table, as bytes.
    std::vector<Bytes> every_value() {
        std::vector<std::string> tables;
        each("SELECT name FROM sqlite_master WHERE type = 'table'", [&](sqlite3_stmt* st) {
            tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
        });
        std::vector<Bytes> out;
        for (const auto& t : tables)
            each("SELECT * FROM \"" + t + "\"", [&](sqlite3_stmt* st) {
                for (int c = 0; c < sqlite3_column_count(st); ++c) {
                    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st, c));
                    out.emplace_back(p, p + sqlite3_column_bytes(st, c));
                }
            });
        return out;
    }

private:
    template <class F>
    void each(const std::string& sql, F row) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) row(st);
        sqlite3_finalize(st);
    }
    sqlite3* db_ = nullptr;
};

/// The private keys of registered nodes that the run directory itself gives away: any value in any
/// column of any table of chain.db that is a node's seed, as 32 bytes or as 64 hex digits.
std::map<uint32_t, KeyPair> keys_in_run_directory(const fs::path& dir) {
    std::map<PublicKey, uint32_t> registered;
    for (const auto& n : Store::open(dir)->nodes()) registered[n.public_key] = n.index;
    std::map<uint32_t, KeyPair> found;
    for (const Bytes& v : Db(dir).every_value()) {
        std::optional<Hash> seed;
        if (v.size() == 32) std::copy(v.begin(), v.end(), seed.emplace().begin());
        if (v.size() == 64) seed = parse_hash(std::string(v.begin(), v.end()));
        if (!seed) continue;
        if (const auto key = KeyPair::from_seed(*seed))
            if (const auto it = registered.find(key->public_key()); it != registered.end())
                found.emplace(it->second, *key);
    }
    return found;
}

/// Rewrites history as a forger with write access to the run directory would: block `height`'s
/// accuracy becomes `accuracy`; its payload root is recomputed, and it and every block after it
/// re-linked and re-mined (the proof of work of an 8-bit chain takes nothing); every vote is signed
/// again with its node's key where `keys` has it, else kept.
void forge(const fs::path& dir, uint64_t height, double accuracy, const std::map<uint32_t, KeyPair>& keys) {
    auto blocks = Store::open(dir)->blocks();
    REQUIRE(height < blocks.size());
    blocks[height].payload.accuracy = accuracy;
    Db db(dir);
    for (uint64_t h = height; h < blocks.size(); ++h) {
        Block& b = blocks[h];
        if (h > 0) b.header.prev = blocks[h - 1].hash();
        b.header.payload_root = b.payload.root();
        const auto found = mine(b.header, PowParams{b.header.difficulty_bits, 1});
        REQUIRE(found);
        b.header.nonce = found->nonce;
        for (auto& v : b.votes)
            if (const auto it = keys.find(v.node); it != keys.end())
                v.signature = it->second.sign(vote_message(b.hash(), v.accept));
        const Hash hash = b.hash();
        const auto header = b.header.encode();
        db.run("UPDATE blocks SET hash = ?, header = ?, payload = ? WHERE height = ?",
               {{Bytes(hash.begin(), hash.end()), 0},
                {Bytes(header.begin(), header.end()), 0},
                {b.payload.encode(), 0},
                {{}, static_cast<int64_t>(h)}});
        for (const auto& v : b.votes)
            db.run("UPDATE votes SET signature = ? WHERE height = ? AND node = ?",
                   {{Bytes(v.signature.begin(), v.signature.end()), 0},
                    {{}, static_cast<int64_t>(h)},
                    {{}, static_cast<int64_t>(v.node)}});
    }
}

std::map<uint32_t, KeyPair> by_index(const std::vector<KeyPair>& keys) {
    std::map<uint32_t, KeyPair> out;
    for (uint32_t i = 0; i < keys.size(); ++i) out.emplace(i, keys[i]);
    return out;
}

}  // namespace

TEST_CASE("keys: a run's private keys live beside it in DIR.keys; writers need them, readers do not") {
    TempDir d;
    const fs::path a = d.path / "a";
    Run r = init(a);
    const auto keys = default_key_paths(a);
    // The server key is made with the first run at a place, and its public key printed.
    REQUIRE(count_lines(r.out) == 2);
    const Run pub = cli("node public " + quote(keys.server));
    REQUIRE(pub.exit_code == 0);
    CHECK(r.out.find("\ncreated the server key " + keys.server.string() +
                     " (mode 0600, kept apart from the runs); public key " + pub.out) != std::string::npos);
    CHECK(fs::is_directory(d.path / "a.keys"));
    CHECK(mode_of(d.path / "a.keys") == 0700);
    CHECK(mode_of(keys.server) == 0600);
    CHECK(mode_of(keys.nodes) == 0600);
    CHECK(read_key_list_file(keys.nodes).size() == 5);
    REQUIRE(append(a, 1, 0.5).exit_code == 0);

    // Keys moved away: readers work; writers stop with one line naming the missing file.
    fs::rename(d.path / "a.keys", d.path / "vault");
    CHECK(cli("history " + quote(a)).exit_code == 0);
    CHECK(cli("verify " + quote(a)).exit_code == 0);
    CHECK(cli("export " + quote(a) + " --block 2 -o " + quote(d.path / "out")).exit_code == 0);
    CHECK(cli("plot " + quote(a) + " -o " + quote(d.path / "a.svg")).exit_code == 0);
    check_bad_input(append(a, 2, 0.6),
                    keys.server.string() + ": error: no server key here: writing to the run");
    check_bad_input(cli("rollback " + quote(a)), "--server-key");
    // --key-dir names where they are; --server-key alone is not enough for in-process nodes.
    check_bad_input(append(a, 2, 0.6, "--server-key " + quote(d.path / "vault" / "server.key")),
                    keys.nodes.string() + ": error: no node key file here");
    REQUIRE(append(a, 2, 0.6, "--key-dir " + quote(d.path / "vault")).exit_code == 0);
    fs::rename(d.path / "vault", d.path / "a.keys");
    REQUIRE(append(a, 3, 0.7).exit_code == 0);

    // Another run made with a's server key (--server-key): only its node keys are its own.
    const fs::path b = d.path / "b";
    r = init(b, "--server-key " + quote(keys.server));
    CHECK(count_lines(r.out) == 1);  // no key made
    CHECK_FALSE(fs::exists(default_key_paths(b).server));
    CHECK(fs::exists(default_key_paths(b).nodes));
    check_bad_input(append(b, 1, 0.5), "no server key here");
    REQUIRE(append(b, 1, 0.5, "--server-key " + quote(keys.server)).exit_code == 0);

    // A run opened with another server key is refused, naming both keys.
    const fs::path c = d.path / "c";
    init(c);
    const Run wrong = append(a, 4, 0.8, "--server-key " + quote(default_key_paths(c).server));
    check_bad_input(wrong, default_key_paths(c).server.string() + ": error: not the server key of the run");
    CHECK(wrong.err.find("made with server key " + pub.out.substr(0, 64)) != std::string::npos);
    // Node keys of another run are refused too.
    check_bad_input(
        append(a, 4, 0.8, "--key-dir " + quote(d.path / "c.keys") + " --server-key " + quote(keys.server)),
        "belongs to another run");
    CHECK(history(a).size() == 5);

    // Malformed key files, or ones open to other users, are bad input and nothing is made.
    write_file(d.path / "bad.key", "not a key\n");
    ::chmod((d.path / "bad.key").c_str(), 0600);
    check_bad_input(cli("chain init " + quote(d.path / "e") + " --nodes 3 --difficulty 8 --server-key " +
                        quote(d.path / "bad.key")),
                    "bad.key:1:1: error: a key file holds 64 hex digits");
    CHECK_FALSE(fs::exists(d.path / "e"));
    fs::copy_file(keys.server, d.path / "open.key");
    ::chmod((d.path / "open.key").c_str(), 0644);
    check_bad_input(append(a, 4, 0.8, "--server-key " + quote(d.path / "open.key")), "chmod 600");
    check_bad_input(
        cli("train -d " + quote(d.path / "t") + " --epochs 1 --server-key " + quote(d.path / "bad.key")),
        "a key file holds 64 hex digits");
    CHECK_FALSE(fs::exists(d.path / "t"));

    // The keys outlive the run directory: a new run at the same place keeps the server's key and
    // gets node keys of its own.
    const auto old_nodes = read_text(keys.nodes);
    fs::remove_all(a);
    r = init(a);
    CHECK(count_lines(r.out) == 1);
    CHECK(cli("node public " + quote(keys.server)).out == pub.out);
    CHECK(read_text(keys.nodes) != old_nodes);
    REQUIRE(append(a, 1, 0.9).exit_code == 0);
    CHECK(cli("verify " + quote(a)).exit_code == 0);
}

TEST_CASE(
    "keys: every file and directory a run writes is private (chain init, train, plot, export, report)") {
    TempDir d;
    const fs::path run = d.path / "chain";
    init(run);
    REQUIRE(append(run, 1, 0.5).exit_code == 0);
    REQUIRE(append(run, 2, 0.4).exit_code == 0);
    REQUIRE(cli("rollback " + quote(run) + " --to 2").exit_code == 0);
    REQUIRE(cli("plot " + quote(run) + " -o " + quote(d.path / "chain.svg")).exit_code == 0);
    REQUIRE(cli("export " + quote(run) + " --block 2 -o " + quote(d.path / "ck.out")).exit_code == 0);
    REQUIRE(
        cli("report gas --model-only -q --nodes 10 --cycles 3 -o " + quote(d.path / "report")).exit_code ==
        0);
    for (const auto& root : {run, d.path / "chain.keys", d.path / "report"}) {
        INFO(root);
        CHECK(not_private(root) == std::vector<std::string>{});
    }
    for (const auto& file : {run / "chain.db", run / "chain.lock", d.path / "chain.keys" / "server.key",
                             d.path / "chain.keys" / "nodes.key", d.path / "report" / "gas.md"})
        CHECK(fs::exists(file));
    size_t checkpoint_files = 0;  // beside checkpoints/.partial, where they are written first
    for (const auto& e : fs::directory_iterator(run / "checkpoints")) checkpoint_files += e.is_regular_file();
    CHECK(checkpoint_files == 2);
    CHECK(mode_of(d.path / "chain.svg") == 0600);
    CHECK(mode_of(d.path / "ck.out") == 0600);

    const fs::path digits = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
    if (!fs::exists(digits)) {
        MESSAGE("train skipped: " << digits.string() << " is not installed (python3-sklearn)");
        return;
    }
    const fs::path trained = d.path / "runs" / "trained";
    const Run t =
        cli("train -d " + quote(trained) +
            " --epochs 2 --nodes 5 --difficulty 4 --mining-threads 1 --train-limit 300 --test-limit 100");
    INFO(t.err);
    REQUIRE(t.exit_code == 0);
    CHECK(t.err.find("training: created the server key " + default_key_paths(trained).server.string()) !=
          std::string::npos);
    CHECK(not_private(d.path / "runs") == std::vector<std::string>{});  // runs/, the run, its keys
    CHECK(fs::exists(trained / "run.toml"));
    CHECK(fs::exists(d.path / "runs" / "trained.keys" / "nodes.key"));
    const Run resumed = cli("train --resume " + quote(trained) + " --epochs 3 --mining-threads 1 -q");
    INFO(resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(not_private(d.path / "runs") == std::vector<std::string>{});
}

TEST_CASE(
    "keys: a history forged in the in-process mode fails verify unless the forger can read the key file") {
    TempDir d;
    const fs::path run = d.path / "run";
    init(run);
    const double accuracy[] = {0.5, 0.6, 0.7, 0.8};
    for (int e = 1; e <= 4; ++e) REQUIRE(append(run, e, accuracy[e - 1]).exit_code == 0);
    const auto original = history(run);
    REQUIRE(original.size() == 6);
    CHECK(original[3]["accuracy"] == 0.6);
    const auto node_keys = read_key_list_file(default_key_paths(run).nodes);
    const auto server_key = read_key_file(default_key_paths(run).server);

    // The run directory gives no key away: no seed, raw or in hex, in any of its files...
    for (const auto& e : fs::recursive_directory_iterator(run)) {
        if (!e.is_regular_file()) continue;
        const std::string bytes = read_text(e.path());
        for (const auto& k : node_keys) {
            INFO(e.path());
            CHECK(bytes.find(hex(k.seed())) == std::string::npos);
            CHECK(bytes.find(std::string(k.seed().begin(), k.seed().end())) == std::string::npos);
        }
        CHECK(bytes.find(hex(server_key.seed())) == std::string::npos);
    }
    // ...and nothing stored in chain.db is a node's seed.
    CHECK(keys_in_run_directory(run).empty());
    // The key file is the owner's alone: mode 0600 in a 0700 directory. Another user (run as
    // nobody when this test runs as root) can read neither it nor the run, even where the
    // directories above let everyone through.
    CHECK(mode_of(default_key_paths(run).nodes) == 0600);
    CHECK(mode_of(d.path / "run.keys") == 0700);
    if (::geteuid() == 0) {
        ::chmod(d.path.c_str(), 0755);
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            if (::setgid(65534) != 0 || ::setuid(65534) != 0) _exit(3);
            const bool key_readable = ::access(default_key_paths(run).nodes.c_str(), R_OK) == 0;
            const bool db_readable = ::access((run / "chain.db").c_str(), R_OK) == 0;
            _exit(key_readable ? 1 : db_readable ? 2 : 0);
        }
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    } else {
        MESSAGE("not root: the other-user check is left out");
    }

    auto copy_of = [&](const std::string& name) {
        const fs::path copy = d.path / name;
        fs::copy(run, copy, fs::copy_options::recursive);
        return copy;
    };

    SUBCASE("without the key file (moved away, or unreadable): verify names the forged block") {
        // The key directory is gone from the forger's reach.
        fs::rename(d.path / "run.keys", d.path / "elsewhere");
        const fs::path forged = copy_of("forged");
        forge(forged, 3, 0.99, keys_in_run_directory(forged));
        CHECK(history(forged)[3]["accuracy"] == 0.99);
        const Run v = cli("verify " + quote(forged));
        CHECK(v.exit_code == 1);
        CHECK(v.out.empty());
        CHECK(count_lines(v.err) == 1);
        CHECK(v.err.find(forged.string() + ": error: block 3: node ") == 0);
        CHECK(v.err.find("vote signature is invalid") != std::string::npos);
        // Signing with keys of its own does no better.
        std::map<uint32_t, KeyPair> own;
        for (uint32_t i = 0; i < 5; ++i) own.emplace(i, KeyPair::generate());
        const fs::path forged2 = copy_of("forged2");
        forge(forged2, 3, 0.99, own);
        CHECK(cli("verify " + quote(forged2)).err.find("block 3: node ") != std::string::npos);
        // The genuine run still verifies.
        CHECK(cli("verify " + quote(run)).exit_code == 0);
    }

    SUBCASE("with the key file: whoever can read it can forge in this mode, and verify cannot tell") {
        // Said plainly: the in-process mode simulates the nodes on one machine, and their keys sit in
        // one file. It is tamper-evident only against those who cannot read that file (docs/chain.md,
        // "What each mode protects against"); in the NATS mode each node keeps its own key.
        const fs::path forged = copy_of("forged");
        forge(forged, 3, 0.99, by_index(node_keys));
        CHECK(history(forged)[3]["accuracy"] == 0.99);
        CHECK(cli("verify " + quote(forged)).exit_code == 0);
    }

    SUBCASE(
        "a chain rebuilt from its registration on with keys of the forger's own verifies, but is another "
        "chain") {
        // verify checks a run against itself: who can rewrite the whole directory can register
        // nodes of their own. What gives it away is block 1's hash (it commits to the node keys),
        // so keep that hash (history) apart from the run.
        const fs::path rebuilt = copy_of("rebuilt");
        std::vector<KeyPair> own;
        Bytes all;
        for (int i = 0; i < 5; ++i) {
            own.push_back(KeyPair::generate());
            all.insert(all.end(), own.back().public_key().begin(), own.back().public_key().end());
        }
        {
            Db db(rebuilt);
            for (uint32_t i = 0; i < 5; ++i)
                db.run(
                    "UPDATE nodes SET public_key = ? WHERE idx = ?",
                    {{Bytes(own[i].public_key().begin(), own[i].public_key().end()), 0}, {{}, int64_t{i}}});
        }
        auto blocks = Store::open(rebuilt)->blocks();
        blocks[1].payload.checkpoint = sha256(all);  // the registration block's node key digest
        {
            Db db(rebuilt);
            db.run("UPDATE blocks SET payload = ? WHERE height = 1", {{blocks[1].payload.encode(), 0}});
        }
        forge(rebuilt, 1, 0, by_index(own));  // block 1's accuracy is 0 anyway
        forge(rebuilt, 3, 0.99, by_index(own));
        CHECK(cli("verify " + quote(rebuilt)).exit_code == 0);
        CHECK(history(rebuilt)[1]["hash"] != original[1]["hash"]);
    }
}
