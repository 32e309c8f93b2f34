// tests/unit/runtime/runtime_rebuild_test.cpp - rebuild_from: a run directory rebuilt from another
// copy of the run is the same chain, byte for byte where it counts (blocks, votes, records, state,
// checkpoint files), verifies, and can be written to again with the run's server key; a copy that
// lacks a checkpoint or the state after its last block, or holds another server key, is refused and
// leaves nothing behind.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "runtime_support.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/keys.hpp"

using namespace trainchain::runtime;
using trainchain::test::epoch_result;
using trainchain::test::small_config;
using trainchain::test::TempDir;
namespace fs = std::filesystem;

namespace {

/// A run of 5 in-process nodes: genesis, registration, epochs 1-3, a rollback, an epoch.
struct Source {
    TempDir tmp;
    fs::path dir;
    PublicKey server{};
    explicit Source() : dir{tmp.path / "src"} {
        ChainOptions o;
        o.threads = 2;
        o.run_config = "seed = 7\n";
        auto c = Chain::init(dir, small_config(5), o);
        const double acc[] = {0.5, 0.8, 0.6};
        for (uint64_t e = 0; e < 3; ++e) REQUIRE(c->append_epoch(epoch_result(e + 1, acc[e])).accepted);
        REQUIRE(c->rollback(std::nullopt, "rebuild test").target == 3);
        REQUIRE(c->append_epoch(epoch_result(3, 0.7)).accepted);
        server = c->server_public_key();
    }
};

Bytes file_bytes(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

}  // namespace

TEST_CASE("rebuild: the same chain, records, state and checkpoint files; verified; writable with the key") {
    Source s;
    const fs::path out = s.tmp.path / "out";
    RebuildReport rep;
    {
        const auto src = Store::open(s.dir);
        rep = rebuild_from(*src, out, s.server);
    }
    CHECK(rep.blocks == 7);
    CHECK(rep.checkpoints == 4);
    CHECK(rep.verify.ok);
    const auto a = Store::open(s.dir);
    const auto b = Store::open(out);
    const auto ra = a->raw_blocks(), rb = b->raw_blocks();
    REQUIRE(ra.size() == rb.size());
    for (size_t i = 0; i < ra.size(); ++i) {
        CHECK(ra[i].header == rb[i].header);
        CHECK(ra[i].payload == rb[i].payload);
    }
    const auto ba = a->blocks(), bb = b->blocks();
    for (size_t i = 0; i < ba.size(); ++i) {
        REQUIRE(ba[i].votes.size() == bb[i].votes.size());
        for (size_t v = 0; v < ba[i].votes.size(); ++v)
            CHECK(ba[i].votes[v].signature == bb[i].votes[v].signature);
        if (ba[i].payload.kind == BlockKind::Epoch)
            CHECK(file_bytes(a->checkpoint_path(ba[i].payload.checkpoint)) ==
                  file_bytes(b->checkpoint_path(bb[i].payload.checkpoint)));
        CHECK(a->gas_records(i).size() == b->gas_records(i).size());
        CHECK(a->gas_profiles(i).size() == b->gas_profiles(i).size());
    }
    CHECK(encode_world(a->vm_state()) == encode_world(b->vm_state()));
    // The state journal, row by row.
    const auto ja = a->raw_state_journal(), jb = b->raw_state_journal();
    REQUIRE(ja.size() == ra.size());
    REQUIRE(jb.size() == ja.size());
    for (size_t i = 0; i < ja.size(); ++i) {
        CHECK(ja[i].height == jb[i].height);
        CHECK(ja[i].changes == jb[i].changes);
        CHECK(ja[i].digest == jb[i].digest);
    }
    CHECK(b->meta("contracts") == a->meta("contracts"));
    CHECK(b->meta(meta_key::run_config) == std::optional<std::string>("seed = 7\n"));
    CHECK(b->meta("server_public_key") == std::optional<std::string>(hex(s.server)));
}

TEST_CASE(
    "rebuild: refused without a checkpoint, without the state after the last block, or with another key") {
    Source s;
    const fs::path out = s.tmp.path / "out";
    SUBCASE("another server key") {
        const auto src = Store::open(s.dir);
        CHECK_THROWS_AS(rebuild_from(*src, out, KeyPair::generate().public_key()), KeyFileError);
    }
    SUBCASE("a checkpoint missing") {
        const auto src = Store::open(s.dir);
        const auto blocks = src->blocks();
        fs::remove(src->checkpoint_path(blocks.at(3).payload.checkpoint));
        CHECK_THROWS_WITH_AS(rebuild_from(*src, out, s.server),
                             doctest::Contains("lacks the checkpoint of block 3"), ChainError);
    }
    SUBCASE("the VM state of an earlier block (a replica whose journal stopped at block 4)") {
        {
            sqlite3* db = nullptr;
            REQUIRE(sqlite3_open((s.dir / "chain.db").c_str(), &db) == SQLITE_OK);
            CHECK(sqlite3_exec(db, "DELETE FROM vm_journal WHERE height > 4", nullptr, nullptr, nullptr) ==
                  SQLITE_OK);
            sqlite3_close(db);
        }
        const auto src = Store::open(s.dir);
        CHECK_THROWS_WITH_AS(rebuild_from(*src, out, s.server),
                             doctest::Contains("the one after block 4, not the one after its last block 6"),
                             ChainError);
    }
    SUBCASE("a directory that holds something") {
        fs::create_directories(out);
        std::ofstream(out / "x") << "x";
        const auto src = Store::open(s.dir);
        CHECK_THROWS_AS(rebuild_from(*src, out, s.server), ChainError);
        CHECK(fs::exists(out / "x"));
        return;
    }
    CHECK_FALSE(fs::exists(out));
}
