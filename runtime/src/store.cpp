// runtime/src/store.cpp - the SQLite chain store (blocks, votes, gas records, the state journal
// and the VM world after its last row) and the zstd checkpoint files.
#include "trainchain/runtime/store.hpp"
#include "trainchain/runtime/keys.hpp"
#include "trainchain/runtime/merkle.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>

#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <nlohmann/json.hpp>

namespace trainchain::runtime {
namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (height INTEGER PRIMARY KEY, hash BLOB NOT NULL, header BLOB NOT NULL,
                                   payload BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS votes (height INTEGER NOT NULL, node INTEGER NOT NULL, accept INTEGER NOT NULL,
                                  signature BLOB NOT NULL, PRIMARY KEY (height, node));
CREATE TABLE IF NOT EXISTS nodes (idx INTEGER PRIMARY KEY, public_key BLOB NOT NULL, contract BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoint_files (digest BLOB PRIMARY KEY, file_sha256 BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS gas (id INTEGER PRIMARY KEY AUTOINCREMENT, height INTEGER NOT NULL, contract TEXT NOT NULL,
                                function TEXT NOT NULL, gas_used INTEGER NOT NULL, success INTEGER NOT NULL);
)sql";

/// Format 3: the state journal (one row per block: StateChanges::encode and the digest of the world
/// after it) and the world after its last row (an account per row, a storage slot per row).
constexpr const char* state_schema = R"sql(
CREATE TABLE IF NOT EXISTS vm_journal (height INTEGER PRIMARY KEY, changes BLOB NOT NULL, digest BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS vm_accounts (address BLOB PRIMARY KEY, balance BLOB NOT NULL, nonce INTEGER NOT NULL,
                                        code BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vm_storage (address BLOB NOT NULL, slot BLOB NOT NULL, value BLOB NOT NULL,
                                       PRIMARY KEY (address, slot)) WITHOUT ROWID;
)sql";

/// The store's format, in its configuration: 2 since payloads end with the rollback proposals
/// field, 3 since the VM world is kept as a journal of each block's changes, 4 since epoch payloads
/// may carry a segment commitment (docs/chain.md). A chain of format 2 or 3 is migrated when it is
/// opened; one of format 1 cannot be decoded any more and is refused.
constexpr int store_format = 4;
constexpr int migrated_format = 2;
/// Format 3 differs from 4 only in what it may hold: its migration rewrites the format alone.
constexpr int format_3 = 3;

/// Added in format 4; created on open as well. The leaves (state digests, 32 bytes each, in
/// order) of each segment commitment a trainer recorded, by root; `kept`: the leaf indices whose
/// state files drop_segment_states kept (4 bytes each, big-endian), NULL while all are.
constexpr const char* segment_schema = R"sql(
CREATE TABLE IF NOT EXISTS segment_leaves (root BLOB PRIMARY KEY, leaves BLOB NOT NULL, kept BLOB);
)sql";

/// Added after the first format; created on open as well, so that older chains gain it.
constexpr const char* profile_schema = R"sql(
CREATE TABLE IF NOT EXISTS gas_profile (height INTEGER NOT NULL, contract TEXT NOT NULL, function TEXT NOT NULL,
                                        calls INTEGER NOT NULL, gas_used INTEGER NOT NULL,
                                        intrinsic INTEGER NOT NULL, refund INTEGER NOT NULL, profile TEXT NOT NULL,
                                        PRIMARY KEY (height, contract, function));
)sql";

/// A profile as compact JSON: {"op":{"96":[count,gas],...},"pre":{"2":[count,gas]},
/// "deposit":[count,gas],"other":[count,gas]}, with only what was used.
std::string profile_json(const vm::GasProfile& p) {
    const auto pair = [](const vm::GasUse& u) { return nlohmann::json::array({u.count, u.gas}); };
    nlohmann::json ops = nlohmann::json::object(), pre = nlohmann::json::object();
    for (size_t i = 0; i < p.opcodes.size(); ++i)
        if (p.opcodes[i].count != 0 || p.opcodes[i].gas != 0) ops[std::to_string(i)] = pair(p.opcodes[i]);
    for (const auto& [n, u] : p.precompiles) pre[std::to_string(n)] = pair(u);
    return nlohmann::json{
        {"op", ops}, {"pre", pre}, {"deposit", pair(p.code_deposit)}, {"other", pair(p.other)}}
        .dump();
}

vm::GasProfile parse_profile(const std::string& text) {
    const auto j = nlohmann::json::parse(text);
    const auto use = [](const nlohmann::json& a) {
        return vm::GasUse{a.at(0).get<uint64_t>(), a.at(1).get<int64_t>()};
    };
    const auto index = [](const std::string& key, unsigned limit) {
        size_t end = 0;
        const unsigned long v = std::stoul(key, &end);
        if (end != key.size() || v >= limit) throw std::out_of_range("bad key " + key);
        return static_cast<uint8_t>(v);
    };
    vm::GasProfile p;
    for (const auto& [k, v] : j.at("op").items()) p.opcodes[index(k, 256)] = use(v);
    for (const auto& [k, v] : j.at("pre").items()) p.precompiles[index(k, 256)] = use(v);
    p.code_deposit = use(j.at("deposit"));
    p.other = use(j.at("other"));
    return p;
}

/// A prepared statement that finalizes itself.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) : db_{db} {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
            throw StoreError(std::string("chain store: ") + sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, int64_t v) {
        check(sqlite3_bind_int64(stmt_, i, v));
        return *this;
    }
    Statement& bind(int i, std::span<const uint8_t> blob) {
        // An empty span may have no data pointer, which SQLite would store as NULL.
        if (blob.empty())
            check(sqlite3_bind_zeroblob(stmt_, i, 0));
        else
            check(sqlite3_bind_blob(stmt_, i, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT));
        return *this;
    }
    Statement& bind(int i, const std::string& text) {
        check(sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
        return *this;
    }
    /// Steps once; true when a row is available.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw StoreError(std::string("chain store: ") + sqlite3_errmsg(db_));
    }
    /// Makes the statement ready to run again, its parameters unbound.
    void reset() noexcept {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    [[nodiscard]] bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
    /// The column's bytes where SQLite holds them: valid until the next step, reset or finalize.
    [[nodiscard]] std::span<const uint8_t> blob_view(int col) const {
        const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
        const int n = sqlite3_column_bytes(stmt_, col);
        return p ? std::span<const uint8_t>(p, static_cast<size_t>(n)) : std::span<const uint8_t>{};
    }
    /// A 32-byte blob column as a digest; nullopt for any other size (not recorded).
    [[nodiscard]] std::optional<Hash> hash(int col) const {
        const auto b = blob_view(col);
        if (b.size() != 32) return std::nullopt;
        Hash h;
        std::copy(b.begin(), b.end(), h.begin());
        return h;
    }
    Bytes blob(int col) const {
        const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
        const int n = sqlite3_column_bytes(stmt_, col);
        return p ? Bytes(p, p + n) : Bytes{};
    }
    std::string text(int col) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string{};
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) throw StoreError(std::string("chain store: ") + sqlite3_errmsg(db_));
    }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

template <size_t N>
std::array<uint8_t, N> fixed(const Bytes& b, const char* what) {
    if (b.size() != N)
        throw StoreError(std::string("chain store: ") + what + " has " + std::to_string(b.size()) +
                         " bytes instead of " + std::to_string(N));
    std::array<uint8_t, N> out;
    std::memcpy(out.data(), b.data(), N);
    return out;
}

void fsync_path(const std::filesystem::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

sqlite3* open_db(const std::filesystem::path& file, bool create) {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        std::string why = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw StoreError(file.string() + ": error: cannot open chain database: " + why);
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

}  // namespace

Store::Store(std::filesystem::path dir, sqlite3* db) : dir_{std::move(dir)}, db_{db} {}

Store::~Store() { sqlite3_close(db_); }

void Store::rollback_quietly() noexcept {
    // After SQLITE_FULL or an I/O error SQLite may already have rolled back; the original error
    // is the one to report.
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Store::ReadSnapshot::ReadSnapshot(const Store& store) : store_{store} {
    // A deferred transaction takes its snapshot at its first read.
    store_.exec("BEGIN; SELECT count(*) FROM blocks;");
}

Store::ReadSnapshot::~ReadSnapshot() {
    if (!sqlite3_get_autocommit(store_.db_)) sqlite3_exec(store_.db_, "COMMIT", nullptr, nullptr, nullptr);
}

void Store::exec(const std::string& sql) const {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string why = err ? err : "unknown error";
        sqlite3_free(err);
        throw StoreError((dir_ / "chain.db").string() + ": error: " + why);
    }
}

std::unique_ptr<Store> Store::create(const std::filesystem::path& dir, const ChainConfig& config) {
    std::error_code ec;
    if (config.quorum_percent < min_quorum_percent || config.quorum_percent > max_quorum_percent)
        throw StoreError(dir.string() + ": error: quorum_percent = " + std::to_string(config.quorum_percent) +
                         " must be " + std::to_string(min_quorum_percent) + " to " +
                         std::to_string(max_quorum_percent) + " (more than half)");
    if (std::filesystem::exists(dir / "chain.db", ec))
        throw StoreError(dir.string() + ": error: already holds a chain");
    // Private: the directories 0700, the database 0600 (SQLite gives its -wal and -shm files the
    // database's mode), whatever the process's umask.
    create_private_directories(dir / "checkpoints");
    const auto db_file = dir / "chain.db";
    if (const int fd = ::open(db_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0)
        ::close(fd);
    else
        throw StoreError(db_file.string() + ": error: cannot create chain database: " + std::strerror(errno));
    std::unique_ptr<Store> s(new Store(dir, open_db(db_file, true)));
    s->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
    s->exec(schema);
    s->exec(profile_schema);
    s->exec(state_schema);
    s->exec(segment_schema);
    const nlohmann::json j = {
        {"nodes", config.nodes},   {"difficulty_bits", config.difficulty_bits}, {"fork", config.fork},
        {"run_id", config.run_id}, {"quorum_percent", config.quorum_percent},   {"format", store_format}};
    const std::string text = j.dump();
    Statement st(s->db_, "INSERT INTO meta (key, value) VALUES ('config', ?)");
    st.bind(1, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    st.step();
    s->config_ = config;
    s->format_ = store_format;
    return s;
}

std::unique_ptr<Store> Store::open(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir / "chain.db", ec))
        throw StoreError(dir.string() + ": error: no chain here (run `trainchain chain init` first)");
    std::unique_ptr<Store> s(new Store(dir, open_db(dir / "chain.db", false)));
    s->load_config();  // first: a file that is not a chain is not written to
    s->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
    s->exec(profile_schema);
    s->exec(segment_schema);
    if (s->format_ == migrated_format) s->migrate_from_format_2();
    if (s->format_ == format_3) s->migrate_from_format_3();
    return s;
}

void Store::load_config() {
    Statement st(db_, "SELECT value FROM meta WHERE key = 'config'");
    if (!st.step())
        throw StoreError((dir_ / "chain.db").string() + ": error: the chain has no configuration");
    const Bytes b = st.blob(0);
    try {
        const auto j = nlohmann::json::parse(std::string(b.begin(), b.end()));
        config_.nodes = j.at("nodes").get<uint32_t>();
        config_.difficulty_bits = j.at("difficulty_bits").get<uint32_t>();
        config_.fork = j.at("fork").get<std::string>();
        config_.run_id = j.at("run_id").get<uint64_t>();
        config_.quorum_percent = j.at("quorum_percent").get<uint32_t>();
        const auto format = j.value("format", int64_t{0});
        if (format != store_format && format != migrated_format && format != format_3)
            throw std::out_of_range("format " + std::to_string(format) + ", this version reads format " +
                                    std::to_string(store_format) + " (and migrates formats " +
                                    std::to_string(migrated_format) + " and " + std::to_string(format_3) +
                                    "; format 1, before rollback blocks recorded their signed proposals, "
                                    "cannot be read: make the chain again)");
        format_ = static_cast<int>(format);
        const auto nodes = j.at("nodes").get<int64_t>(), bits = j.at("difficulty_bits").get<int64_t>(),
                   quorum = j.at("quorum_percent").get<int64_t>();
        if (nodes < min_nodes || nodes > max_nodes || bits < min_difficulty_bits ||
            bits > max_difficulty_bits)
            throw std::out_of_range("nodes or difficulty out of range");
        if (quorum < min_quorum_percent || quorum > max_quorum_percent)
            throw std::out_of_range("quorum_percent = " + std::to_string(quorum) + " must be " +
                                    std::to_string(min_quorum_percent) + " to " +
                                    std::to_string(max_quorum_percent) + " (more than half)");
    } catch (const std::exception& e) {
        throw StoreError((dir_ / "chain.db").string() + ": error: bad configuration: " + e.what());
    }
}

void Store::put_nodes(const std::vector<NodeRecord>& nodes) {
    exec("BEGIN IMMEDIATE");
    try {
        for (const auto& n : nodes) {
            Statement st(db_, "INSERT INTO nodes (idx, public_key, contract) VALUES (?, ?, ?)");
            st.bind(1, static_cast<int64_t>(n.index)).bind(2, n.public_key).bind(3, n.contract);
            st.step();
        }
        exec("COMMIT");
    } catch (...) {
        rollback_quietly();
        throw;
    }
}

std::vector<NodeRecord> Store::nodes() const {
    std::vector<NodeRecord> out;
    Statement st(db_, "SELECT idx, public_key, contract FROM nodes ORDER BY idx");
    while (st.step()) {
        NodeRecord n;
        n.index = static_cast<uint32_t>(st.integer(0));
        n.public_key = fixed<32>(st.blob(1), "a node's public key");
        n.contract = fixed<20>(st.blob(2), "a node's contract address");
        out.push_back(n);
    }
    return out;
}

Store::LegacyKeys Store::legacy_keys() const {
    LegacyKeys out;
    if (const auto seed = meta(meta_key::legacy_server_key); seed && seed->size() == 64)
        out.server = parse_hash(*seed);
    out.any = meta(meta_key::legacy_server_key).has_value();
    bool has_seed_column = false;
    {
        Statement st(db_, "SELECT name FROM pragma_table_info('nodes')");
        while (st.step()) has_seed_column = has_seed_column || st.text(0) == "seed";
    }
    if (!has_seed_column) return out;
    out.any = true;
    Statement st(db_, "SELECT seed FROM nodes ORDER BY idx");
    while (st.step()) {
        const Bytes b = st.blob(0);
        std::array<uint8_t, 32> seed{};
        if (b.size() == seed.size()) std::memcpy(seed.data(), b.data(), seed.size());
        out.nodes.push_back(seed);
    }
    return out;
}

void Store::erase_legacy_keys() {
    bool has_seed_column = false;
    {
        Statement st(db_, "SELECT name FROM pragma_table_info('nodes')");
        while (st.step()) has_seed_column = has_seed_column || st.text(0) == "seed";
    }
    exec("BEGIN IMMEDIATE");
    try {
        if (has_seed_column) exec("ALTER TABLE nodes DROP COLUMN seed");
        exec("DELETE FROM meta WHERE key = 'server_key'");
        exec("COMMIT");
    } catch (...) {
        rollback_quietly();
        throw;
    }
    // The freed pages still hold the old bytes: rebuild the file without them, and empty the WAL.
    exec("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
}

void Store::append(const Block& block, const std::vector<GasRecord>& gas, const StateRecord* state,
                   const std::vector<GasProfileRecord>& profiles) {
    exec("BEGIN IMMEDIATE");
    try {
        const auto header = block.header.encode();
        const Bytes payload = block.payload.encode();
        const Hash hash = block.hash();
        {
            Statement st(db_, "INSERT INTO blocks (height, hash, header, payload) VALUES (?, ?, ?, ?)");
            st.bind(1, static_cast<int64_t>(block.header.height))
                .bind(2, hash)
                .bind(3, header)
                .bind(4, payload);
            st.step();
        }
        for (const auto& v : block.votes) {
            Statement st(db_, "INSERT INTO votes (height, node, accept, signature) VALUES (?, ?, ?, ?)");
            st.bind(1, static_cast<int64_t>(block.header.height))
                .bind(2, static_cast<int64_t>(v.node))
                .bind(3, int64_t{v.accept ? 1 : 0})
                .bind(4, v.signature);
            st.step();
        }
        for (const auto& g : gas) {
            Statement st(
                db_,
                "INSERT INTO gas (height, contract, function, gas_used, success) VALUES (?, ?, ?, ?, ?)");
            st.bind(1, static_cast<int64_t>(g.height))
                .bind(2, g.contract)
                .bind(3, g.function)
                .bind(4, g.gas_used)
                .bind(5, int64_t{g.success ? 1 : 0});
            st.step();
        }
        for (const auto& p : profiles) {
            Statement st(
                db_,
                "INSERT INTO gas_profile (height, contract, function, calls, gas_used, intrinsic, refund, "
                "profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            st.bind(1, static_cast<int64_t>(p.height))
                .bind(2, p.contract)
                .bind(3, p.function)
                .bind(4, static_cast<int64_t>(p.calls))
                .bind(5, p.gas_used)
                .bind(6, p.intrinsic)
                .bind(7, p.refund)
                .bind(8, profile_json(p.profile));
            st.step();
        }
        if (state) put_state(block.header.height, *state);
        for (const auto& [digest, file] : pending_files_) {
            Statement st(db_, "INSERT OR IGNORE INTO checkpoint_files (digest, file_sha256) VALUES (?, ?)");
            st.bind(1, digest).bind(2, file);
            st.step();
        }
        exec("COMMIT");
        pending_files_.clear();
    } catch (...) {
        rollback_quietly();
        throw;
    }
}

void Store::set_meta(const std::string& key, const std::string& value) {
    Statement st(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    st.bind(1, key).bind(
        2, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(value.data()), value.size()));
    st.step();
}

std::optional<std::string> Store::meta(const std::string& key) const {
    Statement st(db_, "SELECT value FROM meta WHERE key = ?");
    st.bind(1, key);
    if (!st.step()) return std::nullopt;
    const Bytes b = st.blob(0);
    return std::string(b.begin(), b.end());
}

namespace {

Bytes word_bytes(const vm::uint256& w) {
    Bytes b(32);
    w.to_be(b.data());
    return b;
}

Bytes address_bytes(const vm::address& a) { return Bytes(a.bytes.begin(), a.bytes.end()); }

}  // namespace

void Store::put_state(uint64_t height, const StateRecord& state) {
    const std::string where =
        (dir_ / "chain.db").string() + ": error: the VM state changes of block " + std::to_string(height);
    if (const auto last = state_height(); last && *last + 1 != height)
        throw StoreError(where + " do not follow the journal's last row (block " + std::to_string(*last) +
                         ")");
    Statement account(db_, "SELECT balance, nonce, code FROM vm_accounts WHERE address = ?");
    Statement slot(db_, "SELECT value FROM vm_storage WHERE address = ? AND slot = ?");
    Statement put_slot(db_, "INSERT OR REPLACE INTO vm_storage (address, slot, value) VALUES (?, ?, ?)");
    Statement drop_slot(db_, "DELETE FROM vm_storage WHERE address = ? AND slot = ?");
    for (const auto& c : state.changes.accounts) {
        const Bytes addr = address_bytes(c.address);
        const auto fail = [&](const std::string& what) {
            return StoreError(where + " do not apply to the saved VM state: account " + c.address.to_hex() +
                              ": " + what);
        };
        account.reset();
        account.bind(1, addr);
        const bool present = account.step();
        if (present != c.existed) throw fail(present ? "it exists already" : "it does not exist");
        vm::uint256 balance{};
        uint64_t nonce = 0;
        Bytes code;
        if (present) {
            balance = vm::uint256::from_be(fixed<32>(account.blob(0), "a saved balance").data(), 32);
            nonce = static_cast<uint64_t>(account.integer(1));
            code = account.blob(2);
        }
        if (c.balance) {
            if (balance != c.balance->first) throw fail("another balance");
            balance = c.balance->second;
        }
        if (c.nonce) {
            if (nonce != c.nonce->first) throw fail("another nonce");
            nonce = c.nonce->second;
        }
        if (c.code) {
            if (code != c.code->first) throw fail("other code");
            code = c.code->second;
        }
        for (const auto& s : c.slots) {
            const Bytes key = word_bytes(s.key);
            slot.reset();
            slot.bind(1, addr).bind(2, key);
            const vm::uint256 held =
                slot.step() ? vm::uint256::from_be(fixed<32>(slot.blob(0), "a saved slot").data(), 32)
                            : vm::uint256{};
            if (held != s.before) throw fail("slot " + s.key.to_hex() + " holds another value");
            Statement& write = s.after ? put_slot : drop_slot;
            write.reset();
            write.bind(1, addr).bind(2, key);
            if (s.after) write.bind(3, word_bytes(s.after));
            write.step();
        }
        if (!c.exists) {
            Statement left(db_, "SELECT COUNT(*) FROM vm_storage WHERE address = ?");
            left.bind(1, addr);
            left.step();
            if (balance || nonce != 0 || !code.empty() || left.integer(0) != 0)
                throw fail("it still holds something after the change that removes it");
            Statement drop(db_, "DELETE FROM vm_accounts WHERE address = ?");
            drop.bind(1, addr);
            drop.step();
        } else if (!present || c.balance || c.nonce || c.code) {
            Statement put(
                db_,
                "INSERT OR REPLACE INTO vm_accounts (address, balance, nonce, code) VALUES (?, ?, ?, ?)");
            put.bind(1, addr).bind(2, word_bytes(balance)).bind(3, static_cast<int64_t>(nonce)).bind(4, code);
            put.step();
        }
    }
    Statement row(db_, "INSERT INTO vm_journal (height, changes, digest) VALUES (?, ?, ?)");
    row.bind(1, static_cast<int64_t>(height)).bind(2, state.changes.encode()).bind(3, state.digest);
    row.step();
}

World Store::vm_state() const {
    World world;
    {
        Statement st(db_, "SELECT address, balance, nonce, code FROM vm_accounts ORDER BY address");
        while (st.step()) {
            vm::address a;
            a.bytes = fixed<20>(st.blob(0), "a saved account's address");
            vm::Account acc;
            acc.balance = vm::uint256::from_be(fixed<32>(st.blob(1), "a saved balance").data(), 32);
            acc.nonce = static_cast<uint64_t>(st.integer(2));
            acc.code = st.blob(3);
            world.emplace_hint(world.end(), a, std::move(acc));
        }
    }
    Statement st(db_, "SELECT address, slot, value FROM vm_storage ORDER BY address, slot");
    World::iterator at = world.end();
    while (st.step()) {
        vm::address a;
        a.bytes = fixed<20>(st.blob(0), "a saved slot's address");
        if (at == world.end() || at->first != a) at = world.find(a);
        if (at == world.end())
            throw StoreError((dir_ / "chain.db").string() +
                             ": error: the saved VM state holds storage of account " + a.to_hex() +
                             ", which it does not hold");
        const auto key = vm::uint256::from_be(fixed<32>(st.blob(1), "a saved slot").data(), 32);
        const auto value = vm::uint256::from_be(fixed<32>(st.blob(2), "a saved slot's value").data(), 32);
        if (!value)
            throw StoreError((dir_ / "chain.db").string() +
                             ": error: the saved VM state holds an empty slot");
        at->second.storage.emplace_hint(at->second.storage.end(), key, value);
    }
    return world;
}

std::optional<uint64_t> Store::state_height() const {
    Statement st(db_, "SELECT MAX(height) FROM vm_journal");
    if (!st.step() || st.is_null(0)) return std::nullopt;
    return static_cast<uint64_t>(st.integer(0));
}

std::optional<StateRecord> Store::state_record(uint64_t height) const {
    Statement st(db_, "SELECT changes, digest FROM vm_journal WHERE height = ?");
    st.bind(1, static_cast<int64_t>(height));
    if (!st.step()) return std::nullopt;
    std::string why;
    auto changes = StateChanges::decode(st.blob(0), &why);
    if (!changes)
        throw StoreError((dir_ / "chain.db").string() + ": error: the VM state changes of block " +
                         std::to_string(height) + " are malformed: " + why);
    return StateRecord{std::move(*changes), fixed<32>(st.blob(1), "a state digest")};
}

std::vector<Store::RawStateRow> Store::raw_state_journal() const {
    std::vector<RawStateRow> out;
    Statement st(db_, "SELECT height, changes, digest FROM vm_journal ORDER BY height");
    while (st.step()) out.push_back({static_cast<uint64_t>(st.integer(0)), st.blob(1), st.blob(2)});
    return out;
}

std::optional<World> Store::vm_state_at(uint64_t height) const {
    const std::string where = (dir_ / "chain.db").string() + ": error: ";
    Statement st(db_, "SELECT height, changes, digest FROM vm_journal WHERE height <= ? ORDER BY height");
    st.bind(1, static_cast<int64_t>(height));
    World world;
    std::optional<uint64_t> last;
    Bytes digest;
    while (st.step()) {
        const auto h = static_cast<uint64_t>(st.integer(0));
        if (last && *last + 1 != h)
            throw StoreError(where + "the state journal has no row for block " + std::to_string(*last + 1));
        std::string why;
        const auto changes = StateChanges::decode(st.blob(1), &why);
        if (!changes || !changes->apply(world, &why))
            throw StoreError(where + "the VM state changes of block " + std::to_string(h) +
                             (changes ? " do not apply: " : " are malformed: ") + why);
        last = h;
        digest = st.blob(2);
    }
    if (!last || *last != height) return std::nullopt;
    const Hash expected = state_digest(world);
    if (digest != Bytes(expected.begin(), expected.end()))
        throw StoreError(where + "the VM state rebuilt for block " + std::to_string(height) +
                         " does not have the digest its journal row records");
    return world;
}

void Store::migrate_from_format_2() {
    exec("BEGIN IMMEDIATE");
    try {
        load_config();  // again, inside the transaction: another process may have migrated it
        if (format_ == store_format) {
            exec("COMMIT");
            return;
        }
        exec(state_schema);
        // The world after the last block (a replica's: after the block `vm_state_height` names).
        const Bytes saved = [&] {
            Statement st(db_, "SELECT value FROM meta WHERE key = 'vm_state'");
            return st.step() ? st.blob(0) : Bytes{};
        }();
        std::optional<uint64_t> after;
        if (const auto h = meta("vm_state_height")) {
            try {
                after = std::stoull(*h);
            } catch (const std::exception&) {
                throw StoreError("the replica's vm_state_height '" + *h + "' is not a height");
            }
        } else if (const auto tip = [&]() -> std::optional<uint64_t> {
                       Statement st(db_, "SELECT MAX(height) FROM blocks");
                       if (!st.step() || st.is_null(0)) return std::nullopt;
                       return static_cast<uint64_t>(st.integer(0));
                   }()) {
            after = tip;
        }
        if (!saved.empty() && after) {
            const World world = decode_world(saved);
            put_state(*after, StateRecord{diff_worlds({}, world), state_digest(world)});
        }
        exec("DELETE FROM meta WHERE key IN ('vm_state', 'vm_state_height')");
        write_current_format();
        exec("COMMIT");
        format_ = store_format;
        // Format 2 wrote temporary checkpoint files beside the checkpoints; a writer killed then
        // left them there. (No writer of format 3 writes there: none is writing a format 2 store.)
        remove_format_2_temporary_files();
    } catch (const StoreError& e) {
        rollback_quietly();
        throw StoreError((dir_ / "chain.db").string() + ": error: cannot migrate the store from format " +
                         std::to_string(migrated_format) + " to " + std::to_string(store_format) + ": " +
                         e.what());
    } catch (...) {
        rollback_quietly();
        throw;
    }
}

void Store::write_current_format() {
    Statement st(db_, "SELECT value FROM meta WHERE key = 'config'");
    st.step();
    const Bytes b = st.blob(0);
    auto j = nlohmann::json::parse(std::string(b.begin(), b.end()));
    j["format"] = store_format;
    const std::string text = j.dump();
    Statement put(db_, "UPDATE meta SET value = ? WHERE key = 'config'");
    put.bind(1, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    put.step();
}

void Store::migrate_from_format_3() {
    exec("BEGIN IMMEDIATE");
    try {
        load_config();  // again, inside the transaction: another process may have migrated it
        if (format_ == store_format) {
            exec("COMMIT");
            return;
        }
        write_current_format();
        exec("COMMIT");
        format_ = store_format;
    } catch (const StoreError& e) {
        rollback_quietly();
        throw StoreError((dir_ / "chain.db").string() + ": error: cannot migrate the store from format " +
                         std::to_string(format_3) + " to " + std::to_string(store_format) + ": " + e.what());
    } catch (...) {
        rollback_quietly();
        throw;
    }
}

std::vector<Store::RawBlock> Store::raw_blocks() const {
    std::vector<RawBlock> out;
    Statement st(db_, "SELECT height, hash, header, payload FROM blocks ORDER BY height");
    while (st.step())
        out.push_back({static_cast<uint64_t>(st.integer(0)), st.blob(1), st.blob(2), st.blob(3)});
    return out;
}

size_t Store::block_count() const {
    Statement st(db_, "SELECT COUNT(*) FROM blocks");
    st.step();
    return static_cast<size_t>(st.integer(0));
}

std::vector<Block> Store::blocks() const { return blocks(raw_blocks()); }

namespace {

/// A stored block's header and payload, decoded (without its votes).
Block decode_block(uint64_t height, std::span<const uint8_t> header, std::span<const uint8_t> payload) {
    Block b;
    auto h = BlockHeader::decode(header);
    if (!h) throw StoreError("chain store: block " + std::to_string(height) + " has a malformed header");
    std::string why;
    auto p = Payload::decode(payload, &why);
    if (!p) throw StoreError("chain store: block " + std::to_string(height) + ": " + why);
    b.header = *h;
    b.payload = std::move(*p);
    return b;
}

Vote vote_of(const Bytes& signature, int64_t node, int64_t accept) {
    Vote v;
    v.node = static_cast<uint32_t>(node);
    v.accept = accept != 0;
    if (signature.size() == v.signature.size())
        std::memcpy(v.signature.data(), signature.data(), signature.size());
    return v;
}

}  // namespace

std::vector<Block> Store::blocks(const std::vector<RawBlock>& rows) const {
    std::vector<Block> out;
    out.reserve(rows.size());
    for (const auto& raw : rows) out.push_back(decode_block(raw.height, raw.header, raw.payload));
    Statement st(db_, "SELECT height, node, accept, signature FROM votes ORDER BY height, node");
    size_t i = 0;
    while (st.step()) {
        const auto height = static_cast<uint64_t>(st.integer(0));
        while (i < out.size() && out[i].header.height < height) ++i;
        if (i == out.size() || out[i].header.height != height) continue;  // a vote without its block
        out[i].votes.push_back(vote_of(st.blob(3), st.integer(1), st.integer(2)));
    }
    return out;
}

std::vector<Block> Store::blocks_without_votes() const {
    std::vector<Block> out;
    {
        // The last height, not COUNT(*) (which reads every row), and room for the blocks a writer
        // appends next: no reallocation of the whole list at its next append.
        Statement last(db_, "SELECT MAX(height) FROM blocks");
        if (last.step() && !last.is_null(0))
            out.reserve(static_cast<size_t>(last.integer(0)) + 1 + append_headroom);
    }
    Statement st(db_, "SELECT height, header, payload FROM blocks ORDER BY height");
    while (st.step())  // decoded from SQLite's own buffers: no copy of the bytes first
        out.push_back(decode_block(static_cast<uint64_t>(st.integer(0)), st.blob_view(1), st.blob_view(2)));
    return out;
}

std::optional<Block> Store::block(uint64_t height) const {
    Statement st(db_, "SELECT header, payload FROM blocks WHERE height = ?");
    st.bind(1, static_cast<int64_t>(height));
    if (!st.step()) return std::nullopt;
    Block b = decode_block(height, st.blob_view(0), st.blob_view(1));
    Statement votes(db_, "SELECT node, accept, signature FROM votes WHERE height = ? ORDER BY node");
    votes.bind(1, static_cast<int64_t>(height));
    while (votes.step()) b.votes.push_back(vote_of(votes.blob(2), votes.integer(0), votes.integer(1)));
    return b;
}

std::vector<GasRecord> Store::gas_records() const {
    std::vector<GasRecord> out;
    Statement st(db_, "SELECT height, contract, function, gas_used, success FROM gas ORDER BY id");
    while (st.step())
        out.push_back({static_cast<uint64_t>(st.integer(0)), st.text(1), st.text(2), st.integer(3),
                       st.integer(4) != 0});
    return out;
}

std::vector<GasRecord> Store::gas_records(uint64_t height) const {
    std::vector<GasRecord> out;
    Statement st(
        db_, "SELECT height, contract, function, gas_used, success FROM gas WHERE height = ? ORDER BY id");
    st.bind(1, static_cast<int64_t>(height));
    while (st.step())
        out.push_back({static_cast<uint64_t>(st.integer(0)), st.text(1), st.text(2), st.integer(3),
                       st.integer(4) != 0});
    return out;
}

std::vector<GasProfileRecord> Store::gas_profiles() const { return read_profiles(std::nullopt); }

std::vector<GasProfileRecord> Store::gas_profiles(uint64_t height) const { return read_profiles(height); }

std::vector<GasProfileRecord> Store::read_profiles(std::optional<uint64_t> height) const {
    std::vector<GasProfileRecord> out;
    Statement st(
        db_, height ? "SELECT height, contract, function, calls, gas_used, intrinsic, refund, profile FROM "
                      "gas_profile WHERE height = ? ORDER BY height, rowid"
                    : "SELECT height, contract, function, calls, gas_used, intrinsic, refund, profile FROM "
                      "gas_profile ORDER BY height, rowid");
    if (height) st.bind(1, static_cast<int64_t>(*height));
    while (st.step()) {
        GasProfileRecord r;
        r.height = static_cast<uint64_t>(st.integer(0));
        r.contract = st.text(1);
        r.function = st.text(2);
        r.calls = static_cast<uint64_t>(st.integer(3));
        r.gas_used = st.integer(4);
        r.intrinsic = st.integer(5);
        r.refund = st.integer(6);
        try {
            r.profile = parse_profile(st.text(7));
        } catch (const std::exception& e) {
            throw StoreError((dir_ / "chain.db").string() + ": error: gas profile of block " +
                             std::to_string(r.height) + " (" + r.contract + "." + r.function +
                             ") is malformed: " + e.what());
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::filesystem::path Store::checkpoint_path(const Hash& digest) const {
    return dir_ / "checkpoints" / (hex(digest) + ".zst");
}

namespace {

/// A file written under a temporary name (PATH.XXXXXX, or NAME.XXXXXX in `tmp_dir` on the same
/// file system; mode 0600) and renamed into place by commit(), after an fsync; removed when it is
/// not committed. What a kill leaves behind is only a temporary file
/// (Store::remove_temporary_files).
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path path, const std::filesystem::path& tmp_dir = {})
        : path_{std::move(path)},
          tmp_{(tmp_dir.empty() ? path_ : tmp_dir / path_.filename()).string() + ".XXXXXX"} {
        fd_ = ::mkostemp(tmp_.data(), O_CLOEXEC);
        if (fd_ < 0) fail(errno);
    }
    ~AtomicFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) ::unlink(tmp_.c_str());
    }
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::span<const uint8_t> bytes) {
        size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail(n < 0 ? errno : EIO);
            done += static_cast<size_t>(n);
        }
    }
    void commit() {
        if (::fsync(fd_) != 0) fail(errno);
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) fail(errno);
        if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail(errno);
        committed_ = true;
        fsync_path(path_.parent_path().empty() ? std::filesystem::path(".") : path_.parent_path());
    }

private:
    [[noreturn]] void fail(int err) const {
        throw StoreError(path_.string() + ": error: cannot write file: " + std::strerror(err));
    }
    std::filesystem::path path_;
    std::string tmp_;
    int fd_ = -1;
    bool committed_ = false;
};

}  // namespace

Hash Store::put_checkpoint(std::span<const uint8_t> bytes) {
    const Hash digest = sha256(bytes);
    const auto path = checkpoint_path(digest);
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {  // content-addressed: already there, if intact
        try {
            const auto existing = checkpoint(digest);
            if (existing && sha256(*existing) == digest) {
                if (!checkpoint_file_digest(digest)) pending_files_[digest] = sha256(checkpoint_file(digest));
                return digest;
            }
        } catch (const StoreError&) {
        }
        std::filesystem::remove(path, ec);  // a damaged leftover: write it again
    }
    // Compressed in pieces straight into the file: a checkpoint costs its own size in memory, not
    // twice that (the API's uploads reach hundreds of MiB).
    const std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
    if (!cctx) throw StoreError("zstd: cannot create a compression context");
    ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setPledgedSrcSize(cctx.get(), bytes.size());  // the frame records the size
    AtomicFile file(path, partial_dir());
    Sha256Stream file_digest;
    Bytes piece(ZSTD_CStreamOutSize());
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    for (;;) {
        ZSTD_outBuffer out{piece.data(), piece.size(), 0};
        const size_t left = ZSTD_compressStream2(cctx.get(), &out, &in, ZSTD_e_end);
        if (ZSTD_isError(left)) throw StoreError(std::string("zstd: ") + ZSTD_getErrorName(left));
        file.write({piece.data(), out.pos});
        file_digest.update({piece.data(), out.pos});
        if (left == 0) break;
    }
    file.commit();
    pending_files_[digest] = file_digest.finish();
    return digest;
}

std::optional<Hash> Store::checkpoint_file_digest(const Hash& digest) const {
    Statement st(db_, "SELECT file_sha256 FROM checkpoint_files WHERE digest = ?");
    st.bind(1, digest);
    if (!st.step()) return std::nullopt;
    return st.hash(0);
}

std::map<Hash, Hash> Store::checkpoint_file_digests() const {
    std::map<Hash, Hash> out;
    Statement st(db_, "SELECT digest, file_sha256 FROM checkpoint_files");
    while (st.step())
        if (const auto digest = st.hash(0), file = st.hash(1); digest && file) out.emplace(*digest, *file);
    return out;
}

Bytes Store::checkpoint_file(const Hash& digest) const {
    std::ifstream f(checkpoint_path(digest), std::ios::binary);
    return f ? Bytes{std::istreambuf_iterator<char>(f), {}} : Bytes{};
}

namespace {

/// Why `file` is not one zstd frame whose content has SHA-256 `digest` (and `size` bytes); nullopt
/// when it is. Decompresses in pieces, hashing as it goes.
std::optional<std::string> frame_mismatch(std::span<const uint8_t> file, const Hash& digest,
                                          std::optional<uint64_t> size) {
    const size_t frame = ZSTD_findFrameCompressedSize(file.data(), file.size());
    if (ZSTD_isError(frame)) return std::string("not a zstd frame (") + ZSTD_getErrorName(frame) + ")";
    if (frame != file.size()) return std::string("bytes follow the zstd frame");
    const auto content = ZSTD_getFrameContentSize(file.data(), file.size());
    if (content == ZSTD_CONTENTSIZE_ERROR || content == ZSTD_CONTENTSIZE_UNKNOWN)
        return std::string("the zstd frame does not record its content's size");
    if (size && content != *size)
        return "it holds " + std::to_string(content) + " bytes, not " + std::to_string(*size);
    const std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
    if (!dctx) throw StoreError("zstd: cannot create a decompression context");
    Bytes piece(ZSTD_DStreamOutSize());
    Sha256Stream hash;
    ZSTD_inBuffer in{file.data(), file.size(), 0};
    uint64_t total = 0;
    for (;;) {
        ZSTD_outBuffer out{piece.data(), piece.size(), 0};
        const size_t left = ZSTD_decompressStream(dctx.get(), &out, &in);
        if (ZSTD_isError(left)) return std::string("corrupt zstd frame (") + ZSTD_getErrorName(left) + ")";
        hash.update({piece.data(), out.pos});
        total += out.pos;
        if (total > content) return std::string("the frame holds more than its recorded size");
        if (left == 0) break;
        if (in.pos == in.size && out.pos < out.size) return std::string("the zstd frame is truncated");
    }
    if (total != content) return std::string("the frame holds less than its recorded size");
    if (hash.finish() != digest) return "its content's SHA-256 is not " + hex(digest);
    return std::nullopt;
}

Hash file_sha256(const std::filesystem::path& path, bool* present) {
    std::ifstream f(path, std::ios::binary);
    *present = static_cast<bool>(f);
    Sha256Stream hash;
    std::vector<char> piece(1 << 16);
    while (f) {
        f.read(piece.data(), static_cast<std::streamsize>(piece.size()));
        hash.update({reinterpret_cast<const uint8_t*>(piece.data()), static_cast<size_t>(f.gcount())});
    }
    return hash.finish();
}

}  // namespace

Hash Store::put_checkpoint_file(const Hash& digest, std::span<const uint8_t> file,
                                std::optional<uint64_t> size) {
    const auto path = checkpoint_path(digest);
    if (const auto why = frame_mismatch(file, digest, size))
        throw StoreError(path.string() + ": error: refused checkpoint file: " + *why);
    const Hash file_digest = sha256(file);
    bool present = false;
    if (file_sha256(path, &present) != file_digest || !present) {
        AtomicFile out(path, partial_dir());
        out.write(file);
        out.commit();
    }
    const auto recorded = checkpoint_file_digest(digest);
    if (!recorded) {
        pending_files_[digest] = file_digest;
    } else if (*recorded != file_digest) {  // another encoding of the same content replaced a damaged file
        Statement st(db_, "UPDATE checkpoint_files SET file_sha256 = ? WHERE digest = ?");
        st.bind(1, file_digest).bind(2, digest);
        st.step();
    }
    return file_digest;
}

void Store::record_checkpoint_files() {
    if (pending_files_.empty()) return;
    exec("BEGIN IMMEDIATE");
    try {
        for (const auto& [digest, file] : pending_files_) {
            Statement st(db_, "INSERT OR REPLACE INTO checkpoint_files (digest, file_sha256) VALUES (?, ?)");
            st.bind(1, digest).bind(2, file);
            st.step();
        }
        exec("COMMIT");
        pending_files_.clear();
    } catch (...) {
        rollback_quietly();
        throw;
    }
}

std::optional<Hash> Store::intact_checkpoint_file(const Hash& digest) const {
    std::optional<Hash> expected;
    if (const auto it = pending_files_.find(digest); it != pending_files_.end())
        expected = it->second;
    else
        expected = checkpoint_file_digest(digest);
    if (!expected) return std::nullopt;
    bool present = false;
    const Hash actual = file_sha256(checkpoint_path(digest), &present);
    return present && actual == *expected ? expected : std::nullopt;
}

std::optional<Bytes> Store::checkpoint(const Hash& digest) const {
    const auto path = checkpoint_path(digest);
    std::ifstream f(path, std::ios::binary);
    if (!f) return std::nullopt;
    const Bytes compressed{std::istreambuf_iterator<char>(f), {}};
    return decompress_checkpoint(compressed, path);
}

Bytes Store::decompress_checkpoint(std::span<const uint8_t> file, const std::filesystem::path& path) {
    const auto size = ZSTD_getFrameContentSize(file.data(), file.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (uint64_t{1} << 34))
        throw StoreError(path.string() + ": error: not a zstd frame");
    Bytes out(static_cast<size_t>(size));
    // One decompression context per thread (ZSTD_decompress makes and frees one per call, which
    // costs more than decompressing a small checkpoint).
    thread_local const std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(),
                                                                               ZSTD_freeDCtx);
    if (!dctx) throw StoreError("zstd: cannot create a decompression context");
    const size_t n = ZSTD_decompressDCtx(dctx.get(), out.data(), out.size(), file.data(), file.size());
    if (ZSTD_isError(n) || n != out.size())
        throw StoreError(path.string() + ": error: corrupt checkpoint (" +
                         std::string(ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch") + ")");
    return out;
}

std::filesystem::path Store::partial_dir() const {
    const auto tmp = dir_ / "checkpoints" / ".partial";
    create_private_directories(tmp);
    return tmp;
}

size_t Store::remove_temporary_files() {
    // Every file in checkpoints/.partial (segments/.partial) is a checkpoint (a segment state)
    // being written (AtomicFile): listing it costs what a killed writer left, not the chain's length.
    size_t removed = 0;
    for (const auto& dir : {dir_ / "checkpoints" / ".partial", dir_ / "segments" / ".partial"}) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
            std::error_code rm;
            if (entry.is_regular_file(rm) && std::filesystem::remove(entry.path(), rm)) ++removed;
        }
    }
    return removed;
}

size_t Store::remove_format_2_temporary_files() {
    // Stores of format 2 wrote a checkpoint's temporary file beside it: DIGEST.zst.XXXXXX (mkstemp).
    size_t removed = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "checkpoints", ec)) {
        const std::string name = entry.path().filename().string();
        const auto dot = name.rfind(".zst.");
        if (dot == std::string::npos || name.size() != dot + 5 + 6 || !entry.is_regular_file(ec)) continue;
        std::error_code rm;
        if (std::filesystem::remove(entry.path(), rm)) ++removed;
    }
    return removed;
}

std::filesystem::path Store::segment_state_path(const Hash& digest) const {
    return dir_ / "segments" / (hex(digest) + ".zst");
}

namespace {

/// The largest training state a segment file may decompress to (a frame's size field could ask
/// for anything).
constexpr uint64_t max_segment_state = uint64_t{1} << 34;

/// A segment state file's content, checked against its digest.
Bytes decode_segment_state(std::span<const uint8_t> file, const Hash& digest,
                           const std::filesystem::path& path) {
    const auto size = ZSTD_getFrameContentSize(file.data(), file.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > max_segment_state)
        throw StoreError(path.string() +
                         ": error: corrupt segment state (not a zstd frame recording its size)");
    Bytes out(static_cast<size_t>(size));
    const size_t n = ZSTD_decompress(out.data(), out.size(), file.data(), file.size());
    if (ZSTD_isError(n) || n != out.size())
        throw StoreError(path.string() + ": error: corrupt segment state (" +
                         std::string(ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch") + ")");
    if (sha256(out) != digest)
        throw StoreError(path.string() + ": error: corrupt segment state (its content's SHA-256 is not " +
                         hex(digest) + ")");
    return out;
}

std::optional<Bytes> read_whole_file(const std::filesystem::path& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return std::nullopt;
    return Bytes{std::istreambuf_iterator<char>(f), {}};
}

Bytes encode_indices(const std::vector<uint32_t>& indices) {
    Bytes b;
    b.reserve(indices.size() * 4);
    for (const uint32_t i : indices)
        for (int k = 3; k >= 0; --k) b.push_back(static_cast<uint8_t>(i >> (8 * k)));
    return b;
}

}  // namespace

Hash Store::put_segment_state(std::span<const uint8_t> bytes) {
    const Hash digest = sha256(bytes);
    const auto path = segment_state_path(digest);
    if (const auto existing = read_whole_file(path)) {  // content-addressed: already there, if intact
        try {
            (void)decode_segment_state(*existing, digest, path);
            return digest;
        } catch (const StoreError&) {
        }
    }
    const auto partial = dir_ / "segments" / ".partial";
    create_private_directories(partial);
    Bytes compressed(ZSTD_compressBound(bytes.size()));
    const size_t n = ZSTD_compress(compressed.data(), compressed.size(), bytes.data(), bytes.size(), 1);
    if (ZSTD_isError(n)) throw StoreError(std::string("zstd: ") + ZSTD_getErrorName(n));
    compressed.resize(n);
    AtomicFile file(path, partial);  // replaces a damaged file
    file.write(compressed);
    file.commit();
    return digest;
}

std::optional<Bytes> Store::segment_state(const Hash& digest) const {
    const auto path = segment_state_path(digest);
    const auto file = read_whole_file(path);
    if (!file) return std::nullopt;
    return decode_segment_state(*file, digest, path);
}

void Store::put_segment_leaves(const Hash& root, std::span<const Hash> leaves) {
    if (leaves.empty() || leaves.size() > uint64_t{max_segments} + 2)
        throw std::invalid_argument("segment leaves: " + std::to_string(leaves.size()) + " leaves (1 to " +
                                    std::to_string(uint64_t{max_segments} + 2) + ")");
    if (merkle_root(leaves) != root)
        throw std::invalid_argument("segment leaves: their Merkle root is not " + hex(root));
    Bytes all;
    all.reserve(leaves.size() * 32);
    for (const auto& leaf : leaves) all.insert(all.end(), leaf.begin(), leaf.end());
    Statement st(db_,
                 "INSERT INTO segment_leaves (root, leaves, kept) VALUES (?, ?, NULL) "
                 "ON CONFLICT (root) DO UPDATE SET leaves = excluded.leaves, kept = NULL");
    st.bind(1, root).bind(2, all);
    st.step();
}

std::optional<std::vector<Hash>> Store::segment_leaves(const Hash& root) const {
    Statement st(db_, "SELECT leaves FROM segment_leaves WHERE root = ?");
    st.bind(1, root);
    if (!st.step()) return std::nullopt;
    const auto b = st.blob_view(0);
    if (b.empty() || b.size() % 32 != 0)
        throw StoreError((dir_ / "chain.db").string() + ": error: the segment leaves of " + hex(root) +
                         " have " + std::to_string(b.size()) + " bytes, not a positive multiple of 32");
    std::vector<Hash> leaves(b.size() / 32);
    for (size_t i = 0; i < leaves.size(); ++i) std::memcpy(leaves[i].data(), b.data() + 32 * i, 32);
    return leaves;
}

size_t Store::drop_segment_states(const Hash& root, std::span<const uint32_t> keep) {
    const auto leaves = segment_leaves(root);
    if (!leaves) return 0;
    const std::string where = (dir_ / "chain.db").string() + ": error: ";
    // The digests still needed: every recorded root's kept leaves (all of them while `kept` is
    // NULL), this root's after this call.
    std::vector<uint32_t> kept_here;
    std::set<Hash> needed;
    {
        Statement st(db_, "SELECT root, leaves, kept FROM segment_leaves");
        while (st.step()) {
            const auto r = st.hash(0);
            const auto b = st.blob_view(1);
            const size_t count = b.size() / 32;
            auto leaf = [&](size_t i) {
                Hash h;
                std::memcpy(h.data(), b.data() + 32 * i, 32);
                return h;
            };
            std::vector<uint32_t> kept;
            if (st.is_null(2)) {
                for (size_t i = 0; i < count; ++i) kept.push_back(static_cast<uint32_t>(i));
            } else {
                const auto k = st.blob_view(2);
                if (k.size() % 4 != 0)
                    throw StoreError(where + "the kept segment indices of " + (r ? hex(*r) : "a root") +
                                     " are malformed");
                for (size_t i = 0; i + 4 <= k.size(); i += 4)
                    kept.push_back((uint32_t{k[i]} << 24) | (uint32_t{k[i + 1]} << 16) |
                                   (uint32_t{k[i + 2]} << 8) | uint32_t{k[i + 3]});
            }
            if (r == root) {
                const std::set<uint32_t> asked(keep.begin(), keep.end());
                for (const uint32_t i : kept)
                    if (asked.contains(i)) kept_here.push_back(i);
                kept = kept_here;
            }
            for (const uint32_t i : kept)
                if (i < count) needed.insert(leaf(i));
        }
    }
    size_t removed = 0;
    for (const auto& digest : std::set<Hash>(leaves->begin(), leaves->end())) {
        if (needed.contains(digest)) continue;
        std::error_code ec;
        if (std::filesystem::remove(segment_state_path(digest), ec)) ++removed;
    }
    Statement st(db_, "UPDATE segment_leaves SET kept = ? WHERE root = ?");
    st.bind(1, encode_indices(kept_here)).bind(2, root);
    st.step();
    return removed;
}

std::optional<SegmentOpening> open_segment(const Store& store, const Hash& root, uint32_t index,
                                           bool with_state) {
    const auto leaves = store.segment_leaves(root);
    if (!leaves || index >= leaves->size()) return std::nullopt;
    SegmentOpening o;
    o.leaf = (*leaves)[index];
    o.proof = merkle_proof(*leaves, index);
    if (with_state) {
        auto state = store.segment_state(o.leaf);
        if (!state) return std::nullopt;
        o.state = std::move(*state);
    }
    return o;
}

void write_file_atomically(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
    AtomicFile f(path);
    f.write(bytes);
    f.commit();
}

}  // namespace trainchain::runtime
