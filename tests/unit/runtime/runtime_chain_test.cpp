// tests/unit/runtime/runtime_chain_test.cpp - the chain in process: init, block creation through the Results
// Queue and BlockCreation, consensus with signed votes, reopening, every fault kind, rollback,
// current state, checkpoint export and gas records; plus the nodes, queues and contracts alone.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <algorithm>
#include <thread>

#include "runtime_support.hpp"
#include "trainchain/runtime/sampling.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/merkle.hpp"
#include "trainchain/runtime/sampling.hpp"
#include "trainchain/vm/fork.hpp"
#include "trainchain/vm/host.hpp"

using namespace trainchain::runtime;
using trainchain::test::checkpoint_bytes;
using trainchain::test::epoch_result;
using trainchain::test::small_config;
using trainchain::test::TempDir;
namespace fs = std::filesystem;
namespace vm = trainchain::vm;

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

ChainOptions with_faults(std::initializer_list<std::pair<const uint32_t, Fault>> faults,
                         unsigned threads = 2) {
    ChainOptions o;
    o.faults = faults;
    o.threads = threads;
    return o;
}

ChainOptions honest() { return with_faults({}); }

/// The nonces a ForgeNonce node claims (UserNode::forge: 0xdeadbeef + index).
bool is_forged_nonce(uint64_t nonce, uint32_t nodes) {
    return nonce >= 0xdeadbeefULL && nonce < 0xdeadbeefULL + nodes;
}

/// Checks one accepted block the way an honest observer would: proof of work, link, payload root,
/// and a quorum of distinct, accepting, correctly signed votes from live nodes (as stored: the
/// chain in memory holds none).
void check_accepted_block(Chain& c, size_t height, const std::set<uint32_t>& crashed = {}) {
    INFO("block " << height);
    const auto& blocks = c.blocks();
    REQUIRE(height < blocks.size());
    CHECK(blocks[height].votes.empty());
    const auto stored = c.store().block(height);
    REQUIRE(stored);
    const Block& b = *stored;
    CHECK(b.hash() == blocks[height].hash());
    const uint32_t n = static_cast<uint32_t>(c.nodes().size());
    CHECK(b.header.height == height);
    CHECK(check_proof_of_work(b.hash(), b.header.difficulty_bits));
    CHECK(b.header.payload_root == b.payload.root());
    if (height > 0) CHECK(b.header.prev == blocks[height - 1].hash());
    if (height == 0) return;
    CHECK_FALSE(is_forged_nonce(b.header.nonce, n));
    CHECK(crashed.count(static_cast<uint32_t>(b.header.nonce % n)) == 0);  // the winner took part
    std::set<uint32_t> voters;
    for (const auto& v : b.votes) {
        CHECK(v.node < n);
        CHECK(v.accept);
        CHECK(crashed.count(v.node) == 0);
        CHECK(voters.insert(v.node).second);
        CHECK(verify_signature(c.nodes()[v.node].public_key(), vote_message(b.hash(), true), v.signature));
    }
    CHECK(voters.size() * 100 >= 51 * n);
    // A rollback carries the signed proposals that chose its target: distinct live nodes, each
    // signature by the node's own key over the run id, this height, the failing block's hash and
    // the target with its hash; more than half of the nodes for the target. Other blocks, none.
    if (b.payload.kind != BlockKind::Rollback) {
        CHECK(b.payload.proposals.empty());
        CHECK(b.payload.failing_height == 0);
        return;
    }
    REQUIRE(b.payload.failing_height < height);
    std::set<uint32_t> proposers;
    size_t for_target = 0;
    for (const auto& q : b.payload.proposals) {
        CHECK(q.node < n);
        CHECK(crashed.count(q.node) == 0);
        CHECK(proposers.insert(q.node).second);
        REQUIRE(q.target_height < height);
        CHECK(verify_signature(
            c.nodes()[q.node].public_key(),
            proposal_message(blocks[0].payload.run_id, height, blocks[b.payload.failing_height].hash(),
                             q.target_height, blocks[q.target_height].hash()),
            q.signature));
        if (q.target_height == b.payload.target_height) ++for_target;
    }
    CHECK(for_target * 2 > n);
}

/// Stored blocks equal the in-memory ones (which hold no votes), and every block from the
/// registration on has its votes in the store; the state journal reaches the last block and the
/// saved world is the ledger's.
void check_store_matches(Chain& c) {
    const auto stored = c.store().blocks();
    REQUIRE(stored.size() == c.blocks().size());
    for (size_t i = 0; i < stored.size(); ++i) {
        INFO("block " << i);
        CHECK(stored[i].hash() == c.blocks()[i].hash());
        CHECK(stored[i].payload.encode() == c.blocks()[i].payload.encode());
        CHECK(c.blocks()[i].votes.empty());
        CHECK(stored[i].votes.empty() == (i == 0));
    }
    CHECK(c.store().state_height() == stored.size() - 1);
    CHECK(encode_world(c.store().vm_state()) == encode_world(c.ledger().world()));
}

void require_verified(const Store& s, size_t blocks) {
    const auto r = verify(s);
    INFO(r.reason);
    CHECK(r.ok);
    CHECK(r.blocks == blocks);
    CHECK_FALSE(r.bad_height);
}

/// The embedded contracts' addresses as a chain stores them.
vm::address contract_address(const Store& s, const std::string& name) {
    const auto j = nlohmann::json::parse(*s.meta("contracts"));
    return *vm::address::parse(j.at(name).get<std::string>());
}

bool has_gas(const std::vector<GasRecord>& gas, uint64_t height, const std::string& contract,
             const std::string& function) {
    for (const auto& g : gas)
        if (g.height == height && g.contract == contract && g.function == function) return true;
    return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Queues, nodes and faults on their own.

TEST_CASE("queues: FIFO, try_pop on empty, pop waits for a push from another thread") {
    Queue<int> q;
    CHECK_FALSE(q.try_pop());
    CHECK(q.size() == 0);
    for (int i = 0; i < 5; ++i) q.push(i);
    CHECK(q.size() == 5);
    for (int i = 0; i < 5; ++i) CHECK(q.try_pop() == i);
    CHECK_FALSE(q.try_pop());

    std::thread producer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        q.push(42);
    });
    CHECK(q.pop() == 42);
    producer.join();

    ResultsQueue results;
    results.push(epoch_result(1, 0.5));
    results.push(epoch_result(2, 0.6));
    CHECK(results.pop().epoch == 1);
    CHECK(results.try_pop()->epoch == 2);
    ConsensusQueue claims;
    claims.push({3, 99, Hash{}});
    CHECK(claims.pop().nonce == 99);
}

TEST_CASE("faults: names parse and print back") {
    for (auto f : {Fault::None, Fault::Crash, Fault::WrongVote, Fault::ForgeNonce, Fault::WrongRestorePoint,
                   Fault::TamperedReplica}) {
        CHECK(parse_fault(fault_name(f)) == f);
    }
    CHECK(parse_fault("tampered-replica") == Fault::TamperedReplica);
    CHECK_FALSE(parse_fault("Crash"));
    CHECK_FALSE(parse_fault(""));
    CHECK_FALSE(parse_fault("byzantine"));
}

namespace {

/// A hand-built replica: genesis, registration, then epoch blocks with these accuracies.
std::vector<Block> replica_with(const std::vector<double>& accuracies) {
    std::vector<Block> out;
    auto add = [&](BlockKind kind, double acc) {
        Block b;
        b.payload.kind = kind;
        b.payload.accuracy = acc;
        b.payload.epoch = out.size();
        b.header.height = out.size();
        b.header.prev = out.empty() ? Hash{} : out.back().hash();
        b.header.payload_root = b.payload.root();
        b.header.difficulty_bits = 8;
        out.push_back(b);
    };
    add(BlockKind::Genesis, 0);
    add(BlockKind::Registration, 0);
    for (double a : accuracies) add(BlockKind::Epoch, a);
    return out;
}

/// A candidate that extends `replica`, and a winning nonce for it.
std::pair<BlockHeader, Payload> candidate_for(const std::vector<Block>& replica) {
    Payload p;
    p.kind = BlockKind::Epoch;
    p.epoch = 99;
    p.accuracy = 0.42;
    BlockHeader h;
    h.height = replica.size();
    h.prev = replica.back().hash();
    h.payload_root = p.root();
    h.difficulty_bits = 8;
    const auto found = mine(h, {8, 1});
    REQUIRE(found);
    h.nonce = found->nonce;
    return {h, p};
}

}  // namespace

TEST_CASE("nodes: check a claim against their own candidate and replica") {
    const auto replica = replica_with({0.5, 0.7});
    auto [header, payload] = candidate_for(replica);
    const uint64_t nonce = header.nonce;
    const Hash hash = header.hash();
    UserNode node(0, KeyPair::generate());
    node.load_replica(replica);

    CHECK(node.check(nonce, hash).code == Reject::NoCandidate);  // nothing received yet
    BlockHeader unmined = header;
    unmined.nonce = 0;
    node.receive_candidate(unmined, payload);
    CHECK(node.check(nonce, hash).ok());
    CHECK(node.check(nonce, hash).token() == "valid");

    auto reason = [&](uint64_t n, const Hash& h) {
        const auto r = node.check(n, h);
        CHECK_FALSE(r.ok());
        CHECK_FALSE(r.detail.empty());
        return r;
    };
    const auto rehashed = reason(nonce + 1, hash);  // another nonce, another hash
    CHECK(rehashed.code == Reject::ClaimHash);
    CHECK(rehashed.token() == "bad-claim-hash");
    CHECK(rehashed.result() == ValidationResult::Claim);
    CHECK(rehashed.detail.find("hash") != std::string::npos);
    Hash other = hash;
    other[5] ^= 1;
    CHECK(reason(nonce, other).code == Reject::ClaimHash);
    // A nonce that hashes right but misses the difficulty.
    BlockHeader weak = header;
    for (uint64_t n = 0;; ++n) {
        weak.nonce = n;
        if (!check_proof_of_work(weak.hash(), 8)) break;
    }
    const auto weak_check = reason(weak.nonce, weak.hash());
    CHECK(weak_check.code == Reject::HighHash);
    CHECK(weak_check.token() == "high-hash");
    CHECK(weak_check.detail.find("difficulty") != std::string::npos);

    SUBCASE("payload root") {
        Payload changed = payload;
        changed.accuracy = 0.99;
        node.receive_candidate(unmined, changed);
        const auto r = reason(nonce, hash);
        CHECK(r.code == Reject::PayloadRoot);
        CHECK(r.detail.find("root") != std::string::npos);
    }
    SUBCASE("not this replica's tip") {
        UserNode behind(1, KeyPair::generate());
        behind.load_replica(std::vector<Block>(replica.begin(), replica.end() - 1));
        behind.receive_candidate(unmined, payload);
        CHECK(behind.check(nonce, hash).code == Reject::Height);
        UserNode forked(2, KeyPair::generate());
        auto other_replica = replica;
        other_replica.back().header.timestamp_ms = 1;  // same height, different tip hash
        forked.load_replica(other_replica);
        forked.receive_candidate(unmined, payload);
        const auto r = forked.check(nonce, hash);
        CHECK(r.code == Reject::PrevBlock);
        CHECK(r.token() == "bad-prevblk");
        CHECK(r.detail.find("previous") != std::string::npos);
    }
}

TEST_CASE("nodes: signed votes, wrong votes, crashed nodes and forged claims") {
    const auto replica = replica_with({0.5});
    auto [header, payload] = candidate_for(replica);
    const Hash hash = header.hash();
    const KeyPair key = KeyPair::generate();
    UserNode honest_node(3, key), liar(4, KeyPair::generate(), Fault::WrongVote),
        crashed(5, KeyPair::generate(), Fault::Crash), forger(6, KeyPair::generate(), Fault::ForgeNonce);
    for (UserNode* n : {&honest_node, &liar, &crashed, &forger}) {
        n->load_replica(replica);
        n->receive_candidate(header, payload);
    }

    const auto v = honest_node.vote(header.nonce, hash);
    REQUIRE(v);
    CHECK(v->node == 3);
    CHECK(v->accept);
    CHECK(verify_signature(key.public_key(), vote_message(hash, true), v->signature));
    CHECK_FALSE(verify_signature(key.public_key(), vote_message(hash, false), v->signature));

    const auto w = liar.vote(header.nonce, hash);
    REQUIRE(w);
    CHECK_FALSE(w->accept);
    CHECK(verify_signature(liar.public_key(), vote_message(hash, false), w->signature));

    CHECK_FALSE(crashed.alive());
    CHECK_FALSE(crashed.vote(header.nonce, hash));
    CHECK(crashed.replica().empty());  // a crashed node keeps no replica
    crashed.accept(replica.back());
    CHECK(crashed.replica().empty());

    // A forged claim fails every honest check; only a wrong voter would accept it, and fewer than
    // half of the nodes cannot make a 51 % quorum.
    const auto [forged_nonce, forged_hash] = forger.forge();
    CHECK(is_forged_nonce(forged_nonce, 7));
    CHECK(check_proof_of_work(forged_hash, 8));  // it looks like valid work...
    CHECK(honest_node.check(forged_nonce, forged_hash).code ==
          Reject::ClaimHash);  // ...but no header hashes to it
    CHECK_FALSE(honest_node.vote(forged_nonce, forged_hash)->accept);
    CHECK(liar.vote(forged_nonce, forged_hash)->accept);
    CHECK_FALSE(forger.vote(forged_nonce, forged_hash)->accept);  // the forger's own checks are honest
}

TEST_CASE("nodes: restore point is the best epoch, ties to the later, NaN never; faults") {
    struct Case {
        std::vector<double> accuracies;  // at heights 2, 3, ...
        std::optional<uint64_t> best, worst;
    };
    const Case cases[] = {
        {{}, std::nullopt, std::nullopt},
        {{0.5}, 2, 2},
        {{0.5, 0.9, 0.3}, 3, 4},
        {{0.9, 0.5, 0.9}, 4, 3},   // tie: the later best
        {{0.2, 0.8, 0.2}, 3, 4},   // tie: the later worst, too
        {{nan_value, 0.1}, 3, 3},  // NaN never wins, either way
        {{nan_value, nan_value}, std::nullopt, std::nullopt},
        {{0.7, nan_value, 0.6}, 2, 4},
        {{-0.0, 0.0}, 3, 3},  // equal values: the later
    };
    for (const auto& c : cases) {
        const auto replica = replica_with(c.accuracies);
        UserNode good(0, KeyPair::generate()), wrong(1, KeyPair::generate(), Fault::WrongRestorePoint),
            crashed(2, KeyPair::generate(), Fault::Crash);
        good.load_replica(replica);
        wrong.load_replica(replica);
        crashed.load_replica(replica);
        CHECK(good.restore_point() == c.best);
        CHECK(wrong.restore_point() == c.worst);
        CHECK_FALSE(crashed.restore_point());
    }
    // A rollback block is not a restore point even though it carries an accuracy.
    auto replica = replica_with({0.5});
    Block rb = replica.back();
    rb.payload.kind = BlockKind::Rollback;
    rb.payload.accuracy = 0.99;
    rb.header.height = replica.size();
    replica.push_back(rb);
    UserNode n(0, KeyPair::generate());
    n.load_replica(replica);
    CHECK(n.restore_point() == 2);
}

TEST_CASE("nodes: with a failing block, the restore point is the best epoch on its line of training") {
    // Heights 2..5 are epochs 0.6, 0.9, 0.95 (over-trained), 0.4; 6 rolls back to 3; 7 is an epoch
    // after the rollback (0.8), 8 fails (0.97, higher than everything).
    auto replica = replica_with({0.6, 0.9, 0.95, 0.4});
    Block rb = replica.back();
    rb.payload.kind = BlockKind::Rollback;
    rb.payload.target_height = 3;
    rb.header.height = replica.size();
    replica.push_back(rb);
    for (const double a : {0.8, 0.97}) {
        Block e = replica[2];
        e.payload.accuracy = a;
        e.header.height = replica.size();
        replica.push_back(e);
    }
    CHECK(previous_state(replica, 8) == 7);
    CHECK(previous_state(replica, 7) == 3);  // through the rollback block at 6
    CHECK(previous_state(replica, 3) == 2);
    CHECK_FALSE(previous_state(replica, 2));
    CHECK(previous_state(replica, 6) == 5);
    UserNode good(0, KeyPair::generate()), wrong(1, KeyPair::generate(), Fault::WrongRestorePoint);
    good.load_replica(replica);
    wrong.load_replica(replica);
    // Without a failing block: every epoch block counts, the failing one and the abandoned 4 too.
    CHECK(good.restore_point() == 8);
    // With it: only 7, 3 and 2 (4 and 5 were abandoned by the rollback; 8 is the failing block).
    CHECK(good.restore_point(8) == 3);
    CHECK(wrong.restore_point(8) == 2);
    CHECK(good.restore_point(7) == 3);
    CHECK_FALSE(good.restore_point(2));  // the first epoch has nothing before it
    // A rollback target that does not point backwards ends the line instead of looping.
    replica[6].payload.target_height = 9;
    good.load_replica(replica);
    CHECK_FALSE(previous_state(replica, 7));
    CHECK(good.restore_point(8) == 7);
}

TEST_CASE("nodes: a tampered replica raises the first epoch block's accuracy") {
    const auto replica = replica_with({0.3, 0.8, 0.6});
    UserNode t(0, KeyPair::generate(), Fault::TamperedReplica), good(1, KeyPair::generate());
    t.load_replica(replica);
    good.load_replica(replica);
    CHECK(t.replica()[2].payload.accuracy == 1.0);
    CHECK(t.replica()[3].payload.accuracy == 0.8);
    CHECK(t.restore_point() == 2);
    CHECK(good.restore_point() == 3);
    // Headers are untouched: the node still recognises the tip and votes correctly.
    auto [header, payload] = candidate_for(replica);
    t.receive_candidate(header, payload);
    CHECK(t.check(header.nonce, header.hash()).ok());
}

// ---------------------------------------------------------------------------------------------
// Contracts on the VM, called as the runtime calls them.

TEST_CASE("contracts: BlockCreation reads the Results Queue balance and broadcasts to every node") {
    Ledger l(*vm::parse_fork("Petersburg"));
    l.set_block(1, 1);
    const auto queue = *vm::address::parse("0x0000000000000000000000000000000000005e51");
    const auto creation = l.deploy("BlockCreation", {queue});
    Hash root{};
    root[31] = 0xab;
    const std::vector<AbiValue> args{vm::uint256{2}, root, vm::uint256{1}, vm::uint256{5}};

    auto r = l.call(creation, "BlockCreation", "create(uint256,bytes32,uint256,uint256)", args);
    CHECK_FALSE(r.ok());
    CHECK(r.revert_reason.find("EmptyQueue") == 0);

    l.set_balance(queue, vm::uint256{1});
    r = l.call(creation, "BlockCreation", "create(uint256,bytes32,uint256,uint256)", args);
    REQUIRE(r.ok());
    const auto broadcasts = Ledger::events(r.receipt, "Broadcast(uint256,uint256,bytes32)");
    REQUIRE(broadcasts.size() == 5);
    for (size_t i = 0; i < broadcasts.size(); ++i)
        CHECK(broadcasts[i].topics.at(1).to_word() == vm::uint256{i});
    CHECK(Ledger::events(r.receipt, "CandidateRecorded(uint256,bytes32,uint256)").size() == 1);
    const auto count = l.call(creation, "BlockCreation", "candidates()", {});
    REQUIRE(count.ok());
    CHECK(count.get_u64(0) == 1);

    r = l.call(creation, "BlockCreation", "create(uint256,bytes32,uint256,uint256)", args);
    CHECK(r.revert_reason.find("HeightTaken") == 0);
    // Only the latest candidate is stored; a lower height than its is taken too.
    const auto latest = l.call(creation, "BlockCreation", "latest()", {});
    REQUIRE(latest.ok());
    CHECK(latest.returns == std::vector<AbiValue>{root, vm::uint256{1}, vm::uint256{2}, vm::uint256{5}});
    r = l.call(creation, "BlockCreation", "create(uint256,bytes32,uint256,uint256)",
               {vm::uint256{1}, root, vm::uint256{1}, vm::uint256{5}});
    CHECK(r.revert_reason.find("HeightTaken") == 0);

    const auto gas = l.take_gas(7);
    REQUIRE(gas.size() == 7);
    CHECK(gas[0].function == "constructor");
    for (const auto& g : gas) {
        CHECK(g.height == 7);
        CHECK(g.contract == "BlockCreation");
        CHECK(g.gas_used > 0);
    }
    CHECK_FALSE(gas[1].success);
    CHECK(gas[2].success);
    CHECK(l.take_gas(8).empty());
}

TEST_CASE("contracts: Consensus verifies the work by SHA-256 and decides at 51 %") {
    Ledger l(*vm::parse_fork("Petersburg"));
    l.set_block(1, 1);
    const auto consensus = l.deploy("Consensus", {vm::uint256{51}});
    BlockHeader h;
    h.height = 3;
    h.difficulty_bits = 8;
    const auto found = mine(h, {8, 1});
    REQUIRE(found);
    h.nonce = found->nonce;
    const auto encoded = h.encode();
    const Bytes header(encoded.begin(), encoded.end());
    auto as_uint = [](const Hash& target) { return vm::uint256::from_be(target.data(), target.size()); };
    const vm::uint256 target = as_uint(target_of(8));
    const auto submit = [&](uint64_t height, const Hash& claimed, const vm::uint256& t) {
        return l.call(consensus, "Consensus", "submitWork(uint256,bytes,bytes32,uint256,uint256)",
                      {vm::uint256{height}, header, claimed, vm::uint256{h.nonce}, t});
    };
    const auto vote = [&](uint64_t height, uint64_t node, bool accept) {
        return l.call(consensus, "Consensus", "vote(uint256,uint256,bool,uint256)",
                      {vm::uint256{height}, vm::uint256{node}, accept, vm::uint256{7}});
    };

    CHECK(vote(3, 0, true).revert_reason.find("NoRound") == 0);
    Hash wrong = found->hash;
    wrong[31] ^= 1;
    CHECK(submit(3, wrong, target).revert_reason.find("BadProofOfWork") == 0);
    CHECK(submit(3, found->hash, as_uint(target_of(256))).revert_reason.find("AboveTarget") == 0);
    REQUIRE(submit(3, found->hash, target).ok());

    // 7 nodes: 4 accepts make 400 >= 357; 3 do not.
    CHECK(vote(3, 0, true).get_u64(0) == 0);
    CHECK(vote(3, 0, true).revert_reason.find("DuplicateVote") == 0);
    CHECK(vote(3, 1, false).get_u64(0) == 0);
    CHECK(vote(3, 2, true).get_u64(0) == 0);
    CHECK(vote(3, 3, true).get_u64(0) == 0);
    CHECK(vote(3, 4, true).get_u64(0) == 1);
    CHECK(vote(3, 5, true).get_u64(0) == 0);  // counted, already decided
    CHECK(submit(3, found->hash, target).revert_reason.find("AlreadyDecided") == 0);

    // Rejection: more than 49 % of the nodes reject. The nodes that voted on block 3 vote again.
    REQUIRE(submit(4, found->hash, target).ok());
    CHECK(vote(3, 6, true).revert_reason.find("NoRound") == 0);  // block 3's round is over
    for (uint64_t i = 0; i < 3; ++i) CHECK(vote(4, i, false).get_u64(0) == 0);
    CHECK(vote(4, 1, true).revert_reason.find("DuplicateVote") == 0);
    CHECK(vote(4, 3, false).get_u64(0) == 2);
    // A round never goes back to a lower height.
    CHECK(submit(3, found->hash, target).revert_reason.find("StaleHeight") == 0);
    const auto round = l.call(consensus, "Consensus", "round()", {});
    REQUIRE(round.ok());
    CHECK(round.returns ==
          std::vector<AbiValue>{found->hash, vm::uint256{4}, vm::uint256{0}, vm::uint256{4}, true, true});
}

TEST_CASE("contracts: Rollback decides by majority, ties to the later block") {
    Ledger l(*vm::parse_fork("Petersburg"));
    l.set_block(1, 1);
    const auto rb = l.deploy("Rollback", {});
    const auto open = l.call(rb, "Rollback", "open(uint256,string)", {vm::uint256{9}, std::string("why")});
    REQUIRE(open.ok());
    const vm::uint256 id = open.get<vm::uint256>(0);
    CHECK(open.get_u64(0) == 1);
    auto propose = [&](uint64_t node, uint64_t height) {
        return l.call(rb, "Rollback", "propose(uint256,uint256,uint256)",
                      {id, vm::uint256{node}, vm::uint256{height}});
    };
    CHECK(propose(0, 4).ok());
    CHECK(propose(1, 6).ok());  // 1:1, the later leads
    CHECK(propose(0, 6).revert_reason.find("DuplicateProposal") == 0);
    CHECK(l.call(rb, "Rollback", "decide(uint256,uint256)", {id, vm::uint256{5}})
              .revert_reason.find("NoMajority") == 0);
    CHECK(propose(2, 4).ok());
    CHECK(propose(3, 4).ok());
    const auto d = l.call(rb, "Rollback", "decide(uint256,uint256)", {id, vm::uint256{5}});
    REQUIRE(d.ok());
    CHECK(d.get_u64(0) == 4);
    CHECK(propose(4, 4).revert_reason.find("AlreadyDecided") == 0);
    CHECK(l.call(rb, "Rollback", "decide(uint256,uint256)", {vm::uint256{7}, vm::uint256{5}})
              .revert_reason.find("UnknownRequest") == 0);

    // A second request: the first is closed, every node proposes afresh and the tally restarts.
    const auto second =
        l.call(rb, "Rollback", "open(uint256,string)", {vm::uint256{12}, std::string("again")});
    REQUIRE(second.ok());
    const vm::uint256 id2 = second.get<vm::uint256>(0);
    CHECK(second.get_u64(0) == 2);
    CHECK(propose(0, 4).revert_reason.find("UnknownRequest") == 0);  // request 1 is closed
    auto propose2 = [&](uint64_t node, uint64_t height) {
        return l.call(rb, "Rollback", "propose(uint256,uint256,uint256)",
                      {id2, vm::uint256{node}, vm::uint256{height}});
    };
    CHECK(propose2(0, 4).ok());  // node 0 proposed in request 1 too
    CHECK(propose2(0, 4).revert_reason.find("DuplicateProposal") == 0);
    CHECK(propose2(1, 6).ok());
    CHECK(propose2(2, 6).ok());
    // Block 4 had 3 proposals in request 1; in request 2 it has 1, block 6 leads with 2 of 5.
    CHECK(l.call(rb, "Rollback", "decide(uint256,uint256)", {id2, vm::uint256{5}})
              .revert_reason.find("NoMajority") == 0);
    CHECK(propose2(3, 6).ok());
    const auto d2 = l.call(rb, "Rollback", "decide(uint256,uint256)", {id2, vm::uint256{5}});
    REQUIRE(d2.ok());
    CHECK(d2.get_u64(0) == 6);
}

TEST_CASE(
    "contracts: the public getters of structs and mappings to structs answer (round, latest, current, "
    "tally)") {
    // Getters of mappings to structs ran out of gas before the compiler fix "struct getters read storage".
    Ledger l(*vm::parse_fork("Petersburg"));
    l.set_block(1, 1);
    const auto consensus = l.deploy("Consensus", {vm::uint256{51}});
    const auto creation =
        l.deploy("BlockCreation", {*vm::address::parse("0x0000000000000000000000000000000000005e51")});
    const auto rollback = l.deploy("Rollback", {});
    const auto round = l.call(consensus, "Consensus", "round()", {});
    CHECK_MESSAGE(round.ok(), "Consensus.round: " << vm::status_name(round.receipt.status) << ", gas "
                                                  << round.receipt.gas_used);
    if (round.ok())
        CHECK(round.returns ==
              std::vector<AbiValue>{Hash{}, vm::uint256{0}, vm::uint256{0}, vm::uint256{0}, false, false});
    const auto candidate = l.call(creation, "BlockCreation", "latest()", {});
    CHECK_MESSAGE(candidate.ok(), "BlockCreation.latest: " << vm::status_name(candidate.receipt.status));
    const auto request = l.call(rollback, "Rollback", "current()", {});
    CHECK_MESSAGE(request.ok(), "Rollback.current: " << vm::status_name(request.receipt.status));
    const auto tally = l.call(rollback, "Rollback", "tally(uint256)", {vm::uint256{3}});
    CHECK_MESSAGE(tally.ok(), "Rollback.tally: " << vm::status_name(tally.receipt.status));
}

TEST_CASE("contracts: Ledger::call checks typed arguments and reads typed returns") {
    Ledger l(*vm::parse_fork("Petersburg"));
    l.set_block(1, 1);
    const auto rb = l.deploy("Rollback", {});
    CHECK_THROWS_AS(l.deploy("Consensus", {}), ContractError);  // the quorum is missing
    CHECK_THROWS_AS(l.deploy("Consensus", {true}), ContractError);
    const std::string sig = "open(uint256,string)";
    CHECK_THROWS_AS(l.call(rb, "Rollback", sig, {vm::uint256{9}}), ContractError);  // too few
    CHECK_THROWS_AS(l.call(rb, "Rollback", sig, {std::string("9"), std::string("why")}), ContractError);
    CHECK_THROWS_AS(l.call(rb, "Rollback", sig, {vm::uint256{9}, Bytes{0x77}}), ContractError);
    // A string goes in exactly as it is, quotes and backslashes included.
    const std::string reason = "\"quoted\" \\ and \x01";
    const auto open = l.call(rb, "Rollback", sig, {vm::uint256{9}, reason});
    REQUIRE(open.ok());
    CHECK(open.get_u64(0) == 1);
    CHECK_THROWS_AS((void)open.get<bool>(0), ContractError);  // a uint256, not a bool
    CHECK_THROWS_AS((void)open.get_u64(1), ContractError);    // there is one return value
    // RollbackOpened(id, height, reason): the data is (height, offset, length, the reason's bytes).
    const auto ev = Ledger::events(open.receipt, "RollbackOpened(uint256,uint256,string)");
    REQUIRE(ev.size() == 1);
    REQUIRE(ev[0].data.size() >= 96 + reason.size());
    CHECK(vm::uint256::from_be(ev[0].data.data() + 64, 32) == vm::uint256{reason.size()});
    CHECK(std::string(ev[0].data.begin() + 96, ev[0].data.begin() + 96 + static_cast<long>(reason.size())) ==
          reason);
}

TEST_CASE("contracts: NodeRegistry creates one Node per key and refuses duplicates") {
    Ledger l(*vm::parse_fork("Petersburg"));
    l.set_block(1, 1);
    const auto reg = l.deploy("NodeRegistry", {});
    const Hash key = KeyPair::generate().public_key();
    const auto r = l.call(reg, "NodeRegistry", "register(bytes32)", {key});
    REQUIRE(r.ok());
    CHECK(r.get_u64(0) == 0);
    const auto ev = Ledger::events(r.receipt, "NodeRegistered(uint256,address,bytes32)");
    REQUIRE(ev.size() == 1);
    vm::address node;
    std::copy(ev[0].data.begin() + 12, ev[0].data.begin() + 32, node.bytes.begin());
    CHECK_FALSE(l.host().accounts.at(node).code.empty());  // the Node contract exists
    CHECK(l.call(reg, "NodeRegistry", "register(bytes32)", {key}).revert_reason.find("DuplicateKey") == 0);
    CHECK(l.call(reg, "NodeRegistry", "isRegistered(bytes32)", {key}).get<bool>(0));
}

// ---------------------------------------------------------------------------------------------
// The chain.

TEST_CASE("init: genesis and registration blocks, registered keys, verify passes") {
    TempDir d;
    const auto dir = d.path / "run";
    auto c = Chain::init(dir, small_config(7), honest());
    REQUIRE(c->blocks().size() == 2);
    const Block& genesis = c->blocks()[0];
    const Block& reg = c->blocks()[1];
    CHECK(genesis.payload.kind == BlockKind::Genesis);
    CHECK(genesis.header.height == 0);
    CHECK(genesis.header.prev == Hash{});
    CHECK(genesis.votes.empty());
    CHECK(genesis.payload.run_id == 0x7e57);
    CHECK(reg.payload.kind == BlockKind::Registration);
    CHECK(reg.payload.note == "7 nodes");
    check_accepted_block(*c, 0);
    check_accepted_block(*c, 1);

    // The registration block commits to the node keys in index order.
    REQUIRE(c->nodes().size() == 7);
    Bytes keys;
    for (size_t i = 0; i < c->nodes().size(); ++i) {
        CHECK(c->nodes()[i].index() == i);
        keys.insert(keys.end(), c->nodes()[i].public_key().begin(), c->nodes()[i].public_key().end());
    }
    CHECK(reg.payload.checkpoint == sha256(keys));
    const auto stored = c->store().nodes();
    REQUIRE(stored.size() == 7);
    // The nodes' private keys are in the run's node key file, beside the run, not in the store.
    const auto private_keys = read_key_list_file(default_key_paths(dir).nodes);
    REQUIRE(private_keys.size() == 7);
    for (size_t i = 0; i < 7; ++i) {
        CHECK(stored[i].public_key == c->nodes()[i].public_key());
        CHECK(private_keys[i].public_key() == stored[i].public_key);
    }
    std::set<PublicKey> distinct;
    for (const auto& n : stored) distinct.insert(n.public_key);
    CHECK(distinct.size() == 7);

    CHECK(c->store().config().nodes == 7);
    CHECK(c->store().config().difficulty_bits == 8);
    CHECK(c->store().config().fork == "Petersburg");
    CHECK_FALSE(c->current_state());
    check_store_matches(*c);
    require_verified(c->store(), 2);
    CHECK(fs::exists(dir / "chain.db"));
    CHECK(fs::is_directory(dir / "checkpoints"));

    // Every node's replica holds both blocks.
    for (const auto& n : c->nodes()) CHECK(n.replica().size() == 2);
}

TEST_CASE("init: refuses an existing chain and bad settings") {
    TempDir d;
    auto c = Chain::init(d.path / "a", small_config(3), honest());
    c.reset();
    CHECK_THROWS_AS(Chain::init(d.path / "a", small_config(3), honest()), StoreError);
    CHECK(Store::open(d.path / "a")->block_count() == 2);  // the existing chain is untouched

    auto bad = small_config(3);
    bad.nodes = 0;
    CHECK_THROWS_AS(Chain::init(d.path / "b", bad), ChainError);
    bad = small_config(3);
    bad.fork = "NoSuchFork";
    CHECK_THROWS_AS(Chain::init(d.path / "c", bad), ChainError);
    bad = small_config(3);
    bad.difficulty_bits = 65;
    CHECK_THROWS_AS(Chain::init(d.path / "d", bad), ChainError);
    bad = small_config(3);
    bad.quorum_percent = 0;
    CHECK_THROWS_AS(Chain::init(d.path / "e", bad), ChainError);
    bad = small_config(3);
    bad.difficulty_bits = max_difficulty_bits + 1;  // more than a chain is made to mine (limits.hpp)
    CHECK_THROWS_AS(Chain::init(d.path / "f", bad), ChainError);
    bad = small_config(3);
    bad.nodes = max_nodes + 1;
    CHECK_THROWS_AS(Chain::init(d.path / "g", bad), ChainError);
    for (const char* name : {"b", "c", "d", "e", "f", "g"})
        CHECK_FALSE(fs::exists(d.path / name / "chain.db"));

    CHECK_THROWS_AS(Chain::open(d.path / "nothing"), StoreError);
}

TEST_CASE("init: a chain whose registration failed is not continued into an invalid chain") {
    // Before 31a71f3 the genesis block and the nodes stayed behind, the directory could not be
    // initialised again, and the next append put an epoch block at height 1.
    TempDir d;
    const auto dir = d.path / "run";
    CHECK_THROWS_AS(Chain::init(dir, small_config(3),
                                with_faults({{0, Fault::Crash}, {1, Fault::Crash}, {2, Fault::Crash}})),
                    ChainError);
    bool again = false;
    try {
        Chain::init(dir, small_config(3), honest());
        again = true;
    } catch (const std::exception& e) {
        MESSAGE("init again: " << std::string(e.what()));
    }
    if (!again) {
        try {
            auto c = Chain::open(dir, honest());
            const auto rep = c->append_epoch(epoch_result(1, 0.5));
            if (rep.accepted) {
                const auto v = verify(c->store());
                CHECK_MESSAGE(v.ok, "appended block " << rep.block.header.height << " ("
                                                      << kind_name(rep.block.payload.kind)
                                                      << "), then verify: block " << v.bad_height.value_or(0)
                                                      << ": " << v.reason);
            }
        } catch (const std::exception& e) {
            MESSAGE("refused: " << std::string(e.what()));  // refusing the incomplete chain is fine
        }
    }
}

TEST_CASE("init: other forks run the same contracts") {
    for (const char* fork : {"Istanbul", "London", "Cancun"}) {
        INFO(fork);
        TempDir d;
        auto cfg = small_config(3);
        cfg.fork = fork;
        auto c = Chain::init(d.path / "run", cfg, honest());
        CHECK(c->append_epoch(epoch_result(1, 0.5)).accepted);
        require_verified(c->store(), 3);
    }
}

TEST_CASE("append: an epoch block with a quorum of valid signed votes, stored with its checkpoint") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(9), honest());
    const auto result = epoch_result(1, 0.625, 1.5);
    const Bytes bytes = result.checkpoint;
    const auto rep = c->append_epoch(result);
    INFO(rep.reason);
    REQUIRE(rep.accepted);
    CHECK(rep.reason.empty());
    REQUIRE(c->blocks().size() == 3);
    const Block& b = c->blocks()[2];
    CHECK(rep.block.hash() == b.hash());
    CHECK(b.payload.kind == BlockKind::Epoch);
    CHECK(b.payload.epoch == 1);
    CHECK(b.payload.accuracy == 0.625);
    CHECK(b.payload.loss == 1.5);
    CHECK(b.payload.run_id == 0x7e57);
    CHECK(b.payload.checkpoint == sha256(bytes));
    CHECK(b.payload.checkpoint_size == bytes.size());
    CHECK(b.payload.proposer == server_proposer);
    CHECK(b.header.difficulty_bits == 8);
    CHECK(b.header.timestamp_ms >= c->blocks()[1].header.timestamp_ms);
    check_accepted_block(*c, 2);

    // The report: the winner owns the nonce, 5 of 9 accepting votes decide (500 >= 459), and the
    // phases add up.
    CHECK(rep.winner == b.header.nonce % 9);
    CHECK(rep.accepts == 5);
    CHECK(rep.rejects == 0);
    CHECK(rep.invalid_votes == 0);
    CHECK(rep.forged_claims == 0);
    CHECK(rep.block.votes.size() == 5);
    CHECK(c->store().block(2)->votes.size() == 5);
    CHECK(rep.tries >= 1);
    CHECK(rep.gas_used > 0);
    CHECK(rep.total_ms >= rep.mining_ms);
    CHECK(rep.mining_ms >= 0);
    CHECK(rep.vm_ms > 0);

    // Stored: the block, its votes, and the checkpoint (compressed, named by its digest).
    CHECK(c->store().block_count() == 3);
    check_store_matches(*c);
    const auto path = c->store().checkpoint_path(b.payload.checkpoint);
    CHECK(path.filename() == hex(b.payload.checkpoint) + ".zst");
    CHECK(fs::exists(path));
    CHECK(c->store().checkpoint(b.payload.checkpoint) == bytes);
    for (const auto& n : c->nodes()) CHECK(n.replica().size() == 3);
    CHECK(c->current_state() == 2);
    require_verified(c->store(), 3);
}

TEST_CASE("append: the Results Queue and BlockCreation path, recorded in the contracts") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(7), honest());
    for (uint64_t e = 1; e <= 3; ++e)
        REQUIRE(c->append_epoch(epoch_result(e, 0.1 * static_cast<double>(e))).accepted);

    // BlockCreation recorded one candidate per epoch, each with the header's payload root.
    const auto creation = contract_address(c->store(), "BlockCreation");
    const auto count = c->ledger().call(creation, "BlockCreation", "candidates()", {});
    REQUIRE(count.ok());
    CHECK(count.get_u64(0) == 3);
    // The Results Queue is drained: its account's balance is back to zero.
    const auto queue = contract_address(c->store(), "ResultsQueue");
    CHECK(c->ledger().host().get_balance(queue) == vm::uint256{0});

    // The Consensus contract counted exactly the stored votes: each node's last counted vote is
    // the last block it voted on, the round kept is the last block's, decided; a second submission
    // of its work is refused, and so is one for an earlier height.
    const auto consensus = contract_address(c->store(), "Consensus");
    const auto stored = c->store().blocks();
    std::map<uint32_t, uint64_t> last_vote;
    for (uint64_t height = 2; height <= 4; ++height)
        for (const auto& v : stored[height].votes) last_vote[v.node] = height + 1;
    for (uint32_t node = 0; node < 7; ++node) {
        const auto voted = c->ledger().call(consensus, "Consensus", "lastVote(uint256)", {vm::uint256{node}});
        REQUIRE(voted.ok());
        CHECK(voted.get_u64(0) == (last_vote.count(node) ? last_vote[node] : 0));
    }
    for (uint64_t height = 2; height <= 4; ++height) {
        INFO("height " << height);
        const Block& b = stored[height];
        const auto encoded = b.header.encode();
        const auto again =
            c->ledger().call(consensus, "Consensus", "submitWork(uint256,bytes,bytes32,uint256,uint256)",
                             {vm::uint256{height}, Bytes(encoded.begin(), encoded.end()), b.hash(),
                              vm::uint256{b.header.nonce}, vm::uint256::from_be(target_of(8).data(), 32)});
        CHECK(again.revert_reason.find(height == 4 ? "AlreadyDecided" : "StaleHeight") == 0);
    }
    // The round as the contract keeps it: the block hash, its height, the accepts counted, verified,
    // decided.
    const auto round = c->ledger().call(consensus, "Consensus", "round()", {});
    REQUIRE(round.ok());
    CHECK(round.returns == std::vector<AbiValue>{stored[4].hash(), vm::uint256{4},
                                                 vm::uint256{stored[4].votes.size()}, vm::uint256{0}, true,
                                                 true});

    // Each epoch block's gas: BlockCreation.create, Consensus.submitWork, Consensus.vote.
    const auto gas = c->store().gas_records();
    for (uint64_t height = 2; height <= 4; ++height) {
        CHECK(has_gas(gas, height, "BlockCreation", "create"));
        CHECK(has_gas(gas, height, "Consensus", "submitWork"));
        CHECK(has_gas(gas, height, "Consensus", "vote"));
        size_t votes = 0;
        for (const auto& g : gas)
            if (g.height == height && g.function == "vote") ++votes;
        CHECK(votes == stored[height].votes.size());
    }
}

TEST_CASE("reopen: Chain::open continues the chain") {
    TempDir d;
    const auto dir = d.path / "run";
    std::vector<Hash> hashes;
    {
        auto c = Chain::init(dir, small_config(7), honest());
        REQUIRE(c->append_epoch(epoch_result(1, 0.4)).accepted);
        for (const auto& b : c->blocks()) hashes.push_back(b.hash());
    }
    for (uint64_t e = 2; e <= 4; ++e) {
        auto c = Chain::open(dir, honest());
        REQUIRE(c->blocks().size() == hashes.size());
        for (size_t i = 0; i < hashes.size(); ++i) CHECK(c->blocks()[i].hash() == hashes[i]);
        CHECK(c->nodes().size() == 7);
        for (const auto& n : c->nodes()) CHECK(n.replica().size() == hashes.size());
        const auto rep = c->append_epoch(epoch_result(e, 0.1 * static_cast<double>(e)));
        INFO(rep.reason);
        REQUIRE(rep.accepted);
        CHECK(rep.block.header.height == hashes.size());
        CHECK(rep.block.header.prev == hashes.back());
        hashes.push_back(rep.block.hash());
        check_store_matches(*c);
    }
    auto c = Chain::open(dir, honest());
    CHECK(c->blocks().size() == 6);
    CHECK(c->current_state() == 5);
    require_verified(c->store(), 6);
    // The contracts' state survived too: four candidates over three processes' worth of opens.
    const auto count =
        c->ledger().call(contract_address(c->store(), "BlockCreation"), "BlockCreation", "candidates()", {});
    CHECK(count.get_u64(0) == 4);
}

TEST_CASE("faults: crashed nodes (fewer than half) do not stop a block") {
    TempDir d;
    const std::set<uint32_t> crashed = {0, 2, 4};
    auto c = Chain::init(d.path / "run", small_config(7), honest());
    c.reset();
    c = Chain::open(d.path / "run", with_faults({{0, Fault::Crash}, {2, Fault::Crash}, {4, Fault::Crash}}));
    for (uint64_t e = 1; e <= 4; ++e) {
        const auto rep = c->append_epoch(epoch_result(e, 0.5));
        INFO(rep.reason);
        REQUIRE(rep.accepted);
        CHECK(rep.accepts == 4);  // every live node, and 400 >= 357
        CHECK(crashed.count(rep.winner) == 0);
        check_accepted_block(*c, rep.block.header.height, crashed);
    }
    for (uint32_t i : crashed) {
        CHECK_FALSE(c->nodes()[i].alive());
        CHECK(c->nodes()[i].replica().empty());
    }
    CHECK(c->nodes()[1].replica().size() == 6);
    require_verified(c->store(), 6);
}

TEST_CASE("faults: wrong voters (fewer than half) are outvoted") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(7),
                         with_faults({{0, Fault::WrongVote}, {1, Fault::WrongVote}, {2, Fault::WrongVote}}));
    // Nodes vote in index order, so the three wrong votes come first.
    for (uint64_t e = 1; e <= 3; ++e) {
        const auto rep = c->append_epoch(epoch_result(e, 0.5));
        INFO(rep.reason);
        REQUIRE(rep.accepted);
        CHECK(rep.rejects == 3);
        CHECK(rep.accepts == 4);
        for (const auto& v : rep.block.votes) CHECK(v.node >= 3);  // only accepting votes are kept
        check_accepted_block(*c, rep.block.header.height);
    }
    require_verified(c->store(), 5);
}

TEST_CASE("faults: forged nonces are counted and never accepted") {
    TempDir d;
    auto c =
        Chain::init(d.path / "run", small_config(7),
                    with_faults({{1, Fault::ForgeNonce}, {3, Fault::ForgeNonce}, {5, Fault::ForgeNonce}}));
    for (uint64_t e = 1; e <= 3; ++e) {
        const auto rep = c->append_epoch(epoch_result(e, 0.5));
        INFO(rep.reason);
        REQUIRE(rep.accepted);
        CHECK(rep.forged_claims == 3);
        CHECK_FALSE(is_forged_nonce(rep.block.header.nonce, 7));
        check_accepted_block(*c, rep.block.header.height);
    }
    // The failed submitWork calls are in the gas records, marked as failures.
    size_t failed = 0;
    for (const auto& g : c->store().gas_records())
        if (g.function == "submitWork" && !g.success) ++failed;
    CHECK(failed >= 9);
    require_verified(c->store(), 5);
}

namespace {

/// A chain of 7 honest nodes with epoch accuracies 0.5, 0.9, 0.3, 0.7 at heights 2 to 5.
void build_epochs(const fs::path& dir, uint32_t nodes = 7) {
    auto c = Chain::init(dir, small_config(nodes), honest());
    const double acc[] = {0.5, 0.9, 0.3, 0.7};
    for (uint64_t e = 0; e < 4; ++e) REQUIRE(c->append_epoch(epoch_result(e + 1, acc[e])).accepted);
}

}  // namespace

TEST_CASE("faults: wrong restore points (fewer than half) lose to the honest majority") {
    TempDir d;
    build_epochs(d.path / "run");
    auto c = Chain::open(d.path / "run", with_faults({{0, Fault::WrongRestorePoint},
                                                      {1, Fault::WrongRestorePoint},
                                                      {6, Fault::WrongRestorePoint}}));
    const auto rep = c->rollback(std::nullopt, "accuracy dropped");
    CHECK(rep.target == 3);
    CHECK(rep.proposals == std::map<uint64_t, uint32_t>{{3, 4}, {4, 3}});
    CHECK(rep.invalid_proposals == 0);
    REQUIRE(rep.block.accepted);
    CHECK(c->current_state() == 3);
    check_accepted_block(*c, 6);
    // The block records all seven proposals, the wrong ones too, each signed by its own node.
    const Payload& recorded = c->blocks()[6].payload;
    CHECK(recorded.failing_height == 5);  // the tip when the rollback was opened
    REQUIRE(recorded.proposals.size() == 7);
    for (uint32_t i = 0; i < 7; ++i) {
        CHECK(recorded.proposals[i].node == i);
        CHECK(recorded.proposals[i].target_height == (i == 0 || i == 1 || i == 6 ? 4u : 3u));
    }

    // Asked for a height, the wrong nodes still name the worst block; the majority wins again.
    const auto to = c->rollback(5, "back to epoch 4");
    CHECK(to.target == 5);
    CHECK(to.proposals == std::map<uint64_t, uint32_t>{{4, 3}, {5, 4}});
    CHECK(c->current_state() == 5);
    require_verified(c->store(), 8);
}

namespace {

/// A transport that passes everything through to in-process nodes but lets a test change the
/// proposals on their way to the chain, or the vote round on its way to the nodes (a node, or a
/// link, that does not play fair).
class MeddlingTransport final : public Transport {
public:
    explicit MeddlingTransport(std::function<void(Proposal&)> meddle,
                               std::function<void(VoteRound&)> meddle_round = {})
        : inner_{std::make_shared<InProcessTransport>(std::map<uint32_t, Fault>{}, 2)},
          meddle_{std::move(meddle)},
          meddle_round_{std::move(meddle_round)} {}

    void set_node_keys(std::vector<KeyPair> keys) override { inner_->set_node_keys(std::move(keys)); }
    void set_epoch_check(EpochCheck check) override { inner_->set_epoch_check(std::move(check)); }
    void open(const ChainConfig& config, const std::vector<NodeRecord>& nodes,
              const std::vector<Block>& blocks, const KeyPair& server_key, const Store& store) override {
        inner_->open(config, nodes, blocks, server_key, store);
    }
    void broadcast(const BlockHeader& header, const Payload& payload,
                   const std::vector<uint32_t>& recipients) override {
        inner_->broadcast(header, payload, recipients);
    }
    RaceOutcome race(BlockHeader& header, const Payload& payload, ConsensusQueue& claims) override {
        return inner_->race(header, payload, claims);
    }
    void collect_votes(const BlockHeader& claimed, const WorkClaim& claim, const VoteRound& round,
                       const std::function<bool(const Vote&)>& on_vote) override {
        VoteRound r = round;
        if (meddle_round_) meddle_round_(r);
        inner_->collect_votes(claimed, claim, r, on_vote);
    }
    void accepted(const Block& block, const BlockRecords& records) override {
        inner_->accepted(block, records);
    }
    void collect_restore_points(const RestoreRequest& request,
                                const std::function<void(const Proposal&)>& on_proposal) override {
        inner_->collect_restore_points(request, [&](const Proposal& p) {
            Proposal q = p;
            meddle_(q);
            on_proposal(q);
        });
    }
    [[nodiscard]] const std::vector<UserNode>& local_nodes() const override { return inner_->local_nodes(); }

private:
    std::shared_ptr<InProcessTransport> inner_;
    std::function<void(Proposal&)> meddle_;
    std::function<void(VoteRound&)> meddle_round_;
};

}  // namespace

TEST_CASE(
    "nodes: a proposal is signed over the run id, the rollback height, the failing block and the target") {
    const auto replica = replica_with({0.5, 0.9, 0.3});  // epochs at heights 2, 3, 4
    const KeyPair key = KeyPair::generate(), other = KeyPair::generate();
    UserNode good(0, key), wrong(1, other, Fault::WrongRestorePoint),
        crashed(2, KeyPair::generate(), Fault::Crash);
    for (auto* n : {&good, &wrong, &crashed}) n->load_replica(replica);
    RestoreRequest r;
    r.id = 1;
    r.run_id = 0x7e57;
    r.tip = 4;
    CHECK(r.subject() == 4);  // no failing block named: the tip
    CHECK(r.rollback_height() == 5);
    r.failing_hash = replica[4].hash();
    const auto p = good.proposal(r);
    REQUIRE(p);
    CHECK(p->node == 0);
    CHECK(p->height == 3);
    CHECK(p->target_hash == replica[3].hash());
    CHECK(verify_signature(key.public_key(),
                           proposal_message(0x7e57, 5, replica[4].hash(), 3, replica[3].hash()),
                           p->signature));
    CHECK(proposal_signed(r, key.public_key(), *p));
    CHECK_FALSE(proposal_signed(r, other.public_key(), *p));  // another node's key
    // A wrong node's choice is wrong, but signed by it.
    const auto w = wrong.proposal(r);
    REQUIRE(w);
    CHECK(w->height == 4);
    CHECK(proposal_signed(r, other.public_key(), *w));
    CHECK_FALSE(crashed.proposal(r));
    // The failing block named is the one signed; a request for another run or height does not match.
    r.failing = 3;
    CHECK(r.subject() == 3);
    const auto f = good.proposal(r);
    REQUIRE(f);
    CHECK(f->height == 2);                                  // the best epoch before block 3
    CHECK_FALSE(proposal_signed(r, key.public_key(), *f));  // failing_hash still names block 4
    r.failing_hash = replica[3].hash();
    CHECK(proposal_signed(r, key.public_key(), *f));
    RestoreRequest later = r;
    later.tip = 5;
    CHECK_FALSE(proposal_signed(later, key.public_key(), *f));
    RestoreRequest elsewhere = r;
    elsewhere.run_id = 1;
    CHECK_FALSE(proposal_signed(elsewhere, key.public_key(), *f));
    // A block the replica does not hold: nothing to sign.
    r.failing = 9;
    CHECK_FALSE(good.proposal(r));
}

TEST_CASE("rollback: proposals that do not hold up are dropped before the contract counts them") {
    TempDir d;
    build_epochs(d.path / "run");  // 7 nodes; epochs 0.5, 0.9, 0.3, 0.7 at heights 2 to 5
    const std::vector<KeyPair> keys = trainchain::test::node_keys_of(d.path / "run");
    const KeyPair stranger = KeyPair::generate();
    std::set<uint32_t> meddled;
    uint64_t run_id = 0, rollback_height = 0;
    Hash failing_hash{}, other_hash{};
    auto meddle = [&](Proposal& p) {
        if (!meddled.count(p.node)) return;
        const Bytes honest_message =
            proposal_message(run_id, rollback_height, failing_hash, p.height, p.target_hash);
        switch (p.node % 4) {
            case 0:  // a signature byte changed on the way
                p.signature[5] ^= 1;
                break;
            case 1:  // signed by a key no node registered
                p.signature = stranger.sign(honest_message);
                break;
            case 2:  // the node's own signature, over a hash that is not the chain's block
                p.target_hash = other_hash;
                p.signature = keys[p.node].sign(
                    proposal_message(run_id, rollback_height, failing_hash, p.height, other_hash));
                break;
            default:  // an index no node has
                p.node = 7;
                break;
        }
    };
    ChainOptions o;
    o.transport = std::make_shared<MeddlingTransport>(meddle);
    auto c = Chain::open(d.path / "run", o);
    run_id = c->store().config().run_id;
    rollback_height = c->blocks().size();
    failing_hash = c->blocks().back().hash();
    other_hash.fill(0x5a);
    meddled = {0, 1, 2};
    const auto rep = c->rollback(std::nullopt, "three bad proposals");
    CHECK(rep.invalid_proposals == 3);
    CHECK(rep.proposals == std::map<uint64_t, uint32_t>{{3, 4}});
    REQUIRE(rep.block.accepted);
    const Payload& recorded = c->blocks().back().payload;
    REQUIRE(recorded.proposals.size() == 4);
    for (size_t k = 0; k < 4; ++k) CHECK(recorded.proposals[k].node == k + 3);
    check_accepted_block(*c, 6);
    require_verified(c->store(), 7);

    // Four of seven dropped: the three left are no majority, and nothing is appended.
    rollback_height = c->blocks().size();
    failing_hash = c->blocks().back().hash();
    meddled = {0, 1, 2, 3};
    CHECK_THROWS_AS(c->rollback(5, "four bad proposals"), ChainError);
    CHECK(c->blocks().size() == 7);
    CHECK(c->store().block_count() == 7);
    require_verified(c->store(), 7);
}

TEST_CASE(
    "rollback: the failing block a proposal signs is the one named, else the tip; block_json shows them") {
    TempDir d;
    build_epochs(d.path / "run");
    auto c = Chain::open(d.path / "run", honest());
    CHECK_THROWS_AS(c->rollback(std::nullopt, "no such block", 6), ChainError);
    const auto rep = c->rollback(std::nullopt, "from block 4", 4);
    CHECK(rep.target == 3);
    const Payload& p = c->blocks().back().payload;
    CHECK(p.failing_height == 4);
    check_accepted_block(*c, 6);
    require_verified(c->store(), 7);
    const auto j = nlohmann::json::parse(*block_json(c->store(), 6));
    CHECK(j["failing"] == 4);
    CHECK(j["proposals"] == 7);
    REQUIRE(j["proposal_list"].size() == 7);
    for (size_t k = 0; k < 7; ++k) {
        CHECK(j["proposal_list"][k]["node"] == k);
        CHECK(j["proposal_list"][k]["target"] == 3);
        CHECK(j["proposal_list"][k]["signature"] == vm::to_hex(p.proposals[k].signature));
    }
    const auto epoch = nlohmann::json::parse(*block_json(c->store(), 5));
    CHECK_FALSE(epoch.contains("proposal_list"));
    CHECK_FALSE(epoch.contains("proposals"));
    const auto history = nlohmann::json::parse(history_json(c->store()));
    CHECK(history[6]["proposals"] == 7);
    CHECK_FALSE(history[6].contains("proposal_list"));
}

TEST_CASE("faults: tampered replicas (fewer than half) lose to the honest majority") {
    TempDir d;
    build_epochs(d.path / "run");
    auto c = Chain::open(
        d.path / "run",
        with_faults({{2, Fault::TamperedReplica}, {4, Fault::TamperedReplica}, {5, Fault::TamperedReplica}}));
    CHECK(c->nodes()[2].replica()[2].payload.accuracy == 1.0);
    CHECK(c->blocks()[2].payload.accuracy == 0.5);  // the chain itself is unchanged
    // They still vote correctly on new blocks: their headers are intact.
    const auto app = c->append_epoch(epoch_result(5, 0.2));
    REQUIRE(app.accepted);
    CHECK(app.rejects == 0);
    const auto rep = c->rollback(std::nullopt, "tampered nodes disagree");
    CHECK(rep.target == 3);
    CHECK(rep.proposals == std::map<uint64_t, uint32_t>{{2, 3}, {3, 4}});
    CHECK(c->blocks().back().payload.target_height == 3);
    require_verified(c->store(), 8);
}

TEST_CASE("faults: every kind at once, 9 of 20 nodes: blocks and rollbacks stay honest") {
    TempDir d;
    const auto dir = d.path / "run";
    build_epochs(dir, 20);
    const std::set<uint32_t> crashed = {0, 11};
    auto c = Chain::open(dir, with_faults({{0, Fault::Crash},
                                           {11, Fault::Crash},
                                           {2, Fault::WrongVote},
                                           {13, Fault::WrongVote},
                                           {4, Fault::ForgeNonce},
                                           {15, Fault::ForgeNonce},
                                           {6, Fault::WrongRestorePoint},
                                           {17, Fault::WrongRestorePoint},
                                           {8, Fault::TamperedReplica}}));
    for (uint64_t e = 5; e <= 7; ++e) {
        const auto rep = c->append_epoch(epoch_result(e, 0.1 * static_cast<double>(e - 4)));
        INFO(rep.reason);
        REQUIRE(rep.accepted);
        CHECK(rep.forged_claims == 2);
        check_accepted_block(*c, rep.block.header.height, crashed);
    }
    const auto rep = c->rollback(std::nullopt, "mixed faults");
    CHECK(rep.target == 3);  // accuracy 0.9
    CHECK(rep.proposals.at(3) == 15);
    REQUIRE(rep.block.accepted);
    check_accepted_block(*c, c->blocks().size() - 1, crashed);
    require_verified(c->store(), 10);
    for (size_t h = 0; h < c->blocks().size(); ++h)
        check_accepted_block(*c, h, h >= 6 ? crashed : std::set<uint32_t>{});
}

TEST_CASE("faults: with more than half crashed there is no quorum and nothing is stored") {
    TempDir d;
    const auto dir = d.path / "run";
    build_epochs(dir);
    const auto before = Store::open(dir)->blocks();
    const size_t gas_before = Store::open(dir)->gas_records().size();
    {
        auto c = Chain::open(
            dir, with_faults({{0, Fault::Crash}, {1, Fault::Crash}, {2, Fault::Crash}, {3, Fault::Crash}}));
        const auto rep = c->append_epoch(epoch_result(5, 0.99));
        CHECK_FALSE(rep.accepted);
        CHECK(rep.reason.find("quorum") != std::string::npos);
        CHECK(rep.accepts == 3);
        CHECK(c->blocks().size() == before.size());
        CHECK(c->store().block_count() == before.size());
        CHECK(c->current_state() == 5);
        // Nor can a majority that is not there roll back.
        CHECK_THROWS_AS(c->rollback(std::nullopt, "no majority"), ChainError);
        CHECK(c->store().block_count() == before.size());
    }
    auto s = Store::open(dir);
    const auto after = s->blocks();
    REQUIRE(after.size() == before.size());
    for (size_t i = 0; i < after.size(); ++i) {
        CHECK(after[i].hash() == before[i].hash());
        CHECK(after[i].votes.size() == before[i].votes.size());
    }
    CHECK(s->gas_records().size() == gas_before);
    require_verified(*s, before.size());
    s.reset();
    // The honest chain continues from where it was.
    auto c = Chain::open(dir, honest());
    const auto rep = c->append_epoch(epoch_result(5, 0.99));
    INFO(rep.reason);
    CHECK(rep.accepted);
    CHECK(rep.block.header.height == before.size());
    require_verified(c->store(), before.size() + 1);
}

TEST_CASE("faults: a wrong-voting majority rejects a valid block, and nothing is stored") {
    TempDir d;
    const auto dir = d.path / "run";
    build_epochs(dir);
    auto c = Chain::open(
        dir,
        with_faults(
            {{0, Fault::WrongVote}, {1, Fault::WrongVote}, {2, Fault::WrongVote}, {3, Fault::WrongVote}}));
    const auto rep = c->append_epoch(epoch_result(5, 0.5));
    CHECK_FALSE(rep.accepted);
    CHECK(rep.rejects == 4);
    CHECK(rep.reason.find("rejected") != std::string::npos);
    CHECK(c->store().block_count() == 6);
    require_verified(c->store(), 6);
}

TEST_CASE("faults: when every node has crashed nothing is mined") {
    TempDir d;
    const auto dir = d.path / "run";
    Chain::init(dir, small_config(3), honest()).reset();
    auto c = Chain::open(dir, with_faults({{0, Fault::Crash}, {1, Fault::Crash}, {2, Fault::Crash}}));
    const auto rep = c->append_epoch(epoch_result(1, 0.5));
    CHECK_FALSE(rep.accepted);
    CHECK_FALSE(rep.reason.empty());
    CHECK(c->store().block_count() == 2);
}

TEST_CASE("rollback: the best epoch wins, ties go to the later block, NaN never") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(7), honest());
    const double acc[] = {0.5, 0.9, 0.3, 0.9, nan_value, 0.2};  // heights 2..7
    for (uint64_t e = 0; e < 6; ++e) REQUIRE(c->append_epoch(epoch_result(e + 1, acc[e])).accepted);
    CHECK(std::isnan(c->blocks()[6].payload.accuracy));
    CHECK(c->current_state() == 7);
    std::vector<Hash> history;
    for (const auto& b : c->blocks()) history.push_back(b.hash());

    const auto rep = c->rollback(std::nullopt, "validation accuracy fell");
    CHECK(rep.target == 5);
    CHECK(rep.proposals == std::map<uint64_t, uint32_t>{{5, 7}});
    REQUIRE(rep.block.accepted);
    REQUIRE(c->blocks().size() == 9);
    const Block& rb = c->blocks()[8];
    CHECK(rb.payload.kind == BlockKind::Rollback);
    CHECK(rb.payload.target_height == 5);
    CHECK(rb.payload.epoch == c->blocks()[5].payload.epoch);
    CHECK(rb.payload.accuracy == 0.9);
    CHECK(rb.payload.loss == c->blocks()[5].payload.loss);
    CHECK(rb.payload.checkpoint == c->blocks()[5].payload.checkpoint);
    CHECK(rb.payload.checkpoint_size == c->blocks()[5].payload.checkpoint_size);
    CHECK(rb.payload.note == "validation accuracy fell");
    check_accepted_block(*c, 8);
    CHECK(c->current_state() == 5);
    // The rollback's own contract calls are recorded against its block.
    const auto gas = c->store().gas_records();
    CHECK(has_gas(gas, 8, "Rollback", "open"));
    CHECK(has_gas(gas, 8, "Rollback", "propose"));
    CHECK(has_gas(gas, 8, "Rollback", "decide"));
    CHECK(has_gas(gas, 8, "Consensus", "submitWork"));
    CHECK_FALSE(has_gas(gas, 8, "BlockCreation", "create"));

    // History never loses a block: every earlier block is still there, unchanged.
    for (size_t i = 0; i < history.size(); ++i) CHECK(c->blocks()[i].hash() == history[i]);

    // Training continues from the restored state; a better epoch becomes the next best.
    REQUIRE(c->append_epoch(epoch_result(7, 0.95)).accepted);
    CHECK(c->current_state() == 9);
    const auto again = c->rollback(std::nullopt, "again");
    CHECK(again.target == 9);
    CHECK(c->current_state() == 9);
    require_verified(c->store(), 11);
    c.reset();  // one writer at a time
    auto reopened = Chain::open(d.path / "run", honest());
    CHECK(reopened->current_state() == 9);
    for (size_t i = 0; i < history.size(); ++i) CHECK(reopened->blocks()[i].hash() == history[i]);
}

TEST_CASE("rollback --to HEIGHT: any earlier epoch block, nothing else") {
    TempDir d;
    const auto dir = d.path / "run";
    build_epochs(dir);  // epochs at 2..5
    auto c = Chain::open(dir, honest());
    const auto rep = c->rollback(4, "to the worst on purpose");
    CHECK(rep.target == 4);
    CHECK(rep.proposals == std::map<uint64_t, uint32_t>{{4, 7}});
    CHECK(c->current_state() == 4);
    CHECK(c->blocks().back().payload.target_height == 4);
    const size_t size = c->blocks().size();
    REQUIRE(size == 7);

    // Not an epoch block, or no such block: no node proposes it, and nothing is appended.
    for (uint64_t bad : {uint64_t{0}, uint64_t{1}, uint64_t{6}, uint64_t{7}, uint64_t{1000}}) {
        INFO("to " << bad);
        CHECK_THROWS_AS(c->rollback(bad, "bad target"), ChainError);
        CHECK(c->blocks().size() == size);
        CHECK(c->store().block_count() == size);
    }
    CHECK(c->current_state() == 4);
    // The chain still works after refused rollbacks.
    REQUIRE(c->append_epoch(epoch_result(5, 0.1)).accepted);
    REQUIRE(c->rollback(2, "first epoch").block.accepted);
    CHECK(c->current_state() == 2);
    require_verified(c->store(), 9);
}

TEST_CASE("rollback: refused without any epoch block, or when every accuracy is NaN") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(5), honest());
    CHECK_THROWS_AS(c->rollback(std::nullopt, "nothing yet"), ChainError);
    REQUIRE(c->append_epoch(epoch_result(1, nan_value)).accepted);
    CHECK_THROWS_AS(c->rollback(std::nullopt, "only NaN"), ChainError);
    CHECK(c->store().block_count() == 3);
    // An explicit height still works for a NaN block: the user asked for it.
    CHECK(c->rollback(2, "explicit").target == 2);
    require_verified(c->store(), 4);
}

TEST_CASE("export: checkpoints come back byte-identical, for epoch and rollback blocks") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(5), honest());
    std::vector<Bytes> inputs = {
        checkpoint_bytes(1, 100),
        checkpoint_bytes(2, 1 << 20),   // 1 MiB, half random
        Bytes(300000, 0),               // very compressible
        Bytes{},                        // empty
        Bytes{0x28, 0xb5, 0x2f, 0xfd},  // a zstd magic number as content
    };
    for (size_t i = 0; i < inputs.size(); ++i) {
        EpochResult r;
        r.epoch = i + 1;
        r.accuracy = 0.1 * static_cast<double>(i + 1);
        r.checkpoint = inputs[i];
        const auto rep = c->append_epoch(r);
        INFO(rep.reason);
        REQUIRE(rep.accepted);
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
        INFO("checkpoint " << i);
        const Block& b = c->blocks()[2 + i];
        CHECK(b.payload.checkpoint_size == inputs[i].size());
        const auto back = c->store().checkpoint(b.payload.checkpoint);
        REQUIRE(back);
        CHECK(*back == inputs[i]);
    }
    const auto big = c->blocks()[4].payload.checkpoint;
    CHECK(fs::file_size(c->store().checkpoint_path(big)) < 300000 / 10);  // zstd really compresses

    // A rollback names its target's checkpoint; exporting it gives the same bytes.
    CHECK(c->rollback(3, "export test").target == 3);
    CHECK(c->store().checkpoint(c->blocks().back().payload.checkpoint) == inputs[1]);
    CHECK_FALSE(c->store().checkpoint(sha256(Bytes{1, 2, 3})));  // absent: nullopt

    // The same bytes twice are stored once (content-addressed) and both blocks verify.
    REQUIRE(c->append_epoch(EpochResult{9, 0.2, 0.1, inputs[0], "", std::nullopt}).accepted);
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(d.path / "run" / "checkpoints")) {
        if (e.is_directory()) {  // where checkpoint files are written before they are renamed
            CHECK(e.path().filename() == ".partial");
            CHECK(fs::is_empty(e.path()));
            continue;
        }
        CHECK(e.path().extension() == ".zst");
        ++files;
    }
    CHECK(files == inputs.size());
    require_verified(c->store(), 2 + inputs.size() + 2);
}

TEST_CASE("gas: records per contract and function, matching the reports") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(6), honest());
    const auto rep = c->append_epoch(epoch_result(1, 0.5));
    REQUIRE(rep.accepted);
    REQUIRE(c->rollback(std::nullopt, "gas").block.accepted);
    const auto gas = c->store().gas_records();
    for (const char* contract : {"NodeRegistry", "BlockCreation", "Consensus", "Rollback"}) {
        INFO(contract);
        CHECK(has_gas(gas, 0, contract, "constructor"));
    }
    size_t registrations = 0;
    for (const auto& g : gas) {
        INFO(g.contract << "." << g.function << " at " << g.height);
        CHECK(g.gas_used > 0);
        CHECK(g.height < c->blocks().size());
        if (g.function == "register") {
            CHECK(g.contract == "NodeRegistry");
            CHECK(g.height == 1);
            CHECK(g.success);
            ++registrations;
        }
    }
    CHECK(registrations == 6);  // one CREATE per node
    CHECK(has_gas(gas, 1, "Consensus", "submitWork"));
    CHECK(has_gas(gas, 1, "Consensus", "vote"));
    CHECK(has_gas(gas, 2, "BlockCreation", "create"));
    CHECK(has_gas(gas, 3, "Rollback", "decide"));

    // An epoch block's report counts the gas of exactly the calls recorded at its height.
    int64_t at2 = 0;
    for (const auto& g : gas)
        if (g.height == 2) at2 += g.gas_used;
    CHECK(at2 == rep.gas_used);
}

TEST_CASE("open: the stored VM state, nodes and contracts come back as they were") {
    TempDir d;
    const auto dir = d.path / "run";
    Bytes state;
    std::vector<PublicKey> keys;
    {
        auto c = Chain::init(dir, small_config(5), honest());
        REQUIRE(c->append_epoch(epoch_result(1, 0.5)).accepted);
        state = encode_world(c->ledger().world());
        for (const auto& n : c->nodes()) keys.push_back(n.public_key());
    }
    auto c = Chain::open(dir, honest());
    CHECK(encode_world(c->ledger().world()) == state);
    CHECK(encode_world(c->store().vm_state()) == state);
    REQUIRE(c->nodes().size() == keys.size());
    for (size_t i = 0; i < keys.size(); ++i) CHECK(c->nodes()[i].public_key() == keys[i]);
}

TEST_CASE(
    "replica: put_checkpoint_file keeps another store's file byte for byte, refuses what does not match") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(3), honest());
    const Bytes content = checkpoint_bytes(7, 300000);
    REQUIRE(c->append_epoch(EpochResult{1, 0.5, 1.0, content, "", std::nullopt}).accepted);
    const Hash digest = c->blocks().back().payload.checkpoint;
    const Bytes file = c->store().checkpoint_file(digest);
    REQUIRE(!file.empty());

    auto replica = Store::create(d.path / "replica", small_config(3));
    const auto path = replica->checkpoint_path(digest);
    auto refused = [&](const Hash& as, const Bytes& bytes, std::optional<uint64_t> size, const char* why) {
        INFO(why);
        CHECK_THROWS_AS(replica->put_checkpoint_file(as, bytes, size), StoreError);
        CHECK_FALSE(fs::exists(replica->checkpoint_path(as)));
        CHECK_FALSE(replica->intact_checkpoint_file(as));
    };
    refused(sha256(Bytes{1, 2, 3}), file, std::nullopt, "another digest");
    refused(digest, file, content.size() + 1, "another size");
    refused(digest, Bytes(file.begin(), file.end() - 10), std::nullopt, "truncated");
    Bytes longer = file;
    longer.push_back(0);
    refused(digest, longer, std::nullopt, "a byte after the frame");
    Bytes flipped = file;
    flipped[flipped.size() / 2] ^= 0x40;
    refused(digest, flipped, std::nullopt, "a byte changed");
    refused(digest, content, std::nullopt, "not compressed");

    replica->put_checkpoint_file(digest, file, content.size());
    CHECK(replica->checkpoint_file(digest) == file);  // byte-identical to the server's
    CHECK(replica->checkpoint(digest) == content);
    CHECK(replica->intact_checkpoint_file(digest) == sha256(file));  // pending until the next append
    CHECK_FALSE(replica->checkpoint_file_digest(digest));
    const auto genesis_state = c->store().state_record(0);
    REQUIRE(genesis_state);
    replica->append(*c->store().block(0), {}, &*genesis_state);
    CHECK(replica->checkpoint_file_digest(digest) == sha256(file));
    CHECK(replica->state_height() == 0);
    // A block without its journal row leaves the journal and the saved state behind.
    replica->append(*c->store().block(1), c->store().gas_records(1), nullptr, c->store().gas_profiles(1));
    CHECK(replica->state_height() == 0);
    CHECK(encode_world(replica->vm_state()) == encode_world(*c->store().vm_state_at(0)));
    CHECK(replica->gas_records(1).size() == c->store().gas_records(1).size());
    // The next block's row cannot follow it: the row of block 1 is missing.
    const auto state2 = c->store().state_record(2);
    REQUIRE(state2);
    CHECK_THROWS_AS(replica->append(*c->store().block(2), {}, &*state2), StoreError);
    CHECK(replica->block_count() == 2);  // nothing of block 2 was written
    CHECK(replica->checkpoint_file_digest(digest) == c->store().checkpoint_file_digest(digest));

    // A damaged file is noticed, and a good copy put over it.
    write_file_atomically(path, Bytes{1, 2, 3});
    CHECK_FALSE(replica->intact_checkpoint_file(digest));
    replica->put_checkpoint_file(digest, file);
    CHECK(replica->intact_checkpoint_file(digest) == sha256(file));

    // A checkpoint of a block the replica holds already is recorded at once.
    const Bytes second = checkpoint_bytes(8, 5000);
    REQUIRE(c->append_epoch(EpochResult{2, 0.6, 1.0, second, "", std::nullopt}).accepted);
    const Hash d2 = c->blocks().back().payload.checkpoint;
    replica->put_checkpoint_file(d2, c->store().checkpoint_file(d2), second.size());
    replica->record_checkpoint_files();
    CHECK(replica->checkpoint_file_digest(d2) == c->store().checkpoint_file_digest(d2));
}

namespace {

/// The in-process transport, with a record of what the chain asked of it.
class RecordingTransport final : public Transport {
public:
    RecordingTransport() : inner_{{}, 2} {}
    void set_node_keys(std::vector<KeyPair> keys) override { inner_.set_node_keys(std::move(keys)); }
    void open(const ChainConfig& config, const std::vector<NodeRecord>& nodes,
              const std::vector<Block>& blocks, const KeyPair& server_key, const Store& store) override {
        contracts = store.meta("contracts").value_or("");
        inner_.open(config, nodes, blocks, server_key, store);
    }
    void publish_checkpoint(const Store& store, const Hash& digest) override {
        events.push_back("checkpoint " + hex(digest));
        CHECK(store.checkpoint(digest));  // stored before it is published
    }
    void broadcast(const BlockHeader& header, const Payload& payload,
                   const std::vector<uint32_t>& recipients) override {
        events.push_back("broadcast " + std::string(kind_name(payload.kind)) + " " + hex(payload.checkpoint));
        inner_.broadcast(header, payload, recipients);
    }
    RaceOutcome race(BlockHeader& header, const Payload& payload, ConsensusQueue& claims) override {
        return inner_.race(header, payload, claims);
    }
    void collect_votes(const BlockHeader& claimed, const WorkClaim& claim, const VoteRound& round,
                       const std::function<bool(const Vote&)>& on_vote) override {
        inner_.collect_votes(claimed, claim, round, on_vote);
    }
    void accepted(const Block& block, const BlockRecords& records) override {
        accepted_blocks.emplace_back(block, records);
        inner_.accepted(block, records);
    }
    void collect_restore_points(const RestoreRequest& request,
                                const std::function<void(const Proposal&)>& on_proposal) override {
        inner_.collect_restore_points(request, on_proposal);
    }
    [[nodiscard]] const std::vector<UserNode>& local_nodes() const override { return inner_.local_nodes(); }

    std::string contracts;
    std::vector<std::string> events;
    std::vector<std::pair<Block, BlockRecords>> accepted_blocks;

private:
    InProcessTransport inner_;
};

}  // namespace

TEST_CASE(
    "transport: checkpoints go out before their candidates; accepted blocks carry what the store keeps") {
    TempDir d;
    auto t = std::make_shared<RecordingTransport>();
    ChainOptions o;
    o.transport = t;
    auto c = Chain::init(d.path / "run", small_config(4), o);
    CHECK(t->contracts.find("Consensus") != std::string::npos);
    REQUIRE(c->append_epoch(epoch_result(1, 0.5)).accepted);
    REQUIRE(c->append_epoch(epoch_result(2, 0.7)).accepted);
    REQUIRE(c->rollback(2, "test").block.accepted);
    const auto& b = c->blocks();
    const auto ck = [&](size_t h) { return hex(b[h].payload.checkpoint); };
    const std::vector<std::string> expected = {
        "broadcast registration " + ck(1), "checkpoint " + ck(2),
        "broadcast epoch " + ck(2),        "checkpoint " + ck(3),
        "broadcast epoch " + ck(3),        "checkpoint " + ck(2),
        "broadcast rollback " + ck(2),  // the target's checkpoint again
    };
    CHECK(t->events == expected);

    const Store& store = c->store();
    REQUIRE(t->accepted_blocks.size() == b.size() - 1);  // all but genesis, mined by the server alone
    for (const auto& [block, records] : t->accepted_blocks) {
        const uint64_t h = block.header.height;
        INFO("block " << h);
        CHECK(block.hash() == b[h].hash());
        const auto gas = store.gas_records(h);
        REQUIRE(records.gas.size() == gas.size());
        CHECK(!gas.empty());
        for (size_t i = 0; i < gas.size(); ++i) {
            CHECK(records.gas[i].height == h);
            CHECK(records.gas[i].contract == gas[i].contract);
            CHECK(records.gas[i].function == gas[i].function);
            CHECK(records.gas[i].gas_used == gas[i].gas_used);
        }
        const auto profiles = store.gas_profiles(h);
        REQUIRE(records.profiles.size() == profiles.size());
        for (size_t i = 0; i < profiles.size(); ++i) {
            CHECK(records.profiles[i].function == profiles[i].function);
            CHECK(records.profiles[i].gas_used == profiles[i].gas_used);
            CHECK(records.profiles[i].profile.total() == profiles[i].profile.total());
        }
        REQUIRE(records.state.has_value());
        CHECK(records.state == store.state_record(h));  // the journal row, as stored
    }
    // The per-block reads are the whole lists, filtered.
    size_t records = 0, profiles = 0;
    for (uint64_t h = 0; h < b.size(); ++h) {
        records += store.gas_records(h).size();
        profiles += store.gas_profiles(h).size();
    }
    CHECK(records == store.gas_records().size());
    CHECK(profiles == store.gas_profiles().size());
}

TEST_CASE("quorum: below a majority (1..50 %) is refused by init and by the store") {
    // Before: any quorum from 1 % was accepted, and a minority of the nodes could accept blocks.
    TempDir d;
    for (const uint32_t q : {0u, 1u, 25u, 49u, 50u, 101u}) {
        INFO("quorum " << q);
        auto cfg = small_config(3);
        cfg.quorum_percent = q;
        const auto dir = d.path / ("q" + std::to_string(q));
        CHECK_THROWS_AS(Chain::init(dir, cfg, honest()), ChainError);
        CHECK_FALSE(fs::exists(dir / "chain.db"));
        CHECK_THROWS_AS(Store::create(d.path / ("s" + std::to_string(q)), cfg), StoreError);
    }
    for (const uint32_t q : {min_quorum_percent, 100u}) {
        auto cfg = small_config(3);
        cfg.quorum_percent = q;
        auto c = Chain::init(d.path / ("ok" + std::to_string(q)), cfg, honest());
        CHECK(c->store().config().quorum_percent == q);
    }
    CHECK(min_quorum_percent == 51);
}

TEST_CASE("lock: one writer per chain directory; readers need no lock") {
    // Before: two writers on one directory raced; the loser failed with "UNIQUE constraint
    // failed" (or, without overlap, recorded the same epoch twice) and left its checkpoint behind.
    TempDir d;
    const auto dir = d.path / "run";
    auto c = Chain::init(dir, small_config(3), honest());
    REQUIRE(c->append_epoch(epoch_result(1, 0.5)).accepted);
    CHECK((fs::status(dir / "chain.lock").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    const auto files_before = std::distance(fs::directory_iterator(dir / "checkpoints"), {});
    // The holder of init's chain is the writer; another open is refused with ChainBusy.
    try {
        Chain::open(dir, honest());
        FAIL("a second writer opened the chain");
    } catch (const ChainBusy& e) {
        CHECK(std::string(e.what()).find("chain is busy") != std::string::npos);
        CHECK(std::string(e.what()).find(dir.string()) == 0);
    }
    // Another thread of the same process is refused too (the lock is per open, not per process).
    bool busy = false;
    std::thread([&] {
        try {
            Chain::open(dir, honest());
        } catch (const ChainBusy&) {
            busy = true;
        }
    }).join();
    CHECK(busy);
    // Readers go on: the store opens, verifies and reads.
    {
        const auto store = Store::open(dir);
        CHECK(store->block_count() == 3);
        CHECK(verify(*store).ok);
        CHECK_FALSE(history_json(*store).empty());
    }
    CHECK(std::distance(fs::directory_iterator(dir / "checkpoints"), {}) == files_before);
    // The writer goes on; once it is gone, the next writer opens.
    REQUIRE(c->append_epoch(epoch_result(2, 0.6)).accepted);
    c.reset();
    auto next = Chain::open(dir, honest());
    CHECK(next->append_epoch(epoch_result(3, 0.7)).accepted);
    CHECK_THROWS_AS(Chain::open(dir, honest()), ChainBusy);
    next.reset();
    CHECK_NOTHROW(Chain::open(dir, honest()));
}

TEST_CASE("open: temporary checkpoint files left by a killed writer are removed, checkpoints kept") {
    // Before: kill -9 while a checkpoint was written left DIGEST.zst.XXXXXX files forever. They are
    // written in checkpoints/.partial, so that the writer that opens the chain next lists that
    // directory only, not every checkpoint.
    TempDir d;
    const auto dir = d.path / "run";
    Hash kept{};
    {
        auto c = Chain::init(dir, small_config(3), honest());
        REQUIRE(c->append_epoch(epoch_result(1, 0.5)).accepted);
        kept = c->blocks().back().payload.checkpoint;
    }
    const auto ck = dir / "checkpoints";
    const auto partial = ck / ".partial";
    const auto real = ck / (hex(kept) + ".zst");
    REQUIRE(fs::exists(real));
    REQUIRE(fs::is_directory(partial));
    CHECK(fs::is_empty(partial));  // the checkpoint's temporary file was renamed into place
    const auto real_bytes = std::filesystem::file_size(real);
    const std::vector<std::string> leftovers = {hex(kept) + ".zst.a1B2c3",
                                                std::string(64, 'e') + ".zst.XXXXXX",
                                                std::string(64, '0') + ".zst.zz9_Q-"};
    for (const auto& name : leftovers) std::ofstream(partial / name) << "partial";
    // Beside the checkpoints: not written by this format (a store of format 2 is cleaned when it
    // is migrated), left alone.
    const std::vector<std::string> others = {"README", std::string(64, 'b') + ".zst.tmp",
                                             std::string(64, 'c') + ".zst",
                                             std::string(64, 'd') + ".zst.a1B2c3"};
    for (const auto& name : others) std::ofstream(ck / name) << "x";
    // Readers do not clean (they hold no lock).
    Store::open(dir);
    for (const auto& name : leftovers) CHECK(fs::exists(partial / name));
    {
        auto c = Chain::open(dir, honest());
        for (const auto& name : leftovers) CHECK_FALSE(fs::exists(partial / name));
        for (const auto& name : others) CHECK(fs::exists(ck / name));
        CHECK(fs::file_size(real) == real_bytes);
        CHECK(c->append_epoch(epoch_result(2, 0.6)).accepted);
    }
    fs::remove(ck / (std::string(64, 'c') + ".zst"));  // not a checkpoint: verify would not mind
    CHECK(verify(*Store::open(dir)).ok);
}

TEST_CASE("check_epoch_result: the next epoch, a finite accuracy in [0, 1], UTF-8 notes") {
    // Before: `chain append` recorded epoch 0, accuracy 5 or -1 and repeated epochs.
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(3), honest());
    CHECK(next_epoch(c->blocks()) == 1);
    auto check = [&](uint64_t epoch, double accuracy, double loss = 0.5, std::string note = "") {
        auto r = epoch_result(epoch, accuracy, loss);
        r.note = std::move(note);
        return check_epoch_result(c->blocks(), r);
    };
    CHECK(check(1, 0.5).ok());
    CHECK(check(1, 0).ok());
    CHECK(check(1, 1).ok());
    CHECK(check(1, 0.5, nan_value).ok());  // a diverged epoch is recorded (and then rolled back)
    CHECK(check(1, 0.5, std::numeric_limits<double>::infinity()).ok());
    CHECK(check(1, 0.5, 0.5, "{\"x\": \"\xc3\xa9\"}").ok());
    const double inf = std::numeric_limits<double>::infinity();
    struct Bad {
        uint64_t epoch;
        double accuracy;
        std::string note;
        Reject code;
        const char* why;
    };
    for (const Bad& b : std::vector<Bad>{{0, 0.5, "", Reject::EpochZero, "numbered from 1"},
                                         {2, 0.5, "", Reject::EpochOrder, "expects epoch 1, not 2"},
                                         {1, 5, "", Reject::Accuracy, "accuracy"},
                                         {1, -1, "", Reject::Accuracy, "accuracy"},
                                         {1, 1.0000001, "", Reject::Accuracy, "accuracy"},
                                         {1, -0.0000001, "", Reject::Accuracy, "accuracy"},
                                         {1, nan_value, "", Reject::Accuracy, "accuracy"},
                                         {1, inf, "", Reject::Accuracy, "accuracy"},
                                         {1, -inf, "", Reject::Accuracy, "accuracy"},
                                         {1, 0.5, "bad \xff", Reject::NoteUtf8, "UTF-8"},
                                         {1, 0.5, "\xc0\xaf", Reject::NoteUtf8, "UTF-8"},
                                         {1, 0.5, "\xed\xa0\x80", Reject::NoteUtf8, "UTF-8"},
                                         {1, 0.5, std::string(4097, 'n'), Reject::NoteLength, "4096"}}) {
        const auto r = check(b.epoch, b.accuracy, 0.5, b.note);
        INFO(b.epoch << " " << b.accuracy << " " << b.why << ": " << r.token() << ": " << r.detail);
        CHECK(r.code == b.code);
        CHECK(r.result() == ValidationResult::Request);
        CHECK(r.detail.find(b.why) != std::string::npos);
    }
    REQUIRE(c->append_epoch(epoch_result(1, 0.5)).accepted);
    REQUIRE(c->append_epoch(epoch_result(2, 0.7)).accepted);
    CHECK(next_epoch(c->blocks()) == 3);
    CHECK(check(2, 0.5).code == Reject::EpochOrder);  // repeated
    CHECK(check(1, 0.5).code == Reject::EpochOrder);  // out of order
    CHECK(check(4, 0.5).code == Reject::EpochOrder);  // skipped
    CHECK(check(3, 0.5).ok());
    // After a rollback to epoch 1, the next epoch is 2 again.
    REQUIRE(c->rollback(2, "back to epoch 1").block.accepted);
    CHECK(next_epoch(c->blocks()) == 2);
    CHECK(check(2, 0.5).ok());
    CHECK(check(3, 0.5).code == Reject::EpochOrder);
}

TEST_CASE("rollback to best on the current line: not the state itself, not an abandoned branch") {
    // Before: `rollback --to best` let each node search its whole replica: it rolled back to the
    // tip itself (block 12 -> 11) and could restore an epoch abandoned by an earlier rollback.
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(5), honest());
    // 2: e1 0.5, 3: e2 0.6, 4: e3 0.95 (abandoned below), 5: e4 0.2; 6: rollback to 3;
    // 7: e3 0.7, 8: e4 0.8 (the current state, the best on its line).
    const double acc[] = {0.5, 0.6, 0.95, 0.2};
    for (uint64_t e = 0; e < 4; ++e) REQUIRE(c->append_epoch(epoch_result(e + 1, acc[e])).accepted);
    REQUIRE(c->rollback(3, "epoch 4 failed").block.accepted);
    REQUIRE(c->append_epoch(epoch_result(3, 0.7)).accepted);
    REQUIRE(c->append_epoch(epoch_result(4, 0.8)).accepted);
    const auto& blocks = c->blocks();
    REQUIRE(blocks.size() == 9);
    REQUIRE(c->current_state() == 8);

    // Requests: the current state and non-epoch blocks are refused; others are checked.
    CHECK(check_rollback_request(blocks, std::nullopt).ok());
    CHECK(check_rollback_request(blocks, 4).ok());  // asked for by height: the user's choice
    CHECK(check_rollback_request(blocks, 2).ok());
    const auto tip = check_rollback_request(blocks, 8);
    CHECK(tip.code == Reject::RollbackIsState);
    CHECK(tip.token() == "rollback-is-state");
    CHECK(tip.detail.find("already holds the run's training state") != std::string::npos);
    for (uint64_t bad : {uint64_t{0}, uint64_t{1}, uint64_t{6}, uint64_t{9}})
        CHECK(check_rollback_request(blocks, bad).code == Reject::RollbackNotEpoch);

    const auto rep = c->rollback(std::nullopt, "best", c->current_state());
    CHECK(rep.target == 7);  // the best before block 8 on its line (7, 3, 2), not 4, not 8
    CHECK(rep.proposals == std::map<uint64_t, uint32_t>{{7, 5}});
    CHECK(c->current_state() == 7);

    // A run whose state has nothing before it on its line cannot roll back to "best".
    TempDir d2;
    auto one = Chain::init(d2.path / "run", small_config(3), honest());
    CHECK(check_rollback_request(one->blocks(), std::nullopt).code == Reject::RollbackNoState);  // no epoch
    REQUIRE(one->append_epoch(epoch_result(1, 0.5)).accepted);
    const auto only = check_rollback_request(one->blocks(), std::nullopt);
    CHECK(only.code == Reject::RollbackNoEarlier);
    CHECK(only.detail.find("no epoch before its current state") != std::string::npos);
}

TEST_CASE("utf8: valid_utf8 and utf8_prefix; rollback reasons must be UTF-8 and are cut on a boundary") {
    CHECK(valid_utf8(""));
    CHECK(valid_utf8("plain ascii"));
    CHECK(valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // e-acute, euro, an emoji
    for (const char* bad : {"\xff", "bad \xff", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                            "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\x80"})
        CHECK_FALSE(valid_utf8(bad));
    const std::string euros = "\xe2\x82\xac\xe2\x82\xac";
    CHECK(utf8_prefix(euros, 4) == "\xe2\x82\xac");
    CHECK(utf8_prefix(euros, 3) == "\xe2\x82\xac");
    CHECK(utf8_prefix(euros, 2).empty());
    CHECK(utf8_prefix(euros, 6) == euros);

    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(3), honest());
    REQUIRE(c->append_epoch(epoch_result(1, 0.5)).accepted);
    CHECK_THROWS_AS(c->rollback(2, "bad \xff"), ChainError);
    CHECK(c->blocks().size() == 3);
    // 4095 ASCII bytes and a euro sign: the note keeps 4095 bytes, not a broken character.
    const auto rep = c->rollback(2, std::string(4095, 'r') + "\xe2\x82\xac");
    REQUIRE(rep.block.accepted);
    CHECK(c->blocks().back().payload.note == std::string(4095, 'r'));
    CHECK(nlohmann::json::parse(history_json(c->store())).size() == 4);
}

namespace {

/// Training states that differ: pseudo-random bytes (little to compress) of a few KiB.
std::vector<Bytes> segment_states(size_t count, uint64_t salt = 0) {
    std::vector<Bytes> out;
    for (size_t i = 0; i < count; ++i) out.push_back(checkpoint_bytes(salt * 1000 + i + 1, 4096 + i));
    return out;
}

std::vector<Hash> digests_of(const std::vector<Bytes>& states) {
    std::vector<Hash> out;
    for (const auto& s : states) out.push_back(sha256(s));
    return out;
}

Bytes read_all(const fs::path& path) {
    std::ifstream f(path, std::ios::binary);
    return Bytes{std::istreambuf_iterator<char>(f), {}};
}

void write_all(const fs::path& path, const Bytes& bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("segments: states stored by digest (zstd, 0600 in a 0700 directory), read back checked") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(3), honest());
    Store& s = c->store();
    const auto states = segment_states(4);
    for (const auto& state : states) {
        const Hash digest = s.put_segment_state(state);
        CHECK(digest == sha256(state));
        const auto path = s.segment_state_path(digest);
        CHECK(path == d.path / "run" / "segments" / (hex(digest) + ".zst"));
        REQUIRE(fs::exists(path));
        CHECK((fs::status(path).permissions() & fs::perms::all) ==
              (fs::perms::owner_read | fs::perms::owner_write));
        CHECK(s.segment_state(digest) == state);
    }
    CHECK((fs::status(d.path / "run" / "segments").permissions() & fs::perms::all) == fs::perms::owner_all);
    CHECK_FALSE(s.segment_state(sha256(Bytes{9})));
    // Compressed: a state of repeated bytes takes far less than its size.
    const Bytes flat(100000, 7);
    CHECK(fs::file_size(s.segment_state_path(s.put_segment_state(flat))) < 1000);
    // Stored again: the intact file is kept.
    const Hash d0 = sha256(states[0]);
    const auto path0 = s.segment_state_path(d0);
    const Bytes file0 = read_all(path0);
    CHECK(s.put_segment_state(states[0]) == d0);
    CHECK(read_all(path0) == file0);
    // A damaged file: refused when read; stored again, it is written anew.
    Bytes damaged = file0;
    damaged.at(damaged.size() / 2) ^= 0x10;
    write_all(path0, damaged);
    CHECK_THROWS_WITH_AS((void)s.segment_state(d0), doctest::Contains("corrupt segment state"), StoreError);
    CHECK(s.put_segment_state(states[0]) == d0);
    CHECK(s.segment_state(d0) == states[0]);
    // Another state's (intact) file under this digest's name: its content's SHA-256 gives it away.
    write_all(path0, read_all(s.segment_state_path(sha256(states[1]))));
    CHECK_THROWS_WITH_AS((void)s.segment_state(d0), doctest::Contains("SHA-256"), StoreError);
    write_all(path0, Bytes{1, 2, 3});
    CHECK_THROWS_AS((void)s.segment_state(d0), StoreError);
}

TEST_CASE("segments: leaves by root, openings whose proofs verify, and dropping states") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(3), honest());
    Store& s = c->store();
    const auto states = segment_states(5);  // 4 segments: states 0..4
    const auto leaves = digests_of(states);
    const Hash root = merkle_root(leaves);
    for (const auto& state : states) s.put_segment_state(state);
    CHECK_FALSE(s.segment_leaves(root));
    CHECK_FALSE(open_segment(s, root, 0, false));
    s.put_segment_leaves(root, leaves);
    CHECK(s.segment_leaves(root) == leaves);
    CHECK_THROWS_AS(s.put_segment_leaves(sha256(Bytes{1}), leaves), std::invalid_argument);  // not their root
    CHECK_THROWS_AS(s.put_segment_leaves(root, {}), std::invalid_argument);
    for (uint32_t i = 0; i < leaves.size(); ++i) {
        INFO("leaf " << i);
        const auto o = open_segment(s, root, i, true);
        REQUIRE(o);
        CHECK(o->leaf == leaves[i]);
        CHECK(o->state == states[i]);
        CHECK(merkle_verify(o->leaf, i, leaves.size(), o->proof, root));
        CHECK_FALSE(merkle_verify(o->leaf, (i + 1) % leaves.size(), leaves.size(), o->proof, root));
        const auto without = open_segment(s, root, i, false);
        REQUIRE(without);
        CHECK(without->state.empty());
        CHECK(without->proof == o->proof);
    }
    CHECK_FALSE(open_segment(s, root, 5, false));

    // Keep leaves 0 and 4 (and an index past the last, ignored): the three others' files go.
    const std::vector<uint32_t> keep{0, 4, 99};
    CHECK(s.drop_segment_states(root, keep) == 3);
    for (uint32_t i = 0; i < leaves.size(); ++i) {
        INFO("leaf " << i);
        CHECK(fs::exists(s.segment_state_path(leaves[i])) == (i == 0 || i == 4));
        CHECK(open_segment(s, root, i, true).has_value() == (i == 0 || i == 4));
        CHECK(open_segment(s, root, i, false).has_value());  // the leaves stay: proofs still come
    }
    CHECK(s.segment_leaves(root) == leaves);
    // Dropping keeps only what was kept before: asking for 2 again brings nothing back.
    const std::vector<uint32_t> keep_first{0, 2};
    CHECK(s.drop_segment_states(root, keep_first) == 1);
    CHECK(fs::exists(s.segment_state_path(leaves[0])));
    CHECK_FALSE(fs::exists(s.segment_state_path(leaves[4])));
    CHECK(s.drop_segment_states(sha256(Bytes{5}), keep) == 0);  // no such root

    // Another root sharing a state (a retrained epoch starts from the same state): dropping one
    // root leaves what the other still keeps.
    const auto again = segment_states(3, 7);
    std::vector<Hash> other{leaves[0], sha256(again[1]), sha256(again[2])};
    for (const auto& state : again) s.put_segment_state(state);
    const Hash other_root = merkle_root(other);
    s.put_segment_leaves(other_root, other);
    CHECK(s.drop_segment_states(root, {}) == 0);  // leaf 0 is the other root's too
    CHECK(fs::exists(s.segment_state_path(leaves[0])));
    CHECK(s.drop_segment_states(other_root, {}) == 3);
    CHECK_FALSE(fs::exists(s.segment_state_path(leaves[0])));
}

TEST_CASE("segments: an epoch block carries its commitment; verify needs none of the states") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(4), honest());
    const auto states = segment_states(5);
    const auto leaves = digests_of(states);
    for (const auto& state : states) c->store().put_segment_state(state);
    c->store().put_segment_leaves(merkle_root(leaves), leaves);
    auto r = epoch_result(1, 0.5);
    r.segments = SegmentCommitment{8, 4, merkle_root(leaves)};
    CHECK(check_epoch_result(c->blocks(), r).ok());
    const auto rep = c->append_epoch(r);
    REQUIRE(rep.accepted);
    CHECK(rep.block.payload.segments == r.segments);
    CHECK(c->blocks().back().payload.segments == r.segments);
    CHECK(c->store().block(2)->payload.segments == r.segments);
    CHECK(verify(c->store()).ok);
    CHECK(c->store().drop_segment_states(merkle_root(leaves), {}) == 5);
    const auto v = verify(c->store());
    INFO(v.reason);
    CHECK(v.ok);
    // An epoch without a commitment after it: as before.
    REQUIRE(c->append_epoch(epoch_result(2, 0.6)).accepted);
    CHECK_FALSE(c->blocks().back().payload.segments);
    c.reset();
    auto reopened = Chain::open(d.path / "run", honest());
    CHECK(reopened->blocks().at(2).payload.segments == r.segments);
    CHECK(verify(reopened->store()).ok);
}

TEST_CASE("check_epoch_result: a segment commitment needs steps >= 1 and 1 to max_segments segments") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(3), honest());
    for (const auto& [seg, ok] :
         {std::pair{SegmentCommitment{1, 1, {}}, true},
          std::pair{SegmentCommitment{8, max_segments, {}}, true},
          std::pair{SegmentCommitment{0, 3, {}}, false}, std::pair{SegmentCommitment{8, 0, {}}, false},
          std::pair{SegmentCommitment{8, max_segments + 1, {}}, false}}) {
        auto r = epoch_result(1, 0.5);
        r.segments = seg;
        const auto state = check_epoch_result(c->blocks(), r);
        INFO(seg.steps << " steps, " << seg.count << " segments: " << state.detail);
        CHECK(state.ok() == ok);
        if (!ok) CHECK(state.token() == "bad-segment-commitment");
    }
}

TEST_CASE(
    "segments: a replaying node's failed check vetoes the block; a new candidate at the height follows") {
    TempDir d;
    Hash forged_root{};
    forged_root.fill(0xf0);
    struct Call {
        uint32_t node;
        Hash block;
        bool signature_ok;
    };
    std::vector<Call> calls;
    std::vector<PublicKey> keys;
    ChainOptions options = honest();
    options.replaying_nodes = 5;  // every node replays
    // Node 4 replays and finds the forged root's segment wrong; the others accept. Nodes vote in
    // index order, so nodes 0-3 reach the quorum (3 of 5) before node 4 votes.
    options.epoch_check = [&](const BlockHeader& claimed, const Payload& payload, uint32_t node,
                              const Signature& sig) {
        const Hash h = claimed.hash();
        calls.push_back({node, h, verify_signature(keys.at(node), vote_message(h, true), sig)});
        CHECK(payload.segments);
        if (node == 4 && payload.segments->root == forged_root)
            return ValidationState::invalid(Reject::SegmentReplay,
                                            "segment 2 (steps 16..24) does not replay");
        return ValidationState{};
    };
    auto c = Chain::init(d.path / "run", small_config(5), options);
    for (const auto& n : c->store().nodes()) keys.push_back(n.public_key);
    CHECK(calls.empty());  // genesis and registration: not epoch blocks
    REQUIRE(c->append_epoch(epoch_result(1, 0.5)).accepted);
    CHECK(calls.empty());  // no commitment: no check

    auto forged = epoch_result(2, 0.9);
    forged.segments = SegmentCommitment{8, 5, forged_root};
    const auto vetoed = c->append_epoch(forged);
    CHECK_FALSE(vetoed.accepted);
    REQUIRE(vetoed.veto);
    CHECK(vetoed.veto->node == 4);
    CHECK(vetoed.veto->reason.token() == "bad-segment-replay");
    CHECK(vetoed.veto->reason.result() == ValidationResult::Training);
    CHECK(vetoed.reason ==
          "node 4 rejected the block: segment 2 (steps 16..24) does not replay (bad-segment-replay)");
    CHECK(vetoed.accepts == 4);
    CHECK(vetoed.rejects == 1);
    REQUIRE(calls.size() == 5);
    for (uint32_t i = 0; i < 5; ++i) {
        CHECK(calls[i].node == i);
        CHECK(calls[i].signature_ok);  // the node's own signature of an accepting vote on the block
        CHECK(calls[i].block == calls[0].block);
    }
    CHECK(c->blocks().size() == 3);
    CHECK(c->store().block_count() == 3);
    CHECK(verify(c->store()).ok);

    // The server retrains; the new candidate for the same height is accepted, every node voting.
    calls.clear();
    auto honest_result = epoch_result(2, 0.7);
    Hash good_root{};
    good_root.fill(0x0d);
    honest_result.segments = SegmentCommitment{8, 5, good_root};
    REQUIRE(check_epoch_result(c->blocks(), honest_result).ok());
    const auto accepted = c->append_epoch(honest_result);
    INFO(accepted.reason);
    REQUIRE(accepted.accepted);
    CHECK_FALSE(accepted.veto);
    CHECK(accepted.block.header.height == 3);
    CHECK(accepted.block.votes.size() == 5);  // a block with a commitment waits for its replayers' votes
    CHECK(calls.size() == 5);
    CHECK(accepted.block.payload.segments == honest_result.segments);
    CHECK(c->store().block_count() == 4);
    const auto v = verify(c->store());
    INFO(v.reason);
    CHECK(v.ok);
    for (const auto& node : c->nodes()) CHECK(node.replica().size() == 4);
}

TEST_CASE("segments: a passing check changes nothing; a wrong voter's failed check is flipped, not a veto") {
    TempDir d;
    size_t calls = 0;
    ChainOptions options = with_faults({{2, Fault::WrongVote}});
    options.replaying_nodes = 5;
    options.epoch_check = [&](const BlockHeader&, const Payload&, uint32_t node, const Signature&) {
        ++calls;
        return node == 2 ? ValidationState::invalid(Reject::SegmentProof, "the proof does not verify")
                         : ValidationState{};
    };
    auto c = Chain::init(d.path / "run", small_config(5), options);
    auto r = epoch_result(1, 0.5);
    r.segments = SegmentCommitment{4, 2, sha256(Bytes{1})};
    const auto rep = c->append_epoch(r);
    INFO(rep.reason);
    REQUIRE(rep.accepted);  // node 2's check failed, its fault flips the vote: no reason, no veto
    CHECK_FALSE(rep.veto);
    CHECK(rep.accepts == 5);
    CHECK(calls == 5);
    // Without a commitment the check is not called, and the block is decided at the quorum.
    const auto plain = c->append_epoch(epoch_result(2, 0.6));
    REQUIRE(plain.accepted);
    CHECK(calls == 5);
    CHECK(plain.block.votes.size() == 3);
}

TEST_CASE("segments: only the nodes the block hash draws replay, and the block waits for their votes") {
    TempDir d;
    std::vector<std::pair<Hash, uint32_t>> calls;
    ChainOptions options = honest();
    options.replaying_nodes = 2;
    options.epoch_check = [&](const BlockHeader& claimed, const Payload&, uint32_t node, const Signature&) {
        calls.emplace_back(claimed.hash(), node);
        return ValidationState{};
    };
    auto c = Chain::init(d.path / "run", small_config(7), options);
    std::set<std::vector<uint32_t>> drawn;
    for (uint64_t e = 1; e <= 6; ++e) {
        calls.clear();
        auto r = epoch_result(e, 0.5);
        r.segments = SegmentCommitment{4, 2, sha256(Bytes{static_cast<uint8_t>(e)})};
        const auto rep = c->append_epoch(r);
        INFO(rep.reason);
        REQUIRE(rep.accepted);
        CHECK(rep.unchecked.empty());
        const Hash h = rep.block.hash();
        const auto want = replaying_nodes(h, 7, 2);
        // The report names the drawn nodes that ran the check (Vote::replayed), in index order.
        auto sorted = want;
        std::sort(sorted.begin(), sorted.end());
        CHECK(rep.replayed == sorted);
        REQUIRE(calls.size() == 2);
        for (size_t i = 0; i < 2; ++i) {
            CHECK(calls[i].first == h);
            CHECK(std::find(want.begin(), want.end(), calls[i].second) != want.end());
        }
        // Both replayers' accepting votes are stored with the block (offline checks repeat their
        // draws), however late in the round they came.
        for (const uint32_t r2 : want) {
            bool stored = false;
            for (const Vote& v : rep.block.votes) stored |= v.node == r2 && v.accept;
            CHECK(stored);
        }
        drawn.insert(std::vector<uint32_t>(want.begin(), want.end()));
    }
    CHECK(drawn.size() > 1);  // the replayers differ block to block
}

TEST_CASE("segments: a node's reject vote carries its reason; only a training reason is a veto") {
    TempDir d;
    auto c = Chain::init(d.path / "run", small_config(3), honest());
    const UserNode& node = c->nodes().at(0);
    // A claimed hash its last candidate does not hash to: the node rejects and says why.
    const auto v = node.vote(1, sha256(Bytes{1}));
    REQUIRE(v);
    CHECK_FALSE(v->accept);
    REQUIRE(v->reason);
    CHECK(v->reason->token() == "bad-claim-hash");
    CHECK(v->reason->result() != ValidationResult::Training);
    CHECK(verify_signature(node.public_key(), vote_message(sha256(Bytes{1}), false), v->signature));
}

TEST_CASE("segments: with ChainOptions::replaying_nodes the round waits for the drawn replayer only") {
    TempDir d;
    Hash forged_root{};
    forged_root.fill(0xf0);
    std::vector<uint32_t> drawn;  // the replayer of each candidate, as the check sees it
    ChainOptions options = honest();
    options.replaying_nodes = 1;
    options.epoch_check = [&](const BlockHeader& claimed, const Payload& payload, uint32_t node,
                              const Signature&) {
        const auto who = replaying_nodes(claimed.hash(), 5, 1);
        REQUIRE(who.size() == 1);
        if (node != who[0]) return ValidationState{};
        drawn.push_back(node);
        if (payload.segments->root == forged_root)
            return ValidationState::invalid(Reject::SegmentReplay, "segment 0 does not replay");
        return ValidationState{};
    };
    auto c = Chain::init(d.path / "run", small_config(5), options);
    // A forged epoch: the drawn replayer vetoes it, wherever it votes in the order.
    auto forged = epoch_result(1, 0.9);
    forged.segments = SegmentCommitment{8, 5, forged_root};
    const auto vetoed = c->append_epoch(forged);
    CHECK_FALSE(vetoed.accepted);
    REQUIRE(drawn.size() == 1);
    REQUIRE(vetoed.veto);
    CHECK(vetoed.veto->node == drawn[0]);
    CHECK(vetoed.reason.find("(bad-segment-replay)") != std::string::npos);
    // Honest epochs: the nodes vote in index order; the contract accepts at the third accepting
    // vote, and the round goes on until the replayer has voted, not further.
    for (uint64_t e = 1; e <= 6; ++e) {
        drawn.clear();
        auto r = epoch_result(e, 0.5);
        Hash root{};
        root.fill(static_cast<uint8_t>(e));
        r.segments = SegmentCommitment{8, 5, root};
        const auto rep = c->append_epoch(r);
        INFO("epoch " << e << ": " << rep.reason);
        REQUIRE(rep.accepted);
        REQUIRE(drawn.size() == 1);
        CHECK(rep.block.votes.size() == std::max<size_t>(3, drawn[0] + 1));
        CHECK(replaying_nodes(rep.block.hash(), 5, 1) == drawn);
    }
    CHECK(verify(c->store()).ok);
}

TEST_CASE("segments: a training reason from a node the block does not draw is one reject, not a veto") {
    TempDir d;
    ChainOptions options = honest();
    options.replaying_nodes = 1;
    // Every node is asked to replay (a meddling link widens the round), and the first node that is
    // not the drawn replayer claims a failed replay: an ordinary reject.
    const Store* round_store = nullptr;  // where the round says the committed states are
    options.transport = std::make_shared<MeddlingTransport>([](Proposal&) {},
                                                            [&](VoteRound& r) {
                                                                round_store = r.store;
                                                                r.replayers = {0, 1, 2, 3, 4};
                                                            });
    size_t refusals = 0;
    options.epoch_check = [&](const BlockHeader& claimed, const Payload&, uint32_t node, const Signature&) {
        const uint32_t replayer = replaying_nodes(claimed.hash(), 5, 1).at(0);
        if (node != (replayer == 0 ? 1u : 0u)) return ValidationState{};
        ++refusals;
        return ValidationState::invalid(Reject::SegmentReplay, "not my segment to replay");
    };
    auto c = Chain::init(d.path / "run", small_config(5), options);
    for (uint64_t e = 1; e <= 4; ++e) {
        auto r = epoch_result(e, 0.5);
        Hash root{};
        root.fill(static_cast<uint8_t>(e));
        r.segments = SegmentCommitment{8, 5, root};
        const auto rep = c->append_epoch(r);
        INFO("epoch " << e << ": " << rep.reason);
        CHECK_FALSE(rep.veto);
        CHECK(rep.accepted);  // outvoted
        CHECK(rep.rejects == 1);
        CHECK(round_store == &c->store());  // remote transports serve the states from it
    }
    CHECK(refusals == 4);
}
