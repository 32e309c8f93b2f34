// runtime/include/trainchain/runtime/state.hpp - the VM world a chain's contracts run in, block by
// block: what each block changed (the journal a store keeps, one row per block, with the values
// before and after each change), replayed forwards or undone exactly, and the digest of the world
// after each block.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "trainchain/runtime/block.hpp"
#include "trainchain/runtime/crypto.hpp"
#include "trainchain/vm/state.hpp"

namespace trainchain::runtime {

/// The VM world: every account with its balance, nonce, code and (non-zero) storage.
using World = std::map<vm::address, vm::Account>;

/// One storage slot's change: its value before and after (zero: the slot is empty).
struct SlotChange {
    vm::uint256 key, before, after;
    friend bool operator==(const SlotChange&, const SlotChange&) = default;
};

/// What one account went through over a block: whether it existed before and after, each field
/// that changed (before, after; an account that does not exist counts as balance 0, nonce 0, no
/// code) and each storage slot that changed, by key. An account created lists its non-default
/// fields and every slot it holds; an account deleted lists what it held.
struct AccountChange {
    vm::address address;
    bool existed = true;  ///< the account was there before the block
    bool exists = true;   ///< and is there after it
    std::optional<std::pair<vm::uint256, vm::uint256>> balance;
    std::optional<std::pair<uint64_t, uint64_t>> nonce;
    std::optional<std::pair<Bytes, Bytes>> code;
    std::vector<SlotChange> slots;  ///< in key order, each one an actual change
    friend bool operator==(const AccountChange&, const AccountChange&) = default;
};

/// What a block changed in the VM world, by account in address order: a row of the state journal.
/// Applied to the world before the block it gives the world after it; undone on the world after
/// it, the world before. Only what changed is listed, so a row's size is the block's changes,
/// not the world's size.
struct StateChanges {
    std::vector<AccountChange> accounts;

    /// The canonical encoding (version byte, then the accounts; words without leading zero
    /// bytes, counts and nonces as LEB128): one encoding per set of changes.
    [[nodiscard]] Bytes encode() const;
    /// Reads an encoding; nullopt, with the reason in `why`, when it is malformed or not canonical
    /// (accounts or slots out of order or repeated, a listed value that did not change, bytes left
    /// over).
    static std::optional<StateChanges> decode(std::span<const uint8_t> bytes, std::string* why = nullptr);

    /// Applies the changes to `world`, which must be the world they were taken on: every value
    /// before must be the world's. False, with the first difference in `why`, when it is not; the
    /// world is then left part-way.
    bool apply(World& world, std::string* why = nullptr) const;
    /// Undoes the changes on `world`, which must be the world after them (as apply checks).
    bool undo(World& world, std::string* why = nullptr) const;

    friend bool operator==(const StateChanges&, const StateChanges&) = default;
};

/// The changes that turn `before` into `after`, comparing every account and every slot. (The
/// ledger compares only the slots its transactions wrote; this is for a whole world, as when a
/// stored state starts a journal.)
[[nodiscard]] StateChanges diff_worlds(const World& before, const World& after);

/// The journal row of one block: its changes and the digest of the world after them.
struct StateRecord {
    StateChanges changes;
    Hash digest{};  ///< state_digest of the world after the block
    friend bool operator==(const StateRecord&, const StateRecord&) = default;
};

/// The world as bytes: the account count, then per account (in address order) its address,
/// balance (32 bytes), nonce (8), code length (8) and code, slot count (8) and slots (32 + 32
/// bytes each, in key order). Stores of format 2 saved the world after the last block so.
[[nodiscard]] Bytes encode_world(const World& world);
/// The world from encode_world's bytes; StoreError when they are truncated or have bytes left.
[[nodiscard]] World decode_world(std::span<const uint8_t> bytes);
/// SHA-256 of encode_world(world): what a journal row records of the world after its block.
[[nodiscard]] Hash state_digest(const World& world);

}  // namespace trainchain::runtime
