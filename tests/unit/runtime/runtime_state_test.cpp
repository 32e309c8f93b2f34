// tests/unit/runtime/runtime_state_test.cpp - the state journal: a block's changes of the VM world
// encoded canonically, applied and undone exactly (and refused on another world), the ledger's
// pending changes (only what transactions changed, undone when a block is not stored), the world
// rebuilt at every height of a chain, and what the contracts store staying the same size as the
// chain grows.
#include <doctest/doctest.h>

#include <map>

#include "runtime_support.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/state.hpp"

using namespace trainchain::runtime;
using trainchain::test::epoch_result;
using trainchain::test::small_config;
using trainchain::test::TempDir;
namespace vm = trainchain::vm;

namespace {

vm::address addr(uint8_t last) {
    vm::address a;
    a.bytes[19] = last;
    return a;
}

/// Two worlds that differ in every way an account can: one changed (balance, nonce, slots set,
/// changed and cleared), one created (code, slots), one deleted (with storage), one untouched.
std::pair<World, World> two_worlds() {
    World a, b;
    a[addr(1)].balance = vm::uint256{100};
    a[addr(1)].nonce = 3;
    a[addr(1)].storage[vm::uint256{1}] = vm::uint256{11};
    a[addr(1)].storage[vm::uint256{2}] = vm::uint256{22};
    a[addr(3)].code = {0x60, 0x01};
    a[addr(3)].storage[vm::uint256{9}] = vm::uint256{99};
    a[addr(4)].balance = vm::uint256{7};
    b = a;
    b[addr(1)].balance = vm::uint256{90};
    b[addr(1)].nonce = 4;
    b[addr(1)].storage.erase(vm::uint256{1});
    b[addr(1)].storage[vm::uint256{2}] = vm::uint256{23};
    b[addr(1)].storage[vm::uint256{5}] = vm::uint256::max();
    b[addr(2)].code = {0x60, 0x02, 0x00};
    b[addr(2)].storage[vm::uint256{0}] = vm::uint256{1};
    b.erase(addr(3));
    return {a, b};
}

Bytes encoded(const World& w) { return encode_world(w); }

}  // namespace

TEST_CASE("state changes: a diff lists what changed, applies forwards and undoes backwards exactly") {
    const auto [a, b] = two_worlds();
    const StateChanges d = diff_worlds(a, b);
    REQUIRE(d.accounts.size() == 3);  // the untouched account is not listed
    CHECK(d.accounts[0].address == addr(1));
    CHECK(d.accounts[0].slots.size() == 3);
    CHECK(d.accounts[1].address == addr(2));
    CHECK_FALSE(d.accounts[1].existed);
    CHECK(d.accounts[2].address == addr(3));
    CHECK_FALSE(d.accounts[2].exists);
    CHECK(d.accounts[2].slots.size() == 1);  // its storage, as it held it

    World w = a;
    std::string why;
    REQUIRE(d.apply(w, &why));
    CHECK(encoded(w) == encoded(b));
    REQUIRE(d.undo(w, &why));
    CHECK(encoded(w) == encoded(a));

    // The changes of a world from nothing build it; undone, nothing is left.
    const StateChanges from_empty = diff_worlds({}, b);
    World built;
    REQUIRE(from_empty.apply(built));
    CHECK(encoded(built) == encoded(b));
    REQUIRE(from_empty.undo(built));
    CHECK(built.empty());
    CHECK(diff_worlds(b, b).accounts.empty());
}

TEST_CASE("state changes: applied to another world than their own, they are refused, naming the account") {
    const auto [a, b] = two_worlds();
    const StateChanges d = diff_worlds(a, b);
    std::string why;
    World other = a;
    other[addr(1)].storage[vm::uint256{2}] = vm::uint256{21};  // a slot the changes replace
    CHECK_FALSE(d.apply(other, &why));
    CHECK(why.find(addr(1).to_hex()) != std::string::npos);
    CHECK(why.find("slot") != std::string::npos);
    other = a;
    other[addr(2)];  // the account the changes create exists already
    CHECK_FALSE(d.apply(other, &why));
    CHECK(why.find("present") != std::string::npos);
    other = a;
    other[addr(1)].nonce = 9;
    CHECK_FALSE(d.apply(other, &why));
    CHECK(why.find("nonce") != std::string::npos);
    World after = b;
    CHECK_FALSE(d.apply(after, &why));  // applied twice
    World empty;
    CHECK_FALSE(d.apply(empty, &why));  // not a world from nothing
}

TEST_CASE("state changes: one canonical encoding; malformed or non-canonical bytes are refused") {
    const auto [a, b] = two_worlds();
    const StateChanges d = diff_worlds(a, b);
    const Bytes e = d.encode();
    std::string why;
    const auto back = StateChanges::decode(e, &why);
    REQUIRE_MESSAGE(back, why);
    CHECK(*back == d);
    CHECK(StateChanges{}.encode() == Bytes{1, 0});
    CHECK(StateChanges::decode(Bytes{1, 0}));

    auto refused = [&](Bytes bytes, const std::string& reason) {
        INFO(reason);
        std::string w;
        CHECK_FALSE(StateChanges::decode(bytes, &w));
        CHECK(w.find(reason) != std::string::npos);
    };
    refused({}, "truncated");
    refused({2, 0}, "unknown version");
    Bytes longer = e;
    longer.push_back(0);
    refused(longer, "bytes after the last account");
    refused(Bytes(e.begin(), e.end() - 1), "truncated");

    // Hand-made single-account encodings: version, count 1, address, flags, fields, slots.
    auto one = [](uint8_t flags, const Bytes& fields, const Bytes& slots) {
        Bytes out;
        out.reserve(128);
        out.push_back(1);  // version
        out.push_back(1);  // one account
        // Byte by byte: GCC 12 warns of a bounds overrun (falsely) in insert() here.
        for (const uint8_t x : addr(1).bytes) out.push_back(x);
        out.push_back(flags);
        for (const uint8_t x : fields) out.push_back(x);
        for (const uint8_t x : slots) out.push_back(x);
        return out;
    };
    Bytes key(32, 0);
    key[31] = 1;
    auto slot = [&](const Bytes& before, const Bytes& after) {
        Bytes s;
        s.reserve(64);
        s.push_back(1);  // one slot
        s.insert(s.end(), key.begin(), key.end());
        s.insert(s.end(), before.begin(), before.end());
        s.insert(s.end(), after.begin(), after.end());
        return s;
    };
    CHECK(StateChanges::decode(one(3, {}, slot({1, 5}, {1, 6}))));  // a slot 5 -> 6
    refused(one(3, {}, slot({1, 5}, {1, 5})), "a slot that did not change");
    refused(one(3, {}, slot({2, 0, 5}, {1, 6})), "leading zero");  // 5 written as 00 05
    refused(one(3, {}, slot({33}, {1, 6})), "longer than 32 bytes");
    refused(one(3 | 64, {}, {0}), "unknown account flags");
    refused(one(0, {}, {0}), "neither before nor after");
    refused(one(3, {}, {0}), "listed without a change");
    refused(one(3 | 4, {1, 7, 1, 7}, {0}), "a balance that did not change");
    refused(one(3 | 8, {0x80, 0x00, 1}, {0}), "redundant byte");  // the nonce 0 written in two bytes
    Bytes twice = slot({1, 5}, {1, 6});
    Bytes again = twice;
    twice[0] = 2;
    twice.insert(twice.end(), again.begin() + 1, again.end());
    refused(one(3, {}, twice), "slots out of order or repeated");
    // Two accounts out of order.
    StateChanges swapped = d;
    std::swap(swapped.accounts[0], swapped.accounts[1]);
    refused(swapped.encode(), "accounts out of order or repeated");
}

TEST_CASE("world: bytes and digest (the format 2 layout), truncated and trailing bytes refused") {
    const auto [a, b] = two_worlds();
    const Bytes e = encode_world(b);
    CHECK(encode_world(decode_world(e)) == e);
    CHECK(state_digest(b) == sha256(e));
    CHECK(state_digest(a) != state_digest(b));
    CHECK_THROWS_AS(decode_world(Bytes(e.begin(), e.end() - 1)), StoreError);
    Bytes longer = e;
    longer.push_back(0);
    CHECK_THROWS_AS(decode_world(longer), StoreError);
}

TEST_CASE("ledger: pending changes since the last commit, exactly; discarded, nothing is left") {
    Ledger l(*vm::parse_fork("Petersburg"));
    l.set_block(1, 1);
    // A fresh ledger's changes build its world from nothing (the funded server account included).
    const auto consensus = l.deploy("Consensus", {vm::uint256{51}});
    const StateRecord first = l.pending_changes();
    World built;
    REQUIRE(first.changes.apply(built));
    CHECK(encoded(built) == encoded(l.world()));
    CHECK(first.digest == state_digest(l.world()));
    l.commit_changes(first);
    CHECK(l.pending_changes().changes.accounts.empty());
    CHECK(l.take_gas(0).size() == 1);  // the deployment's

    // A transaction that reverts writes nothing (but the server's nonce goes up).
    const World before = l.world();
    const auto vote = l.call(consensus, "Consensus", "vote(uint256,uint256,bool,uint256)",
                             {vm::uint256{3}, vm::uint256{0}, true, vm::uint256{5}});
    CHECK_FALSE(vote.ok());
    StateRecord p = l.pending_changes();
    REQUIRE(p.changes.accounts.size() == 1);
    CHECK(p.changes.accounts[0].address == l.server());
    CHECK(p.changes.accounts[0].nonce);
    CHECK(p.changes.accounts[0].slots.empty());

    // A balance set from outside is a change too; discarded, the world and the gas are as before.
    const auto queue = addr(0x51);
    l.set_balance(queue, vm::uint256{2});
    p = l.pending_changes();
    CHECK(p.changes.accounts.size() == 2);
    (void)l.call(consensus, "Consensus", "quorumPercent()", {});
    l.discard_changes();
    CHECK(encoded(l.world()) == encoded(before));
    CHECK(l.take_gas(0).empty());
    CHECK(l.take_profiles(0).empty());
    CHECK(l.pending_changes().changes.accounts.empty());

    // Loaded from a stored world: nothing pending, and the next changes are taken from it.
    Ledger other(*vm::parse_fork("Petersburg"));
    other.load(before);
    CHECK(other.pending_changes().changes.accounts.empty());
    CHECK(encoded(other.world()) == encoded(before));
}

TEST_CASE("chain: the world after every block is rebuilt exactly from the journal") {
    TempDir d;
    std::map<uint64_t, Bytes> worlds;
    auto c = Chain::init(d.path / "run", small_config(4), ChainOptions{{}, 2, {}, {}, {}, {}, {}, {}, {}});
    worlds[1] = encoded(c->ledger().world());
    const double acc[] = {0.5, 0.8, 0.6, 0.7};
    for (uint64_t e = 1; e <= 4; ++e) {
        REQUIRE(c->append_epoch(epoch_result(e, acc[e - 1])).accepted);
        worlds[c->blocks().size() - 1] = encoded(c->ledger().world());
    }
    REQUIRE(c->rollback(std::nullopt, "state test").block.accepted);
    worlds[c->blocks().size() - 1] = encoded(c->ledger().world());
    const Store& s = c->store();
    for (const auto& [height, world] : worlds) {
        INFO("block " << height);
        const auto rebuilt = s.vm_state_at(height);
        REQUIRE(rebuilt);
        CHECK(encoded(*rebuilt) == world);
        CHECK(s.state_record(height)->digest == sha256(world));
    }
    CHECK(s.vm_state_at(0));  // the genesis block's world: the contracts deployed
    CHECK_FALSE(s.vm_state_at(c->blocks().size()));
    CHECK(encoded(s.vm_state()) == worlds.rbegin()->second);
    // Every row but the genesis block's lists only changes: no row holds the contracts' code again.
    for (const auto& row : s.raw_state_journal())
        if (row.height > 1) CHECK(row.changes.size() < 2000);
}

TEST_CASE("chain: a block that is not accepted leaves the ledger as the store has it") {
    TempDir d;
    // Three of five nodes vote the opposite of their checks: every block is rejected.
    ChainOptions o;
    o.threads = 2;
    o.faults = {{0, Fault::WrongVote}, {1, Fault::WrongVote}, {2, Fault::WrongVote}};
    auto c = Chain::init(d.path / "run", small_config(5), ChainOptions{{}, 2, {}, {}, {}, {}, {}, {}, {}});
    c.reset();
    c = Chain::open(d.path / "run", o);
    const Bytes stored = encoded(c->store().vm_state());
    const auto rep = c->append_epoch(epoch_result(1, 0.5));
    REQUIRE_FALSE(rep.accepted);
    CHECK(encoded(c->ledger().world()) == stored);
    CHECK(c->ledger().take_gas(2).empty());
    CHECK(c->store().state_height() == 1);
    // A rollback that cannot be made (no epoch) leaves nothing either.
    CHECK_THROWS(c->rollback(std::nullopt, "nothing to roll back to"));
    CHECK(encoded(c->ledger().world()) == stored);
}

TEST_CASE("contracts: what they store does not grow with the chain; a block's journal row does not either") {
    // Before, Consensus kept a slot per vote and two per round, BlockCreation two per candidate and
    // Rollback a slot per proposal: the world grew with every block. Now each keeps the open round,
    // the latest candidate, the open request, and a slot per node (and per restore height named).
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(5), ChainOptions{{}, 2, {}, {}, {}, {}, {}, {}, {}});
    auto slots = [&] {
        size_t n = 0;
        for (const auto& [a, acc] : c->ledger().world()) n += acc.storage.size();
        return n;
    };
    uint64_t epoch = 0;
    auto append = [&](size_t blocks) {
        for (size_t i = 0; i < blocks; ++i) REQUIRE(c->append_epoch(epoch_result(++epoch, 0.5)).accepted);
    };
    append(3);
    REQUIRE(c->rollback(3, "first").block.accepted);
    append(2);
    const size_t after_few = slots();
    const size_t world_bytes = encode_world(c->ledger().world()).size();
    const size_t row_bytes = c->store().raw_state_journal().back().changes.size();
    append(20);
    REQUIRE(c->rollback(3, "second").block.accepted);  // the same restore height: no new slot
    append(2);
    CHECK(slots() == after_few);
    CHECK(encode_world(c->ledger().world()).size() == world_bytes);
    CHECK(c->store().raw_state_journal().back().changes.size() <= row_bytes + 16);
}
