// tests/unit/runtime/runtime_tamper_test.cpp - tampering with a stored chain: one changed byte at a time, on
// a fresh copy of the chain directory, in every stored column of every block, vote and node row (through the
// SQLite C API) and in every checkpoint file; `verify` must name the changed block. A last, informational
// case lists what verify does not cover (caches and configuration).
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>
#include <variant>

#include "runtime_support.hpp"
#include "trainchain/runtime/chain.hpp"

using namespace trainchain::runtime;
using trainchain::test::epoch_result;
using trainchain::test::Redo;
using trainchain::test::small_config;
using trainchain::test::tamper_block;
using trainchain::test::TempDir;
namespace fs = std::filesystem;
namespace vm = trainchain::vm;

namespace {

/// The base chain: 5 nodes; genesis 0, registration 1, epochs 2-4, a rollback 5 (to 3), epoch 6.
struct BaseChain {
    TempDir tmp;
    fs::path dir;
    std::vector<Block> blocks;
    BaseChain() : dir{tmp.path / "base"} {
        auto c = Chain::init(dir, small_config(5), ChainOptions{{}, 2, {}, {}, {}, {}, {}, {}, {}});
        const double acc[] = {0.5, 0.8, 0.6};
        for (uint64_t e = 0; e < 3; ++e)
            REQUIRE(c->append_epoch(epoch_result(e + 1, acc[e], 0.3, 320)).accepted);
        REQUIRE(c->rollback(std::nullopt, "tamper test").target == 3);
        REQUIRE(c->append_epoch(epoch_result(4, 0.7, 0.2, 320)).accepted);
        blocks = c->store().blocks();  // with their votes (the chain in memory holds none)
        REQUIRE(blocks.size() == 7);
        c.reset();  // closes the database: the WAL is checkpointed into chain.db
        REQUIRE(verify(*Store::open(dir)).ok);
    }
};

BaseChain& base() {
    static BaseChain b;
    return b;
}

/// A fresh copy of the base chain directory, removed at the end of its scope.
struct Copy {
    TempDir tmp;
    fs::path dir;
    Copy() : tmp{trainchain::test::scratch_root()}, dir{tmp.path / "chain"} {
        fs::copy(base().dir, dir, fs::copy_options::recursive);
    }
};

/// A raw SQLite connection to a copy's database.
class Db {
public:
    explicit Db(const fs::path& dir) {
        REQUIRE(sqlite3_open_v2((dir / "chain.db").c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) ==
                SQLITE_OK);
        // The copy is thrown away: no need to wait for the disk.
        sqlite3_exec(db_, "PRAGMA synchronous=OFF", nullptr, nullptr, nullptr);
    }
    ~Db() { sqlite3_close(db_); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    /// Runs `sql` with blob/integer parameters; returns the SQLite result code of the step.
    int run(const std::string& sql,
            const std::vector<std::variant<int64_t, Bytes, std::string>>& params = {}) {
        sqlite3_stmt* st = nullptr;
        REQUIRE_MESSAGE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK,
                        sqlite3_errmsg(db_));
        for (size_t i = 0; i < params.size(); ++i) {
            const int at = static_cast<int>(i + 1);
            if (const auto* v = std::get_if<int64_t>(&params[i])) sqlite3_bind_int64(st, at, *v);
            if (const auto* b = std::get_if<Bytes>(&params[i])) {
                if (b->empty())  // an empty blob, not NULL (which a null data pointer would bind)
                    sqlite3_bind_zeroblob(st, at, 0);
                else
                    sqlite3_bind_blob(st, at, b->data(), static_cast<int>(b->size()), SQLITE_TRANSIENT);
            }
            if (const auto* s = std::get_if<std::string>(&params[i]))
                sqlite3_bind_text(st, at, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
        }
        int rc = sqlite3_step(st);
        while (rc == SQLITE_ROW) rc = sqlite3_step(st);
        sqlite3_finalize(st);
        return rc;
    }

    /// Every row of a query, each column as bytes (integers as their decimal text).
    std::vector<std::vector<Bytes>> rows(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        std::vector<std::vector<Bytes>> out;
        while (sqlite3_step(st) == SQLITE_ROW) {
            std::vector<Bytes> row;
            for (int c = 0; c < sqlite3_column_count(st); ++c) {
                const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st, c));
                row.emplace_back(p, p + sqlite3_column_bytes(st, c));
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(st);
        return out;
    }

    int64_t integer(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        const int64_t v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
    }

private:
    sqlite3* db_ = nullptr;
};

/// Replaces a file's bytes.
void write_file(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

/// A file's bytes.
Bytes read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes{std::istreambuf_iterator<char>(in), {}};
}

int64_t as_int(const Bytes& text) { return std::stoll(std::string(text.begin(), text.end())); }

/// What verify (and, before it, opening the store) said about a copy.
struct Outcome {
    bool ok = true;            ///< verify passed
    bool open_failed = false;  ///< Store::open threw
    std::optional<uint64_t> height;
    Reject code = Reject::None;  ///< verify's reject code (None when it passed or open failed)
    std::string reason;

    /// The failure names block `h`: as the bad height, or in the message ("block h:").
    [[nodiscard]] bool names(uint64_t h) const {
        if (ok) return false;
        if (height) return *height == h;
        return reason.find("block " + std::to_string(h) + ":") != std::string::npos;
    }
    [[nodiscard]] std::string describe() const {
        if (ok) return "verify passed";
        return (open_failed ? "open failed: "
                : height    ? "block " + std::to_string(*height) + ": "
                            : "") +
               reason;
    }
};

Outcome check(const fs::path& dir) {
    Outcome o;
    try {
        const auto store = Store::open(dir);
        const auto r = verify(*store);
        o.ok = r.ok;
        o.height = r.bad_height;
        o.code = r.code;
        o.reason = r.reason;
    } catch (const std::exception& e) {
        o.ok = false;
        o.open_failed = true;
        o.reason = e.what();
    }
    return o;
}

/// True when the copy also fails to open as a Chain (which loads node keys, VM state, contracts),
/// with the base chain's key files.
bool chain_open_fails(const fs::path& dir) {
    try {
        ChainOptions options;
        options.server_key_file = default_key_paths(base().dir).server;
        options.node_key_file = default_key_paths(base().dir).nodes;
        Chain::open(dir, options);
        return false;
    } catch (const std::exception&) {
        return true;
    }
}

/// Collects the modifications that were not detected as expected.
struct Tally {
    size_t tried = 0;
    std::vector<std::string> missed;
    void record(const std::string& what, const Outcome& o, uint64_t expected) {
        ++tried;
        if (!o.names(expected))
            missed.push_back(what + ": expected block " + std::to_string(expected) + ", got " + o.describe());
    }
    void report(const char* title) const {
        std::ostringstream s;
        s << title << ": " << tried << " single-byte modifications, " << missed.size()
          << " not detected at the right block";
        for (size_t i = 0; i < missed.size() && i < 20; ++i) s << "\n  " << missed[i];
        MESSAGE(s.str());
        CHECK(tried > 0);
        CHECK(missed.empty());
    }
};

/// Flips byte `at` of a blob column in one row, on a fresh copy, and checks the copy.
/// Flips byte `at` of a blob column in one row of the copy in `dir`.
void flip_in(const fs::path& dir, const std::string& table, const std::string& column,
             const std::string& where, size_t at, uint8_t mask = 0x01) {
    Db db(dir);
    const auto rows = db.rows("SELECT " + column + " FROM " + table + " WHERE " + where);
    REQUIRE(rows.size() == 1);
    Bytes value = rows[0][0];
    REQUIRE(at < value.size());
    value[at] ^= mask;
    REQUIRE(db.run("UPDATE " + table + " SET " + column + " = ? WHERE " + where, {value}) == SQLITE_DONE);
}

Outcome flip_blob(const std::string& table, const std::string& column, const std::string& where, size_t at,
                  uint8_t mask) {
    Copy copy;
    flip_in(copy.dir, table, column, where, at, mask);
    return check(copy.dir);
}

/// Flips one bit of the low byte of an integer column (the first flip the table's keys allow);
/// nullopt when every flip collides with a key.
std::optional<Outcome> flip_integer(const std::string& table, const std::string& column,
                                    const std::string& where, std::string* what = nullptr) {
    for (int bit = 0; bit < 8; ++bit) {
        Copy copy;
        int rc = 0;
        {
            Db db(copy.dir);
            rc = db.run("UPDATE " + table + " SET " + column + " = (" + column + " | ?1) - (" + column +
                            " & ?1) WHERE " + where,
                        {int64_t{1} << bit});
        }
        if (rc == SQLITE_CONSTRAINT) continue;
        REQUIRE(rc == SQLITE_DONE);
        if (what) *what = column + " ^= " + std::to_string(1 << bit);
        return check(copy.dir);
    }
    return std::nullopt;
}

/// Positions to flip in a value of `size` bytes: every `stride`-th, and always the last.
std::vector<size_t> every(size_t size, size_t stride = 1) {
    std::vector<size_t> p;
    for (size_t i = 0; i < size; i += stride) p.push_back(i);
    if (size > 0 && p.back() != size - 1) p.push_back(size - 1);
    return p;
}

}  // namespace

TEST_CASE("tamper: the base chain verifies and copies verify") {
    CHECK(check(base().dir).ok);
    Copy c;
    CHECK(check(c.dir).ok);
    Db db(c.dir);
    CHECK(db.integer("SELECT COUNT(*) FROM blocks") == 7);
    CHECK(db.integer("SELECT COUNT(*) FROM nodes") == 5);
    CHECK(db.integer("SELECT COUNT(*) FROM votes") >= 6 * 3);
}

TEST_CASE("tamper: every byte of every block row's hash, header and payload") {
    Tally tally;
    for (const auto& b : base().blocks) {
        const uint64_t h = b.header.height;
        const std::string where = "height = " + std::to_string(h);
        const std::pair<const char*, size_t> columns[] = {
            {"hash", 32}, {"header", BlockHeader::encoded_size}, {"payload", b.payload.encode().size()}};
        for (const auto& [column, size] : columns) {
            for (size_t at : every(size)) {
                // One bit, and the whole byte.
                for (uint8_t mask : {uint8_t{0x01}, uint8_t{0xff}}) {
                    if (mask == 0xff && at % 13 != 0) continue;  // whole-byte flips on a sample
                    tally.record(
                        std::string(column) + "[" + std::to_string(at) + "] of block " + std::to_string(h),
                        flip_blob("blocks", column, where, at, mask), h);
                }
            }
        }
    }
    tally.report("blocks");
}

TEST_CASE("tamper: every byte of every vote's signature, and its accept and node columns") {
    Tally tally;
    Copy probe;
    const auto votes = Db(probe.dir).rows("SELECT height, node FROM votes ORDER BY height, node");
    REQUIRE(votes.size() >= 18);
    for (const auto& v : votes) {
        const int64_t h = as_int(v[0]), node = as_int(v[1]);
        const std::string where = "height = " + std::to_string(h) + " AND node = " + std::to_string(node);
        const std::string name = " of node " + std::to_string(node) + "'s vote on block " + std::to_string(h);
        for (size_t at : every(64, 8))
            tally.record("signature[" + std::to_string(at) + "]" + name,
                         flip_blob("votes", "signature", where, at, 0x01), static_cast<uint64_t>(h));
        for (const char* column : {"accept", "node"}) {
            std::string what;
            const auto o = flip_integer("votes", column, where, &what);
            REQUIRE_MESSAGE(o, column << name << ": every bit flip collides with a key");
            tally.record(what + name, *o, static_cast<uint64_t>(h));
        }
        // A whole different value in the node column: an unregistered node.
        Copy c;
        {
            Db db(c.dir);
            REQUIRE(db.run("UPDATE votes SET node = node + 128 WHERE " + where) == SQLITE_DONE);
        }
        tally.record("node += 128" + name, check(c.dir), static_cast<uint64_t>(h));
    }
    tally.report("votes");
}

TEST_CASE("tamper: every byte of every node's public key") {
    Tally tally;
    for (int node = 0; node < 5; ++node)
        for (size_t at : every(32))
            // The registration block (height 1) commits to the node keys.
            tally.record("public_key[" + std::to_string(at) + "] of node " + std::to_string(node),
                         flip_blob("nodes", "public_key", "idx = " + std::to_string(node), at, 0x01), 1);
    // A node's index moved out of the contiguous range.
    Copy c;
    {
        Db db(c.dir);
        REQUIRE(db.run("UPDATE nodes SET idx = 9 WHERE idx = 4") == SQLITE_DONE);
    }
    tally.record("node index 4 -> 9", check(c.dir), 1);
    tally.report("nodes");
}

TEST_CASE("tamper: every byte of every checkpoint file (zstd)") {
    // Each file belongs first to the epoch block that stored it.
    std::map<fs::path, uint64_t> files;
    Copy probe;
    for (const auto& b : base().blocks)
        if (b.payload.kind == BlockKind::Epoch)
            files.emplace(fs::path("checkpoints") / (hex(b.payload.checkpoint) + ".zst"), b.header.height);
    REQUIRE(files.size() == 4);
    Tally tally;
    bool first = true;
    for (const auto& [file, height] : files) {
        const Bytes original = read_file(base().dir / file);
        REQUIRE(!original.empty());
        // Every byte of the first file, every fifth of the others (the next case tries every bit).
        const size_t stride = first ? 1 : 5;
        first = false;
        for (size_t at : every(original.size(), stride)) {
            Copy c;
            Bytes bytes = original;
            bytes[at] ^= 0x01;
            write_file(c.dir / file, bytes);
            tally.record(file.filename().string().substr(0, 12) + "[" + std::to_string(at) + "] ^ 1",
                         check(c.dir), height);
        }
        // Truncated, extended and missing files too.
        for (int change = 0; change < 3; ++change) {
            Copy c;
            if (change == 2) {
                fs::remove(c.dir / file);
            } else {
                Bytes bytes = original;
                if (change == 0) bytes.pop_back();
                if (change == 1) bytes.push_back(0);
                write_file(c.dir / file, bytes);
            }
            tally.record(file.filename().string().substr(0, 12) + (change == 0   ? " truncated"
                                                                   : change == 1 ? " extended"
                                                                                 : " missing"),
                         check(c.dir), height);
        }
    }
    tally.report("checkpoints");
}

TEST_CASE("tamper: every byte of the recorded checkpoint file digests") {
    // checkpoint_files (digest, file_sha256): the SHA-256 of each stored zstd file.
    std::map<std::string, uint64_t> first_use;  // hex digest -> the epoch block that stored it
    for (const auto& b : base().blocks)
        if (b.payload.kind == BlockKind::Epoch) first_use.emplace(hex(b.payload.checkpoint), b.header.height);
    Copy probe;
    const auto rows = Db(probe.dir).rows("SELECT digest FROM checkpoint_files");
    REQUIRE(rows.size() == first_use.size());
    Tally tally;
    for (const auto& row : rows) {
        Hash digest;
        REQUIRE(row[0].size() == 32);
        std::copy(row[0].begin(), row[0].end(), digest.begin());
        const uint64_t height = first_use.at(hex(digest));
        const std::string where = "digest = x'" + hex(digest) + "'";
        for (const char* column : {"file_sha256", "digest"})
            for (size_t at : every(32))
                tally.record(
                    std::string(column) + "[" + std::to_string(at) + "] of " + hex(digest).substr(0, 12),
                    flip_blob("checkpoint_files", column, where, at, 0x01), height);
        Copy c;
        {
            Db db(c.dir);
            REQUIRE(db.run("DELETE FROM checkpoint_files WHERE " + where) == SQLITE_DONE);
        }
        tally.record("row of " + hex(digest).substr(0, 12) + " deleted", check(c.dir), height);
    }
    tally.report("checkpoint file digests");
}

TEST_CASE("tamper: every bit of a checkpoint file") {
    // All 8 single-bit changes of every byte of one file (zstd ignores a few bits of a frame, so the
    // content digest alone does not notice every change). The file is rewritten in one copy and
    // restored after each run of verify.
    const Block& b = base().blocks.at(2);
    Copy c;
    const auto store = Store::open(c.dir);
    const auto path = store->checkpoint_path(b.payload.checkpoint);
    const Bytes original = read_file(path);
    auto write = [&](const Bytes& bytes) { write_file(path, bytes); };
    std::vector<std::string> undetected;
    for (size_t at = 0; at < original.size(); ++at) {
        for (int bit = 0; bit < 8; ++bit) {
            Bytes bytes = original;
            bytes[at] = static_cast<uint8_t>(bytes[at] ^ (1u << bit));
            write(bytes);
            const auto r = verify(*store);
            if (r.ok || r.bad_height != 2)
                undetected.push_back("byte " + std::to_string(at) + " bit " + std::to_string(bit));
        }
    }
    write(original);
    CHECK(verify(*store).ok);
    std::ostringstream s;
    s << original.size() * 8 << " single-bit changes of a " << original.size() << "-byte zstd file, "
      << undetected.size() << " not detected at block 2:";
    for (const auto& u : undetected) s << " [" << u << "]";
    MESSAGE(s.str());
    CHECK(undetected.empty());
}

TEST_CASE("tamper: every byte of every state journal row, and of the saved VM state") {
    // A row's changes and digest: a changed byte is named at the row's block (its values before do
    // not match the world the rows before it leave, it no longer decodes, or the world after it
    // does not have the recorded digest). The saved world (accounts and storage slots): at the last
    // block, and Chain::open refuses it too.
    Tally tally;
    Copy probe;
    const auto rows = Db(probe.dir).rows("SELECT height, length(changes) FROM vm_journal ORDER BY height");
    REQUIRE(rows.size() == base().blocks.size());
    for (const auto& r : rows) {
        const int64_t h = as_int(r[0]);
        const size_t size = static_cast<size_t>(as_int(r[1]));
        const std::string where = "height = " + std::to_string(h);
        // Every byte of the small rows; the genesis and registration rows (contract code) sampled.
        for (size_t at : every(size, size > 2000 ? 97 : 1))
            tally.record("changes[" + std::to_string(at) + "] of block " + std::to_string(h),
                         flip_blob("vm_journal", "changes", where, at, 0x01), static_cast<uint64_t>(h));
        for (size_t at : every(32, 3))
            tally.record("digest[" + std::to_string(at) + "] of block " + std::to_string(h),
                         flip_blob("vm_journal", "digest", where, at, 0x01), static_cast<uint64_t>(h));
    }
    const uint64_t tip = base().blocks.size() - 1;
    size_t chain_open_refused = 0, saved_flips = 0;
    auto saved = [&](const std::string& table, const std::string& column, const std::string& where,
                     size_t at) {
        Copy c;
        flip_in(c.dir, table, column, where, at);
        tally.record(table + "." + column + "[" + std::to_string(at) + "] where " + where, check(c.dir), tip);
        ++saved_flips;
        if (chain_open_fails(c.dir)) ++chain_open_refused;
    };
    const auto slots =
        Db(probe.dir).rows("SELECT hex(address), hex(slot) FROM vm_storage ORDER BY address, slot");
    REQUIRE(slots.size() > 10);
    for (size_t i = 0; i < slots.size(); i += 3) {
        const std::string where = "address = x'" + std::string(slots[i][0].begin(), slots[i][0].end()) +
                                  "' AND slot = x'" + std::string(slots[i][1].begin(), slots[i][1].end()) +
                                  "'";
        saved("vm_storage", "value", where, 31);
        saved("vm_storage", "value", where, 0);
    }
    const auto accounts = Db(probe.dir).rows("SELECT hex(address), length(code) FROM vm_accounts");
    for (size_t i = 0; i < accounts.size(); i += 2) {
        const std::string where =
            "address = x'" + std::string(accounts[i][0].begin(), accounts[i][0].end()) + "'";
        saved("vm_accounts", "balance", where, 31);
        if (as_int(accounts[i][1]) > 0) saved("vm_accounts", "code", where, 0);
    }
    tally.report("state journal and saved state");
    CHECK(chain_open_refused == saved_flips);
}

TEST_CASE("tamper: removed and reordered rows") {
    Tally tally;
    auto with = [&](const std::string& sql, const std::string& what, uint64_t expected) {
        Copy c;
        {
            Db db(c.dir);
            REQUIRE(db.run(sql) == SQLITE_DONE);
        }
        tally.record(what, check(c.dir), expected);
    };
    with("DELETE FROM blocks WHERE height = 3", "block 3 deleted", 3);
    with("DELETE FROM votes WHERE height = 4 AND node = (SELECT MIN(node) FROM votes WHERE height = 4)",
         "a vote of block 4 deleted (blocks hold exactly a quorum)", 4);
    with("DELETE FROM votes WHERE height = 2", "all votes of block 2 deleted", 2);
    with("DELETE FROM nodes WHERE idx = 4", "node 4 deleted", 1);
    with("UPDATE blocks SET height = height + 100 WHERE height = 6", "block 6 moved to 106", 6);
    with("DELETE FROM vm_journal WHERE height = 0", "the genesis block's state journal row deleted", 1);
    with("DELETE FROM vm_journal WHERE height = 4", "block 4's state journal row deleted", 4);
    with("UPDATE vm_journal SET height = height + 100 WHERE height = 6",
         "block 6's state journal row moved to 106", 6);
    with("UPDATE vm_journal SET changes = (SELECT changes FROM vm_journal WHERE height = 2) WHERE height = 4",
         "block 2's state changes put in block 4's row", 4);
    with("DELETE FROM vm_storage WHERE (address, slot) IN (SELECT address, slot FROM vm_storage LIMIT 1)",
         "a slot of the saved VM state deleted", 6);

    // Replayed votes: node 0's signature on block 2 put on its vote for block 3, and a vote for block
    // 3 from a node that did not vote on it, carrying another node's signature.
    with(
        "UPDATE votes SET signature = (SELECT signature FROM votes WHERE height = 2 AND node = 0) "
        "WHERE height = 3 AND node = 0",
        "node 0's vote on block 2 replayed on block 3", 3);
    with(
        "INSERT INTO votes SELECT height, (SELECT MAX(idx) FROM nodes), accept, signature FROM votes "
        "WHERE height = 3 AND node = 0",
        "a copied vote for block 3 from a node that did not vote", 3);
    tally.report("rows");
}

TEST_CASE("tamper: what verify does not cover (informational, nothing asserted)") {
    // Every stored byte outside the columns above, changed one at a time; the outcome is listed, not
    // asserted: these are caches (gas records, the saved VM state) and configuration.
    struct Row {
        std::string what;
        size_t tried = 0, verify_detects = 0, open_detects = 0, chain_open_detects = 0;
        std::vector<std::string> unnoticed;  ///< examples that nothing noticed
    };
    std::vector<Row> table;
    auto tally = [&](Row& row, const fs::path& dir, const std::string& example = {}) {
        ++row.tried;
        const auto o = check(dir);
        if (!o.ok && !o.open_failed) ++row.verify_detects;
        if (o.open_failed) ++row.open_detects;
        if (o.ok) {
            if (chain_open_fails(dir))
                ++row.chain_open_detects;
            else if (!example.empty())
                row.unnoticed.push_back(example);
        }
    };
    auto blob_column = [&](const std::string& name, const std::string& column) {
        Row row{name, 0, 0, 0, 0, {}};
        for (int node = 0; node < 5; ++node) {
            const std::string where = "idx = " + std::to_string(node);
            for (size_t at : every(20, 4)) {
                Copy c;
                {
                    Db db(c.dir);
                    Bytes v = db.rows("SELECT " + column + " FROM nodes WHERE " + where).at(0).at(0);
                    v.at(at) ^= 0x01;
                    REQUIRE(db.run("UPDATE nodes SET " + column + " = ? WHERE " + where, {v}) == SQLITE_DONE);
                }
                tally(row, c.dir);
            }
        }
        table.push_back(row);
    };
    blob_column("nodes.contract (each node's Node contract address)", "contract");

    auto meta_value = [&](const std::string& name, const std::string& key, size_t stride) {
        Row row{name, 0, 0, 0, 0, {}};
        Copy probe;
        const Bytes original =
            Db(probe.dir).rows("SELECT value FROM meta WHERE key = '" + key + "'").at(0).at(0);
        for (size_t at = 0; at < original.size(); at += stride) {
            Copy c;
            std::string example;
            {
                Db db(c.dir);
                Bytes v = original;
                v[at] ^= 0x01;
                REQUIRE(db.run("UPDATE meta SET value = ? WHERE key = ?", {v, key}) == SQLITE_DONE);
                if (key == "config") {
                    example = std::string(v.begin(), v.end());
                    example = "..." + example.substr(at < 12 ? 0 : at - 12, 24) + "...";
                }
            }
            tally(row, c.dir, example);
        }
        table.push_back(row);
    };
    meta_value("meta 'config' (JSON: nodes, difficulty, fork, run id, quorum)", "config", 1);
    meta_value("meta 'contracts' (JSON: contract addresses, sampled)", "contracts", 3);
    meta_value("meta 'server_public_key' (the key the run was made with, hex)", "server_public_key", 7);
    meta_value("meta 'node_keys' (in-process or external)", "node_keys", 1);

    {
        Row row{"gas rows (height, contract, function, gas_used, success)", 0, 0, 0, 0, {}};
        Copy probe;
        const auto ids = Db(probe.dir).rows("SELECT id FROM gas ORDER BY id");
        for (size_t i = 0; i < ids.size(); i += 5) {
            const std::string where = "id = " + std::string(ids[i][0].begin(), ids[i][0].end());
            for (const char* set :
                 {"height = (height | 1) - (height & 1)", "gas_used = (gas_used | 1) - (gas_used & 1)",
                  "success = 1 - success", "contract = 'X' || substr(contract, 2)",
                  "function = 'X' || substr(function, 2)"}) {
                Copy c;
                {
                    Db db(c.dir);
                    REQUIRE(db.run(std::string("UPDATE gas SET ") + set + " WHERE " + where) == SQLITE_DONE);
                }
                tally(row, c.dir);
            }
        }
        table.push_back(row);
    }
    {
        // With its state journal row left behind, verify names it (each rejection's case below);
        // with the row removed too, and the saved state put back as it was after block 5, nothing
        // outside the chain records its length.
        Row row{"the newest block, its votes and its state journal row removed, the saved state rolled back",
                0,
                0,
                0,
                0,
                {}};
        Copy c;
        const World before = *Store::open(c.dir)->vm_state_at(5);
        {
            Db db(c.dir);
            REQUIRE(db.run("DELETE FROM votes WHERE height = 6") == SQLITE_DONE);
            REQUIRE(db.run("DELETE FROM blocks WHERE height = 6") == SQLITE_DONE);
            REQUIRE(db.run("DELETE FROM vm_journal WHERE height = 6") == SQLITE_DONE);
            REQUIRE(db.run("DELETE FROM vm_accounts") == SQLITE_DONE);
            REQUIRE(db.run("DELETE FROM vm_storage") == SQLITE_DONE);
            const auto word = [](const vm::uint256& w) {
                Bytes b(32);
                w.to_be(b.data());
                return b;
            };
            for (const auto& [address, account] : before) {
                const Bytes a(address.bytes.begin(), address.bytes.end());
                REQUIRE(db.run("INSERT INTO vm_accounts VALUES (?, ?, ?, ?)",
                               {a, word(account.balance), static_cast<int64_t>(account.nonce),
                                account.code}) == SQLITE_DONE);
                for (const auto& [key, value] : account.storage)
                    REQUIRE(db.run("INSERT INTO vm_storage VALUES (?, ?, ?)", {a, word(key), word(value)}) ==
                            SQLITE_DONE);
            }
        }
        tally(row, c.dir);
        table.push_back(row);
    }
    {
        Row row{"an unreferenced file added to checkpoints/", 0, 0, 0, 0, {}};
        Copy c;
        std::ofstream(c.dir / "checkpoints" / (std::string(64, 'a') + ".zst")) << "junk";
        tally(row, c.dir);
        table.push_back(row);
    }

    {
        // Tables this test file does not know (a newer store layout) are listed for a human to check.
        Copy probe;
        const std::set<std::string> known = {
            "meta",       "blocks",      "votes",     "nodes", "gas", "checkpoint_files", "sqlite_sequence",
            "vm_journal", "vm_accounts", "vm_storage"};
        for (const auto& t : Db(probe.dir).rows("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            const std::string name(t[0].begin(), t[0].end());
            if (!known.count(name))
                table.push_back(Row{"table '" + name + "': not examined by these tests", 0, 0, 0, 0, {}});
        }
    }
    std::ostringstream s;
    s << "stored bytes outside the verified columns (tried / verify detects / Store::open fails / only "
         "Chain::open "
         "fails):";
    for (const auto& r : table)
        s << "\n  " << r.what << ": " << r.tried << " / " << r.verify_detects << " / " << r.open_detects
          << " / " << r.chain_open_detects;
    for (const auto& r : table)
        for (const auto& u : r.unnoticed) s << "\n  unnoticed: " << u;
    MESSAGE(s.str());
}

namespace {

/// Rewrites block `height` of a copy as `tamper` changes it, consistently: the payload root
/// recomputed, the header re-mined, the stored hash the header's, and its votes signed again with
/// the in-process nodes' own keys (from the base chain's node key file: whoever can read it can
/// sign as the nodes). Only the rule the change breaks is broken (and the next block's link, which
/// verify reaches later).
void rewrite(const fs::path& dir, uint64_t height, const std::function<void(Block&)>& tamper,
             Redo redo = {}) {
    Block b = Store::open(dir)->blocks().at(height);
    tamper_block(b, tamper, redo, trainchain::test::node_keys_of(base().dir));
    const Hash hash = b.hash();
    const auto header = b.header.encode();
    Db db(dir);
    REQUIRE(db.run("UPDATE blocks SET hash = ?, header = ?, payload = ? WHERE height = ?",
                   {Bytes(hash.begin(), hash.end()), Bytes(header.begin(), header.end()), b.payload.encode(),
                    static_cast<int64_t>(height)}) == SQLITE_DONE);
    for (const auto& v : b.votes)
        REQUIRE(db.run("UPDATE votes SET signature = ? WHERE height = ? AND node = ?",
                       {Bytes(v.signature.begin(), v.signature.end()), static_cast<int64_t>(height),
                        static_cast<int64_t>(v.node)}) == SQLITE_DONE);
}

/// The checkpoint file of block `height` of a copy.
fs::path checkpoint_file_of(const fs::path& dir, uint64_t height) {
    return dir / "checkpoints" / (hex(base().blocks.at(height).payload.checkpoint) + ".zst");
}

/// Records a checkpoint file's digest in checkpoint_files, as if the file had been written so.
void record_file_digest(const fs::path& dir, uint64_t height, const Bytes& file) {
    const Hash digest = base().blocks.at(height).payload.checkpoint;
    const Hash file_digest = sha256(file);
    REQUIRE(Db(dir).run("UPDATE checkpoint_files SET file_sha256 = ? WHERE digest = ?",
                        {Bytes(file_digest.begin(), file_digest.end()),
                         Bytes(digest.begin(), digest.end())}) == SQLITE_DONE);
}

}  // namespace

TEST_CASE("tamper: each rejection verify can give, with its reject code and block") {
    struct Case {
        const char* what;
        std::function<void(const fs::path&)> tamper;
        Reject code;
        std::optional<uint64_t> height;  ///< the bad block; nullopt when verify names none
    };
    auto sql = [](std::string statement) {
        return [statement](const fs::path& dir) { REQUIRE(Db(dir).run(statement) == SQLITE_DONE); };
    };
    auto block = [](uint64_t height, std::function<void(Block&)> tamper, Redo redo = {}) {
        return [=](const fs::path& dir) { rewrite(dir, height, tamper, redo); };
    };
    const unsigned bits = base().blocks.at(0).header.difficulty_bits;
    const std::vector<Case> cases{
        {"a header cut short", sql("UPDATE blocks SET header = substr(header, 1, 91) WHERE height = 3"),
         Reject::StoreUnreadable, std::nullopt},
        {"every block deleted", sql("DELETE FROM blocks"), Reject::NoBlocks, std::nullopt},
        {"node index 4 -> 9", sql("UPDATE nodes SET idx = 9 WHERE idx = 4"), Reject::NodeIndex, 1},
        {"node 4 deleted", sql("DELETE FROM nodes WHERE idx = 4"), Reject::NodeCount, 1},
        {"block 3 deleted", sql("DELETE FROM blocks WHERE height = 3"), Reject::HeightGap, 3},
        {"the header's height byte",
         [](const fs::path& dir) { flip_in(dir, "blocks", "header", "height = 3", 7); }, Reject::HeaderHeight,
         3},
        {"the stored hash", [](const fs::path& dir) { flip_in(dir, "blocks", "hash", "height = 3", 0); },
         Reject::StoredHash, 3},
        {"the previous hash", block(3, [](Block& b) { b.header.prev[7] ^= 1; }), Reject::PrevBlock, 3},
        {"the accuracy, root kept",
         block(
             3, [](Block& b) { b.payload.accuracy = 0.99; }, Redo{false, true, true}),
         Reject::PayloadRoot, 3},
        {"one more difficulty bit", block(3, [](Block& b) { ++b.header.difficulty_bits; }), Reject::DiffBits,
         3},
        {"a nonce that misses the difficulty",
         block(
             3,
             [bits](Block& b) {
                 for (b.header.nonce = 0; check_proof_of_work(b.hash(), bits);) ++b.header.nonce;
             },
             Redo{true, false, true}),
         Reject::HighHash, 3},
        {"time before the previous block",
         block(3, [](Block& b) { b.header.timestamp_ms = base().blocks[2].header.timestamp_ms - 1; }),
         Reject::TimeTooOld, 3},
        {"another run id", block(3, [](Block& b) { b.payload.run_id ^= 1; }), Reject::RunId, 3},
        {"a registration block at height 2",
         block(2, [](Block& b) { b.payload.kind = BlockKind::Registration; }), Reject::Kind, 2},
        {"a vote on the genesis block",
         sql("INSERT INTO votes SELECT 0, node, accept, signature FROM votes WHERE height = 2"),
         Reject::GenesisVotes, 0},
        {"another configuration in the genesis note", block(0, [](Block& b) { b.payload.note += " "; }),
         Reject::GenesisConfig, 0},
        {"a node's public key",
         [](const fs::path& dir) { flip_in(dir, "nodes", "public_key", "idx = 2", 0); }, Reject::NodeKeys, 1},
        {"a vote from node 132",
         sql("UPDATE votes SET node = node + 128 WHERE height = 4 AND node = "
             "(SELECT MIN(node) FROM votes WHERE height = 4)"),
         Reject::VoteNode, 4},
        {"a vote signature",
         sql("UPDATE votes SET signature = (SELECT signature FROM votes WHERE height = 2 "
             "AND node = 0) WHERE height = 3 AND node = 0"),
         Reject::VoteSignature, 3},
        {"all votes of block 2 deleted", sql("DELETE FROM votes WHERE height = 2"), Reject::VoteQuorum, 2},
        {"a rollback to the registration block", block(5, [](Block& b) { b.payload.target_height = 1; }),
         Reject::RollbackTarget, 5},
        {"a rollback naming another epoch's checkpoint",
         block(5, [](Block& b) { b.payload.target_height = 4; }), Reject::RollbackCheckpoint, 5},
        {"an epoch block carrying the rollback's proposals",
         block(4, [](Block& b) { b.payload.proposals = base().blocks[5].payload.proposals; }),
         Reject::ProposalUnexpected, 4},
        {"a rollback block carrying a segment commitment, the block re-mined",
         block(5,
               [](Block& b) {
                   b.payload.segments = SegmentCommitment{8, 3, sha256(Bytes{1})};
               }),
         Reject::SegmentsUnexpected, 5},
        {"a segment commitment added to an epoch block, root kept",
         block(
             4,
             [](Block& b) {
                 b.payload.segments = SegmentCommitment{8, 3, sha256(Bytes{1})};
             },
             Redo{false, true, true}),
         Reject::PayloadRoot, 4},
        {"the rollback's proposals removed", block(5, [](Block& b) { b.payload.proposals.clear(); }),
         Reject::ProposalMissing, 5},
        {"the rollback's failing block past it", block(5, [](Block& b) { b.payload.failing_height = 6; }),
         Reject::ProposalFailing, 5},
        {"a proposal from node 9", block(5, [](Block& b) { b.payload.proposals.at(1).node = 9; }),
         Reject::ProposalNode, 5},
        {"a proposal repeated",
         block(5, [](Block& b) { b.payload.proposals.push_back(b.payload.proposals.at(0)); }),
         Reject::ProposalDuplicate, 5},
        {"a proposal naming a later block",
         block(5, [](Block& b) { b.payload.proposals.at(0).target_height = 6; }), Reject::ProposalTarget, 5},
        {"a proposal's signature, the block re-mined",
         block(5, [](Block& b) { b.payload.proposals.at(4).signature[10] ^= 1; }), Reject::ProposalSignature,
         5},
        {"two of five proposals kept", block(5, [](Block& b) { b.payload.proposals.resize(2); }),
         Reject::ProposalMajority, 5},
        {"a checkpoint file removed", [](const fs::path& dir) { fs::remove(checkpoint_file_of(dir, 2)); },
         Reject::CheckpointMissing, 2},
        {"a checkpoint file's byte",
         [](const fs::path& dir) {
             auto bytes = read_file(checkpoint_file_of(dir, 2));
             bytes.at(bytes.size() / 2) ^= 1;
             write_file(checkpoint_file_of(dir, 2), bytes);
         },
         Reject::CheckpointFile, 2},
        {"another checkpoint's file, its digest recorded",
         [](const fs::path& dir) {
             const auto other = read_file(checkpoint_file_of(dir, 3));
             write_file(checkpoint_file_of(dir, 2), other);
             record_file_digest(dir, 2, other);
         },
         Reject::CheckpointDigest, 2},
        {"the checkpoint size in the payload", block(2, [](Block& b) { ++b.payload.checkpoint_size; }),
         Reject::CheckpointSize, 2},
        {"a checkpoint file that is not zstd, its digest recorded",
         [](const fs::path& dir) {
             const Bytes junk(64, 0x5a);
             write_file(checkpoint_file_of(dir, 2), junk);
             record_file_digest(dir, 2, junk);
         },
         Reject::CheckpointUnreadable, 2},
        {"the last block's state journal row deleted", sql("DELETE FROM vm_journal WHERE height = 6"),
         Reject::StateMissing, 6},
        {"the newest block and its votes removed, its state journal row left",
         [](const fs::path& dir) {
             Db db(dir);
             REQUIRE(db.run("DELETE FROM votes WHERE height = 6") == SQLITE_DONE);
             REQUIRE(db.run("DELETE FROM blocks WHERE height = 6") == SQLITE_DONE);
         },
         Reject::StateHeight, 6},
        {"block 3's state journal row deleted", sql("DELETE FROM vm_journal WHERE height = 3"),
         Reject::StateChanges, 3},
        {"a byte of block 4's state digest",
         [](const fs::path& dir) { flip_in(dir, "vm_journal", "digest", "height = 4", 0); },
         Reject::StateDigest, 4},
        {"a slot of the saved VM state",
         sql("UPDATE vm_storage SET value = zeroblob(31) || x'07' WHERE (address, slot) IN (SELECT address, "
             "slot "
             "FROM vm_storage LIMIT 1)"),
         Reject::StateSaved, 6},
    };
    std::set<Reject> seen;
    for (const auto& c : cases) {
        Copy copy;
        c.tamper(copy.dir);
        const auto o = check(copy.dir);
        INFO(c.what << ": " << o.describe() << " [" << std::string(reject_token(o.code)) << "]");
        CHECK_FALSE(o.ok);
        CHECK_FALSE(o.open_failed);
        CHECK(o.code == c.code);
        CHECK(o.height == c.height);
        seen.insert(o.code);
    }
    // Every code verify can give has a case: all but the request and claim checks, a replaying
    // node's checks (votes), a height out of place (verify finds the row out of place first), a
    // vote counted twice (the votes table's key allows one vote per node and block) and a segment
    // commitment out of bounds (the payload does not decode: bad-store).
    for (const auto& row : reject_table) {
        const bool reachable = row.result != ValidationResult::Valid &&
                               row.result != ValidationResult::Request &&
                               row.result != ValidationResult::Claim &&
                               row.result != ValidationResult::Training && row.code != Reject::Height &&
                               row.code != Reject::VoteDuplicate && row.code != Reject::SegmentCommitment;
        INFO(std::string(row.token));
        CHECK(seen.count(row.code) == (reachable ? 1u : 0u));
    }
}

TEST_CASE("json: stored bytes that are not UTF-8 still give valid JSON (history and one block)") {
    // Before: a rollback reason with a byte 0xff made history_json and block_json throw
    // (nlohmann type_error 316): `history --json` exited 1 and the API's /history and /blocks/N
    // answered 500, for that run forever.
    Copy c;
    {
        Db db(c.dir);
        const auto rows = db.rows("SELECT payload FROM blocks WHERE height = 5");
        REQUIRE(rows.size() == 1);
        Bytes payload = rows[0][0];
        // The rollback's note, "tamper test", ends before the proposals field (failing height,
        // count, 76 bytes a proposal).
        const size_t note_end = payload.size() - 12 - 76 * base().blocks[5].payload.proposals.size();
        REQUIRE(payload.at(note_end - 1) == 't');
        payload[note_end - 1] = 0xff;
        payload[note_end - 2] = 0xc3;  // and a lead byte with no continuation
        REQUIRE(db.run("UPDATE blocks SET payload = ? WHERE height = 5", {payload}) == SQLITE_DONE);
        // Gas rows hold text too.
        REQUIRE(db.run("UPDATE gas SET function = ? WHERE height = 5", {std::string("decide\xff")}) ==
                SQLITE_DONE);
    }
    const auto store = Store::open(c.dir);
    nlohmann::json history;
    REQUIRE_NOTHROW(history = nlohmann::json::parse(history_json(*store)));
    REQUIRE(history.size() == 7);
    const std::string note = history[5]["note"].get<std::string>();
    CHECK(note.rfind("tamper te", 0) == 0);
    CHECK(note.find("\xef\xbf\xbd") != std::string::npos);  // U+FFFD in place of the bad bytes
    for (uint64_t h = 0; h < 7; ++h) {
        INFO("block " << h);
        const auto block = block_json(*store, h);
        REQUIRE(block);
        nlohmann::json j;
        REQUIRE_NOTHROW(j = nlohmann::json::parse(*block));
        CHECK(j["height"] == h);
    }
    CHECK_FALSE(verify(*store).ok);  // the payload no longer matches its root
}

namespace {

/// Replaces `from` (which must be there) by `to` in the store's stored configuration (JSON text).
void rewrite_config(const fs::path& dir, const std::string& from, const std::string& to) {
    Db db(dir);
    const auto rows = db.rows("SELECT value FROM meta WHERE key = 'config'");
    REQUIRE(rows.size() == 1);
    std::string text(rows[0][0].begin(), rows[0][0].end());
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    REQUIRE(db.run("UPDATE meta SET value = ? WHERE key = 'config'", {Bytes(text.begin(), text.end())}) ==
            SQLITE_DONE);
}

}  // namespace

TEST_CASE("config: a store of another format (1: payloads without proposals) is refused when it opens") {
    for (const std::string& format : {std::string("1"), std::string("5"), std::string("\"4\"")}) {
        INFO("format " << format);
        Copy c;
        rewrite_config(c.dir, "\"format\":4", "\"format\":" + format);
        try {
            Store::open(c.dir);
            FAIL("opened");
        } catch (const StoreError& e) {
            CHECK(std::string(e.what()).find("bad configuration") != std::string::npos);
            if (format == "1")
                CHECK(std::string(e.what()).find("format 1, before rollback") != std::string::npos);
        }
    }
}

namespace {

/// Turns a copy into a store of format 2 as earlier versions wrote it: no state journal, the world
/// after the last block whole in meta `vm_state` (and, for a replica, the block it follows in meta
/// `vm_state_height`).
void make_format_2(const fs::path& dir, const Bytes& vm_state,
                   std::optional<uint64_t> replica_at = std::nullopt) {
    rewrite_config(dir, "\"format\":4", "\"format\":2");
    Db db(dir);
    for (const char* table : {"vm_journal", "vm_accounts", "vm_storage"})
        REQUIRE(db.run(std::string("DROP TABLE ") + table) == SQLITE_DONE);
    REQUIRE(db.run("INSERT INTO meta (key, value) VALUES ('vm_state', ?)", {vm_state}) == SQLITE_DONE);
    if (replica_at) {
        const std::string at = std::to_string(*replica_at);
        REQUIRE(db.run("INSERT INTO meta (key, value) VALUES ('vm_state_height', ?)",
                       {Bytes(at.begin(), at.end())}) == SQLITE_DONE);
    }
}

}  // namespace

TEST_CASE("config: a store of format 2 is migrated when it opens; the saved world starts the state journal") {
    const World tip = Store::open(base().dir)->vm_state();
    const uint64_t last = base().blocks.size() - 1;
    SUBCASE("a server's store: the journal starts at the last block, and the chain goes on") {
        Copy c;
        make_format_2(c.dir, encode_world(tip));
        // Format 2 wrote a checkpoint's temporary file beside it; a writer killed then left one.
        const auto leftover = c.dir / "checkpoints" / (std::string(64, 'e') + ".zst.a1B2c3");
        const auto other = c.dir / "checkpoints" / "README";
        std::ofstream(leftover) << "partial";
        std::ofstream(other) << "x";
        {
            const auto s = Store::open(c.dir);
            CHECK_FALSE(fs::exists(leftover));
            CHECK(fs::exists(other));
            CHECK(s->format() == 4);
            CHECK(s->state_height() == last);
            CHECK(s->raw_state_journal().size() == 1);
            CHECK(encode_world(s->vm_state()) == encode_world(tip));
            CHECK(encode_world(*s->vm_state_at(last)) == encode_world(tip));
            CHECK_FALSE(s->vm_state_at(last - 1));  // before the migration: not recorded
            CHECK_FALSE(s->meta("vm_state"));
            const auto r = verify(*s);
            INFO(r.reason);
            CHECK(r.ok);
        }
        // Opened again: nothing more to do. Then a writer continues it.
        CHECK(Store::open(c.dir)->raw_state_journal().size() == 1);
        {
            ChainOptions options;
            options.server_key_file = default_key_paths(base().dir).server;
            options.node_key_file = default_key_paths(base().dir).nodes;
            auto chain = Chain::open(c.dir, options);
            REQUIRE(chain->append_epoch(epoch_result(5, 0.75, 0.2, 320)).accepted);
        }
        const auto s = Store::open(c.dir);
        CHECK(s->raw_state_journal().size() == 2);
        CHECK(verify(*s).ok);
    }
    SUBCASE("a replica whose saved world follows an earlier block: the journal starts there") {
        Copy c;
        make_format_2(c.dir, encode_world(*Store::open(base().dir)->vm_state_at(4)), 4);
        const auto s = Store::open(c.dir);
        CHECK(s->state_height() == 4);
        CHECK_FALSE(s->meta("vm_state_height"));
        // Verify names the blocks whose state is not recorded; Chain::open refuses to continue.
        const auto r = verify(*s);
        CHECK(r.code == Reject::StateMissing);
        CHECK(r.bad_height == 5);
        CHECK(chain_open_fails(c.dir));
    }
    SUBCASE("a saved world that does not decode: refused, naming the migration, and left as it was") {
        Copy c;
        Bytes broken = encode_world(tip);
        REQUIRE(broken.size() > 5);
        broken.erase(broken.end() - 5, broken.end());  // (resize trips GCC 12's -Wstringop-overflow at -O1)
        make_format_2(c.dir, broken);
        CHECK_THROWS_WITH_AS(Store::open(c.dir),
                             doctest::Contains("cannot migrate the store from format 2 to 4"), StoreError);
        Db db(c.dir);
        CHECK(db.integer("SELECT COUNT(*) FROM meta WHERE key = 'vm_state'") == 1);
        CHECK(db.integer("SELECT COUNT(*) FROM sqlite_master WHERE name = 'vm_journal'") == 0);
    }
}

TEST_CASE("config: a store of format 3 opens as format 4, only its format rewritten; the chain goes on") {
    Copy c;
    rewrite_config(c.dir, "\"format\":4", "\"format\":3");
    REQUIRE(Db(c.dir).run("DROP TABLE segment_leaves") == SQLITE_DONE);  // format 3 had none
    const auto before = Db(c.dir).rows("SELECT height, hash, header, payload FROM blocks ORDER BY height");
    {
        const auto s = Store::open(c.dir);
        CHECK(s->format() == 4);
        CHECK(verify(*s).ok);
        CHECK_FALSE(s->segment_leaves(sha256(Bytes{1})));  // the table is there, empty
    }
    {
        Db db(c.dir);
        const auto config = db.rows("SELECT value FROM meta WHERE key = 'config'");
        REQUIRE(config.size() == 1);
        const std::string text(config[0][0].begin(), config[0][0].end());
        CHECK(text.find("\"format\":4") != std::string::npos);
        CHECK(db.rows("SELECT height, hash, header, payload FROM blocks ORDER BY height") == before);
    }
    // A writer continues it.
    ChainOptions options;
    options.server_key_file = default_key_paths(base().dir).server;
    options.node_key_file = default_key_paths(base().dir).nodes;
    auto chain = Chain::open(c.dir, options);
    REQUIRE(chain->append_epoch(epoch_result(5, 0.75, 0.2, 320)).accepted);
}

TEST_CASE("config: a stored quorum below a majority is refused when the store opens") {
    for (const int q : {1, 50, 0, 101}) {
        INFO("quorum " << q);
        Copy c;
        rewrite_config(c.dir, "\"quorum_percent\":51", "\"quorum_percent\":" + std::to_string(q));
        try {
            Store::open(c.dir);
            FAIL("opened");
        } catch (const StoreError& e) {
            CHECK(std::string(e.what()).find("quorum_percent = " + std::to_string(q)) != std::string::npos);
        }
    }
}
