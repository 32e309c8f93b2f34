// tests/unit/runtime/runtime_keys_test.cpp - private keys apart from the chain: key files (mode 0600,
// refused when open to others or malformed), where a run keeps them (DIR.keys), the server's key
// recorded by its public key, the in-process nodes' keys in their own file, modes of everything a
// chain writes whatever the umask, and stores made before the key files (their keys moved out).
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>

#include "runtime_support.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/keys.hpp"

using namespace trainchain::runtime;
using trainchain::test::epoch_result;
using trainchain::test::small_config;
using trainchain::test::TempDir;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

std::string text_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_text(const fs::path& p, const std::string& text, unsigned mode = 0600) {
    {
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out << text;
    }
    REQUIRE(::chmod(p.c_str(), mode) == 0);
}

/// The message of the KeyFileError `f` throws ("" when it throws none).
template <class F>
std::string key_error(F f) {
    try {
        f();
    } catch (const KeyFileError& e) {
        return e.what();
    }
    return "";
}

/// Sets the umask for a scope.
struct Umask {
    mode_t old;
    explicit Umask(mode_t m) : old{::umask(m)} {}
    ~Umask() { ::umask(old); }
};

/// Runs SQL on a store's database directly.
void sql(const fs::path& dir, const std::string& statement) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2((dir / "chain.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
    INFO((err ? err : "") << " in " << statement);
    CHECK(rc == SQLITE_OK);
    sqlite3_free(err);
    sqlite3_close(db);
}

}  // namespace

TEST_CASE("keys: a key file is written 0600, read back, never replaced, refused when open to others") {
    TempDir d;
    const auto file = d.path / "k.key";
    const KeyPair k = generate_key_file(file);
    CHECK(mode_of(file) == 0600);
    CHECK(text_of(file) == hex(k.seed()) + "\n");
    CHECK(read_key_file(file).public_key() == k.public_key());
    CHECK(key_error([&] { generate_key_file(file); }).find("already there") != std::string::npos);
    CHECK(read_key_file(file).public_key() == k.public_key());  // untouched

    // Comments, blank lines and spaces are allowed; exactly one key for a key file.
    write_text(file, "# the server\n\n  " + hex(k.seed()) + " \r\n");
    CHECK(read_key_file(file).public_key() == k.public_key());

    write_text(file, hex(k.seed()) + "\n", 0644);
    const auto open_to_others = key_error([&] { read_key_file(file); });
    CHECK(open_to_others.find(file.string() + ": error: the key file may be read or changed by other users "
                                              "(mode 0644)") == 0);
    CHECK(open_to_others.find("chmod 600") != std::string::npos);
    REQUIRE(::chmod(file.c_str(), 0600) == 0);

    write_text(file, "not a key\n");
    CHECK(key_error([&] {
              read_key_file(file);
          }).find(file.string() + ":1:1: error: a key file holds 64 hex") == 0);
    write_text(file, "");
    CHECK(key_error([&] { read_key_file(file); }).find("64 hex digits") != std::string::npos);
    write_text(file, hex(k.seed()) + "\n" + hex(k.seed()) + "\n");
    CHECK(key_error([&] { read_key_file(file); }).find("holds 2 keys") != std::string::npos);
    CHECK(read_key_list_file(file).size() == 2);
    CHECK(key_error([&] { read_key_file(d.path / "missing.key"); }).find("no key file here") !=
          std::string::npos);
    fs::create_symlink(file, d.path / "link.key");
    CHECK(key_error([&] { read_key_file(d.path / "link.key"); }).find("symbolic link") != std::string::npos);

    // A list file replaces the one there, atomically, 0600, with its comment.
    const std::vector<KeyPair> list{KeyPair::generate(), KeyPair::generate(), KeyPair::generate()};
    write_key_list_file(file, list, "three keys\nsecond line");
    CHECK(mode_of(file) == 0600);
    CHECK(text_of(file).rfind("# three keys\n# second line\n", 0) == 0);
    const auto back = read_key_list_file(file);
    REQUIRE(back.size() == 3);
    for (size_t i = 0; i < 3; ++i) CHECK(back[i].public_key() == list[i].public_key());

    // read_or_generate: makes the directory (0700) and the key once, then reads it.
    bool created = false;
    const auto deep = d.path / "a" / "b" / "server.key";
    const KeyPair made = read_or_generate_key_file(deep, &created);
    CHECK(created);
    CHECK(mode_of(d.path / "a") == 0700);
    CHECK(mode_of(d.path / "a" / "b") == 0700);
    CHECK(read_or_generate_key_file(deep, &created).public_key() == made.public_key());
    CHECK_FALSE(created);
}

TEST_CASE("keys: a run's keys live beside it, in DIR.keys") {
    CHECK(default_key_dir("runs/a") == fs::path("runs/a.keys"));
    CHECK(default_key_dir("runs/a/") == fs::path("runs/a.keys"));
    CHECK(default_key_dir("/srv/runs/a") == fs::path("/srv/runs/a.keys"));
    CHECK(default_key_dir(".") ==
          fs::current_path().parent_path() / (fs::current_path().filename().string() + ".keys"));
    CHECK(default_key_paths("runs/a").server == fs::path("runs/a.keys/server.key"));
    CHECK(default_key_paths("runs/a").nodes == fs::path("runs/a.keys/nodes.key"));
}

TEST_CASE("keys: init keeps every private key out of the store, and everything private whatever the umask") {
    TempDir d;
    const auto dir = d.path / "run";
    const auto keys = default_key_paths(dir);
    Umask permissive(022);
    auto c = Chain::init(dir, small_config(5), ChainOptions{{}, 2, {}, {}, {}, {}, {}, {}, {}});
    REQUIRE(c->append_epoch(epoch_result(1, 0.5)).accepted);
    // While the chain is open SQLite's -wal and -shm files exist; they take the database's mode.
    for (const auto& p : {dir, dir / "checkpoints", dir / "checkpoints" / ".partial", default_key_dir(dir)}) {
        INFO(p);
        CHECK(mode_of(p) == 0700);
    }
    size_t files = 0;
    for (const auto& p : {dir / "chain.db", dir / "chain.db-wal", dir / "chain.db-shm", dir / "chain.lock",
                          keys.server, keys.nodes}) {
        INFO(p);
        REQUIRE(fs::exists(p));
        CHECK(mode_of(p) == 0600);
        ++files;
    }
    for (const auto& e : fs::directory_iterator(dir / "checkpoints"))
        CHECK(mode_of(e.path()) == (e.is_directory() ? 0700 : 0600));
    CHECK(files == 6);

    // The keys: the server's public key recorded, the nodes' keys those registered.
    const KeyPair server = read_key_file(keys.server);
    CHECK(c->server_public_key() == server.public_key());
    CHECK(c->store().meta("server_public_key") == hex(server.public_key()));
    CHECK(c->store().meta("node_keys") == "in-process");
    CHECK_FALSE(c->store().meta("server_key"));
    CHECK(in_process_nodes(c->store()));
    const auto node_keys = read_key_list_file(keys.nodes);
    const auto records = c->store().nodes();
    REQUIRE(node_keys.size() == records.size());
    for (size_t i = 0; i < records.size(); ++i) CHECK(node_keys[i].public_key() == records[i].public_key);
    c.reset();

    // No seed, raw or in hex, anywhere in the run directory.
    std::vector<std::string> secrets{hex(server.seed())};
    for (const auto& k : node_keys) secrets.push_back(hex(k.seed()));
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        const std::string bytes = text_of(e.path());
        for (const auto& h : secrets) {
            INFO(e.path());
            CHECK(bytes.find(h) == std::string::npos);
            const auto raw = *trainchain::vm::parse_hex_digits(h);
            CHECK(bytes.find(std::string(raw.begin(), raw.end())) == std::string::npos);
        }
    }
}

TEST_CASE("keys: open needs the run's own server key and its nodes' key file") {
    TempDir d;
    const auto dir = d.path / "run";
    const auto keys = default_key_paths(dir);
    Chain::init(dir, small_config(3), {}).reset();
    Chain::init(d.path / "other", small_config(3), {}).reset();
    const auto other = default_key_paths(d.path / "other");
    CHECK(read_key_file(keys.server).public_key() != read_key_file(other.server).public_key());

    auto open_with = [&](const fs::path& server, const fs::path& nodes) {
        ChainOptions o;
        o.server_key_file = server;
        o.node_key_file = nodes;
        return key_error([&] { Chain::open(dir, o); });
    };
    CHECK(open_with({}, {}).empty());
    CHECK(open_with(keys.server, keys.nodes).empty());
    const auto wrong = open_with(other.server, {});
    CHECK(wrong.find(other.server.string() + ": error: not the server key of the run") == 0);
    CHECK(wrong.find(hex(read_key_file(keys.server).public_key())) != std::string::npos);
    CHECK(open_with({}, other.nodes).find("belongs to another run") != std::string::npos);
    CHECK(open_with(d.path / "none.key", {}).find(": error: no server key here") != std::string::npos);
    CHECK(open_with({}, d.path / "none.key").find(": error: no node key file here") != std::string::npos);

    // A file of the right keys in another order is another run's too.
    auto shuffled = read_key_list_file(keys.nodes);
    std::swap(shuffled[0], shuffled[1]);
    write_key_list_file(d.path / "shuffled.key", shuffled, "");
    CHECK(open_with({}, d.path / "shuffled.key").find("node 0's key is not the one") != std::string::npos);

    // Moved together, the keys work from anywhere.
    fs::rename(default_key_dir(dir), d.path / "vault");
    CHECK(open_with({}, {}).find("no server key here") != std::string::npos);
    const auto moved = key_paths_in(d.path / "vault");
    CHECK(open_with(moved.server, moved.nodes).empty());
    // Reading needs no key.
    CHECK(verify(*Store::open(dir)).ok);
}

TEST_CASE("keys: a chain of external nodes keeps no node key file, and opens only with their transport") {
    TempDir d;
    const auto dir = d.path / "ext";
    std::vector<PublicKey> pubs;
    for (int i = 0; i < 3; ++i) pubs.push_back(KeyPair::generate().public_key());
    ChainOptions o;
    o.node_keys = pubs;
    // The in-process transport cannot vote for nodes it has no keys of.
    CHECK_THROWS_AS(Chain::init(dir, small_config(3), o), ChainError);
    CHECK_FALSE(fs::exists(dir));
    CHECK_FALSE(fs::exists(default_key_paths(dir).nodes));
}

namespace {

/// Turns a chain made now into one of the layout before the key files: the seeds inside (the
/// nodes' all zero for `external`), nothing recorded, no key files. Returns the server key.
KeyPair make_legacy(const fs::path& dir, bool external = false) {
    const auto keys = default_key_paths(dir);
    const KeyPair server = read_key_file(keys.server);
    const auto nodes = read_key_list_file(keys.nodes);
    sql(dir, "ALTER TABLE nodes ADD COLUMN seed BLOB NOT NULL DEFAULT x''");
    for (size_t i = 0; i < nodes.size(); ++i)
        sql(dir, "UPDATE nodes SET seed = x'" + (external ? std::string(64, '0') : hex(nodes[i].seed())) +
                     "' WHERE idx = " + std::to_string(i));
    sql(dir,
        "INSERT INTO meta (key, value) VALUES ('server_key', CAST('" + hex(server.seed()) + "' AS BLOB))");
    sql(dir, "DELETE FROM meta WHERE key IN ('server_public_key', 'node_keys')");
    fs::remove_all(default_key_dir(dir));
    return server;
}

}  // namespace

TEST_CASE("keys: a store made before the key files has its keys moved out on open, and erased") {
    TempDir d;
    const auto dir = d.path / "old";
    const auto keys = default_key_paths(dir);
    {
        auto c = Chain::init(dir, small_config(4), {});
        REQUIRE(c->append_epoch(epoch_result(1, 0.5)).accepted);
    }
    const auto nodes = read_key_list_file(keys.nodes);
    const KeyPair server = make_legacy(dir);
    {
        const auto store = Store::open(dir);
        CHECK(store->legacy_keys().any);
        CHECK(in_process_nodes(*store));  // from the seeds
        CHECK(verify(*store).ok);         // reading is as before
    }

    // A node key file already there with other keys is not overwritten: the open is refused.
    create_private_directories(default_key_dir(dir));
    write_key_list_file(keys.nodes, {KeyPair::generate()}, "");
    CHECK(key_error([&] { Chain::open(dir); }).find("holds other node keys") != std::string::npos);
    CHECK(Store::open(dir)->legacy_keys().any);  // nothing changed
    fs::remove(keys.nodes);

    auto c = Chain::open(dir);
    CHECK(read_key_file(keys.server).public_key() == server.public_key());
    const auto moved = read_key_list_file(keys.nodes);
    REQUIRE(moved.size() == nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) CHECK(moved[i].public_key() == nodes[i].public_key());
    CHECK(mode_of(keys.server) == 0600);
    CHECK(mode_of(keys.nodes) == 0600);
    CHECK_FALSE(c->store().legacy_keys().any);
    CHECK(c->store().meta("server_public_key") == hex(server.public_key()));
    CHECK(c->store().meta("node_keys") == "in-process");
    REQUIRE(c->append_epoch(epoch_result(2, 0.6)).accepted);
    c.reset();
    CHECK(verify(*Store::open(dir)).ok);
    // The seeds are gone from the file, not only from the table.
    const std::string bytes = text_of(dir / "chain.db") + text_of(dir / "chain.db-wal");
    CHECK(bytes.find(hex(server.seed())) == std::string::npos);
    for (const auto& k : nodes)
        CHECK(bytes.find(std::string(k.seed().begin(), k.seed().end())) == std::string::npos);
}

TEST_CASE("keys: an old store meets a server key file already there") {
    TempDir d;
    Chain::init(d.path / "a", small_config(3), {}).reset();
    Chain::init(d.path / "b", small_config(3), {}).reset();
    const KeyPair shared = generate_key_file(d.path / "server.key");
    ChainOptions with_shared;
    with_shared.server_key_file = d.path / "server.key";

    // In-process nodes: the old key signed nothing a node kept; the run takes the one given.
    make_legacy(d.path / "a");
    {
        auto c = Chain::open(d.path / "a", with_shared);
        CHECK(c->server_public_key() == shared.public_key());
        CHECK(c->store().meta("server_public_key") == hex(shared.public_key()));
        CHECK_FALSE(c->store().legacy_keys().any);
    }
    // External nodes pinned the old key: refused, and nothing changed.
    const KeyPair old = make_legacy(d.path / "b", true);
    const auto refused = key_error([&] { Chain::open(d.path / "b", with_shared); });
    CHECK(refused.find("holds another server key") != std::string::npos);
    CHECK(refused.find(hex(old.public_key())) != std::string::npos);
    CHECK(Store::open(d.path / "b")->legacy_keys().any);
    CHECK_FALSE(in_process_nodes(*Store::open(d.path / "b")));
    // Without the shared file, its own key is moved out; the in-process transport then cannot
    // reach external nodes.
    CHECK_THROWS_AS(Chain::open(d.path / "b"), ChainError);
    CHECK(read_key_file(default_key_paths(d.path / "b").server).public_key() == old.public_key());
    CHECK(Store::open(d.path / "b")->meta("node_keys") == "external");
    CHECK_FALSE(Store::open(d.path / "b")->legacy_keys().any);
}
