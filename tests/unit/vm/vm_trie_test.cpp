// tests/unit/vm/vm_trie_test.cpp - Merkle Patricia trie roots against Ethereum's TrieTests vectors,
// account encoding by hand, state roots of a blockchain test's genesis and post state (storage
// included), and the logs hash. Data: tests/golden/trie/ (see SOURCE.txt there).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/keccak.hpp"
#include "trainchain/vm/logs.hpp"
#include "trainchain/vm/rlp.hpp"
#include "trainchain/vm/trie.hpp"

using namespace trainchain::vm;
using json = nlohmann::json;

namespace {

using Items = std::vector<std::pair<bytes, bytes>>;

json load(const std::string& name) {
    const std::string path = std::string(TRAINCHAIN_TRIE_DATA_DIR) + "/" + name;
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot open " << path);
    return json::parse(in);
}

bytes hex(std::string_view text) {
    auto r = from_hex(text);
    REQUIRE_MESSAGE(r, "bad hex '" << text << "': " << r.error.message);
    return *r.value;
}

/// The TrieTests convention: a string starting with 0x is hex, anything else its own bytes.
bytes test_bytes(const std::string& s) {
    if (s.starts_with("0x")) return hex(s);
    return bytes(s.begin(), s.end());
}

/// The final contents after applying a TrieTests "in": an object (any order) or a list of
/// [key, value] pairs in order, where a null or empty value deletes the key.
Items final_items(const json& in) {
    std::map<bytes, bytes> m;
    auto apply = [&](const std::string& k, const json& v) {
        const bytes key = test_bytes(k);
        if (v.is_null() || v.get<std::string>().empty()) {
            m.erase(key);
        } else {
            m[key] = test_bytes(v.get<std::string>());
        }
    };
    if (in.is_object()) {
        for (const auto& [k, v] : in.items()) apply(k, v);
    } else {
        for (const auto& kv : in) apply(kv[0].get<std::string>(), kv[1]);
    }
    return {m.begin(), m.end()};
}

/// Checks every case of a TrieTests file against `root_of`.
void check_file(const std::string& name, bytes32 (*root_of)(Items)) {
    const json tests = load(name);
    REQUIRE(tests.size() > 0);
    for (const auto& [case_name, t] : tests.items()) {
        CAPTURE(name);
        CAPTURE(case_name);
        CHECK(root_of(final_items(t["in"])).to_hex() == t["root"].get<std::string>());
    }
}

uint256 word(const json& v) {
    const auto w = uint256::parse(v.get<std::string>());
    REQUIRE(w);
    return *w;
}

std::map<address, Account> accounts(const json& obj) {
    std::map<address, Account> out;
    for (const auto& [k, a] : obj.items()) {
        const auto addr = address::parse(k);
        REQUIRE(addr);
        Account acc;
        acc.balance = word(a["balance"]);
        const uint256 nonce = word(a["nonce"]);
        REQUIRE(nonce.fits_u64());
        acc.nonce = nonce.w[0];
        acc.code = hex(a["code"].get<std::string>());
        for (const auto& [slot, value] : a["storage"].items()) {
            const auto s = uint256::parse(slot);
            REQUIRE(s);
            if (const uint256 v = word(value)) acc.storage[*s] = v;
        }
        out.emplace(*addr, std::move(acc));
    }
    return out;
}

}  // namespace

TEST_CASE("the empty trie's root is keccak256(rlp(\"\"))") {
    CHECK(trie_root({}).to_hex() == "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
    CHECK(empty_trie_root() == trie_root({}));
    CHECK(secure_trie_root({}) == empty_trie_root());
    CHECK(storage_root({}) == empty_trie_root());
    CHECK(state_root({}) == empty_trie_root());
}

TEST_CASE("TrieTests: trieanyorder.json and trietest.json") {
    check_file("trieanyorder.json", [](Items i) { return trie_root(std::move(i)); });
    check_file("trietest.json", [](Items i) { return trie_root(std::move(i)); });
}

TEST_CASE("TrieTests: the secure tries") {
    check_file("trieanyorder_secureTrie.json", [](Items i) { return secure_trie_root(std::move(i)); });
    check_file("trietest_secureTrie.json", [](Items i) { return secure_trie_root(std::move(i)); });
    check_file("hex_encoded_securetrie_test.json", [](Items i) { return secure_trie_root(std::move(i)); });
}

TEST_CASE("the root does not depend on the order of the items, and does on their contents") {
    const json tests = load("trietest.json");
    const Items items = final_items(tests["jeff"]["in"]);
    REQUIRE(items.size() > 5);
    const bytes32 root = trie_root(items);
    std::mt19937 rng(22);
    for (int round = 0; round < 5; ++round) {
        Items shuffled = items;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        CHECK(trie_root(shuffled) == root);
    }
    Items changed = items;
    changed[3].second.push_back(0);
    CHECK(trie_root(changed) != root);
    Items fewer(items.begin() + 1, items.end());
    CHECK(trie_root(fewer) != root);
}

TEST_CASE("a repeated key or an empty value is rejected") {
    CHECK_THROWS_AS(trie_root({{bytes{1}, bytes{2}}, {bytes{1}, bytes{3}}}), std::invalid_argument);
    CHECK_THROWS_AS(trie_root({{bytes{1}, bytes{}}}), std::invalid_argument);
}

TEST_CASE("account encoding, by hand") {
    // rlp([0x01, 0x0de0b6b3a7640000, empty trie root, keccak256("")]): 1 + 9 + 33 + 33 = 76 bytes.
    Account a;
    a.nonce = 1;
    a.balance = uint256{0x0de0b6b3a7640000ULL};
    CHECK(to_hex(account_rlp(a)) ==
          "f84c01880de0b6b3a7640000"
          "a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
          "a0c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    // Nonce and balance zero are the empty string 0x80; 1 + 1 + 33 + 33 = 68 bytes.
    Account empty;
    CHECK(to_hex(account_rlp(empty)) ==
          "f8448080"
          "a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
          "a0c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    // Code and storage enter through their hashes.
    Account c;
    c.code = {0x60, 0x00};
    c.storage[uint256{1}] = uint256{1};
    const bytes enc = account_rlp(c);
    const bytes32 code_hash = keccak256(c.code);
    const bytes32 sroot = storage_root(c.storage);
    CHECK(sroot != empty_trie_root());
    CHECK(to_hex(enc) == "f8448080a0" + to_hex(sroot.bytes) + "a0" + to_hex(code_hash.bytes));
}

TEST_CASE("storage root: zero slots are absent, values are minimal integers") {
    std::map<uint256, uint256> s{{uint256{1}, uint256{0x0102}}};
    const bytes32 root = storage_root(s);
    // The same trie spelled out: keccak256(slot as 32 bytes) -> rlp(0x0102).
    bytes32 slot = bytes32::from_word(uint256{1});
    const bytes32 key = keccak256(slot.bytes);
    CHECK(root == trie_root({{bytes(key.bytes.begin(), key.bytes.end()), bytes{0x82, 0x01, 0x02}}}));
    CHECK(root == secure_trie_root({{bytes(slot.bytes.begin(), slot.bytes.end()), bytes{0x82, 0x01, 0x02}}}));
    s[uint256{7}] = uint256{};
    CHECK(storage_root(s) == root);
}

TEST_CASE("state root: a blockchain test's genesis and post state (with storage)") {
    const json tests = load("shanghaiExample.json");
    REQUIRE(tests.size() > 0);
    for (const auto& [name, t] : tests.items()) {
        CAPTURE(name);
        const auto pre = accounts(t["pre"]);
        const auto post = accounts(t["postState"]);
        bool has_storage = false;
        for (const auto& [addr, a] : post) has_storage = has_storage || !a.storage.empty();
        CHECK(has_storage);
        CHECK(state_root(pre).to_hex() == t["genesisBlockHeader"]["stateRoot"].get<std::string>());
        CHECK(state_root(post).to_hex() == t["blocks"].back()["blockHeader"]["stateRoot"].get<std::string>());
    }
}

TEST_CASE("logs hash") {
    // keccak256(rlp([])) = keccak256(0xc0), the hash of no logs in every conformance test.
    CHECK(logs_hash({}).to_hex() == "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
    LogRecord l;
    l.addr.bytes[19] = 0x0f;
    l.topics.push_back(bytes32::from_word(uint256{1}));
    l.data = {0xaa};
    // rlp([address, [topic], data]), spelled out: 21 + 34 + 2 = 57 = 0x39 bytes of payload.
    const bytes topic = rlp::encode(bytes_view{l.topics[0].bytes});
    const bytes fields[] = {rlp::encode(bytes_view{l.addr.bytes}), rlp::encode_list(std::span{&topic, 1}),
                            rlp::encode(bytes_view{l.data})};
    const bytes one = rlp::encode_list(fields);
    CHECK(to_hex(one) ==
          "f83994000000000000000000000000000000000000000fe1a0" + to_hex(l.topics[0].bytes) + "81aa");
    CHECK(logs_hash({l}) == keccak256(rlp::encode_list(std::span{&one, 1})));
    CHECK(logs_hash({l, l}) != logs_hash({l}));
}
