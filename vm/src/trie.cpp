// vm/src/trie.cpp - Merkle Patricia trie roots (Yellow Paper, appendix D), built in one pass over
// the sorted keys: the entries sharing a nibble prefix are a contiguous range, so each node is the
// encoding of a range, found by comparing its first and last keys.
#include "trainchain/vm/trie.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <stdexcept>

#include "trainchain/vm/keccak.hpp"
#include "trainchain/vm/rlp.hpp"

namespace trainchain::vm {
namespace {

/// A key as nibbles (high half of each byte first) and its value.
struct Entry {
    bytes nibbles;
    const bytes* value;
};

/// Hex-prefix encoding (appendix C) of `count` nibbles, flagged as a leaf's or an extension's path.
bytes hex_prefix(const uint8_t* nibbles, size_t count, bool leaf) {
    bytes out;
    out.reserve(count / 2 + 1);
    const uint8_t flag = leaf ? 2 : 0;
    size_t i = 0;
    if (count % 2 == 1) {
        out.push_back(static_cast<uint8_t>(((flag | 1) << 4) | nibbles[0]));
        i = 1;
    } else {
        out.push_back(static_cast<uint8_t>(flag << 4));
    }
    for (; i < count; i += 2) out.push_back(static_cast<uint8_t>((nibbles[i] << 4) | nibbles[i + 1]));
    return out;
}

/// How a parent holds a child node: the node's own RLP when shorter than 32 bytes, else the RLP of
/// its Keccak-256.
bytes reference(bytes encoded) {
    if (encoded.size() < 32) return encoded;
    const bytes32 h = keccak256(encoded);
    return rlp::encode(bytes_view{h.bytes});
}

/// The RLP of the node holding `entries` (sorted, distinct, at least one), whose keys all share
/// their first `depth` nibbles.
bytes encode_node(std::span<const Entry> entries, size_t depth) {
    const bytes& first = entries.front().nibbles;
    if (entries.size() == 1) {
        const bytes items[] = {rlp::encode(hex_prefix(first.data() + depth, first.size() - depth, true)),
                               rlp::encode(*entries.front().value)};
        return rlp::encode_list(items);
    }
    // Sorted keys: the prefix the whole range shares is the one its first and last keys share.
    const bytes& last = entries.back().nibbles;
    size_t common = depth;
    while (common < first.size() && common < last.size() && first[common] == last[common]) ++common;
    if (common > depth) {
        const bytes items[] = {rlp::encode(hex_prefix(first.data() + depth, common - depth, false)),
                               reference(encode_node(entries, common))};
        return rlp::encode_list(items);
    }
    // A branch: at most one key ends here (the first, being a prefix of the others).
    std::array<bytes, 17> items;
    items.fill(bytes{0x80});
    size_t i = 0;
    if (first.size() == depth) {
        items[16] = rlp::encode(*entries.front().value);
        i = 1;
    }
    while (i < entries.size()) {
        const uint8_t nibble = entries[i].nibbles[depth];
        size_t j = i + 1;
        while (j < entries.size() && entries[j].nibbles[depth] == nibble) ++j;
        items[nibble] = reference(encode_node(entries.subspan(i, j - i), depth + 1));
        i = j;
    }
    return rlp::encode_list(items);
}

}  // namespace

bytes32 empty_trie_root() noexcept {
    static const bytes32 root = keccak256(rlp::encode(bytes_view{}));
    return root;
}

bytes32 trie_root(std::vector<std::pair<bytes, bytes>> items) {
    if (items.empty()) return empty_trie_root();
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Entry> entries;
    entries.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].second.empty())
            throw std::invalid_argument("trie_root: empty value (an absent key has no entry)");
        if (i > 0 && items[i].first == items[i - 1].first)
            throw std::invalid_argument("trie_root: repeated key");
        Entry e{bytes(items[i].first.size() * 2), &items[i].second};
        for (size_t k = 0; k < items[i].first.size(); ++k) {
            e.nibbles[2 * k] = items[i].first[k] >> 4;
            e.nibbles[2 * k + 1] = items[i].first[k] & 0x0f;
        }
        entries.push_back(std::move(e));
    }
    return keccak256(encode_node(entries, 0));
}

bytes32 secure_trie_root(std::vector<std::pair<bytes, bytes>> items) {
    for (auto& [key, value] : items) {
        const bytes32 h = keccak256(key);
        key.assign(h.bytes.begin(), h.bytes.end());
    }
    return trie_root(std::move(items));
}

bytes32 storage_root(const std::map<uint256, uint256>& storage) {
    std::vector<std::pair<bytes, bytes>> items;
    items.reserve(storage.size());
    for (const auto& [slot, value] : storage) {
        if (!value) continue;
        const bytes32 h = keccak256(bytes32::from_word(slot).bytes);
        items.emplace_back(bytes(h.bytes.begin(), h.bytes.end()), rlp::encode(value));
    }
    return trie_root(std::move(items));
}

bytes account_rlp(const Account& account) {
    const bytes32 storage = storage_root(account.storage);
    const bytes32 code = keccak256(account.code);
    const bytes fields[] = {rlp::encode(uint256{account.nonce}), rlp::encode(account.balance),
                            rlp::encode(bytes_view{storage.bytes}), rlp::encode(bytes_view{code.bytes})};
    return rlp::encode_list(fields);
}

bytes32 state_root(const std::map<address, Account>& accounts) {
    std::vector<std::pair<bytes, bytes>> items;
    items.reserve(accounts.size());
    for (const auto& [addr, account] : accounts) {
        const bytes32 h = keccak256(addr.bytes);
        items.emplace_back(bytes(h.bytes.begin(), h.bytes.end()), account_rlp(account));
    }
    return trie_root(std::move(items));
}

}  // namespace trainchain::vm
