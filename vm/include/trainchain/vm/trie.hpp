// vm/include/trainchain/vm/trie.hpp - roots of Ethereum's Merkle Patricia trie (Yellow Paper,
// appendix D): of any key-value set, of a secure trie (hashed keys), of an account's storage and of
// a world state. Roots only: each is built in one pass over the sorted keys, no trie is kept.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "trainchain/vm/host.hpp"
#include "trainchain/vm/state.hpp"

namespace trainchain::vm {

/// The root of the empty trie: keccak256(rlp("")) =
/// 0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421.
bytes32 empty_trie_root() noexcept;

/// Root hash of the trie holding `items` (key -> value). Keys are any byte strings, values must be
/// non-empty (an empty value is the absence of the key). Built in one pass over the sorted keys:
/// leaf, extension and branch nodes are RLP-encoded; a node whose encoding is shorter than 32 bytes
/// is inlined in its parent, a longer one is referenced by its Keccak-256. O(total key length)
/// after the sort. Throws std::invalid_argument for a repeated key or an empty value.
bytes32 trie_root(std::vector<std::pair<bytes, bytes>> items);

/// Root hash of the secure trie holding `items`: trie_root with every key replaced by its
/// Keccak-256. Same errors as trie_root.
bytes32 secure_trie_root(std::vector<std::pair<bytes, bytes>> items);

/// The storage root of an account: the secure trie of (slot as 32 big-endian bytes) ->
/// rlp(value as a minimal big-endian integer). Zero values are skipped (a zero slot is absent).
bytes32 storage_root(const std::map<uint256, uint256>& storage);

/// The RLP of an account in the state trie: rlp([nonce, balance, storage_root, keccak256(code)]).
bytes account_rlp(const Account& account);

/// The state root: the secure trie of address -> account_rlp(account), every account in the map
/// included (empty ones too: removing them is the state's job, EIP-161).
bytes32 state_root(const std::map<address, Account>& accounts);

}  // namespace trainchain::vm
