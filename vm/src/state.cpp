// vm/src/state.cpp - the in-memory host: accounts, storage, logs, nested calls and creates, with a
// journal that undoes a failed frame's changes.
#include "trainchain/vm/state.hpp"

#include <algorithm>
#include <optional>
#include <type_traits>

#include "trainchain/vm/gas.hpp"
#include "trainchain/vm/keccak.hpp"
#include "trainchain/vm/precompiles.hpp"
#include "trainchain/vm/rlp.hpp"

namespace trainchain::vm {
namespace {

bool is_empty(const Account& a) noexcept { return a.nonce == 0 && !a.balance && a.code.empty(); }

/// RIPEMD-160's address, 0x00..03.
const address ripemd_address = [] {
    address a;
    a.bytes.back() = 0x03;
    return a;
}();

}  // namespace

bool InMemoryHost::is_precompile(const address& addr) const noexcept {
    return vm::is_precompile(addr, fork_);
}

void InMemoryHost::begin_transaction(const address& origin, const address* to) {
    finalize();
    tx_.origin = origin;
    accessed_accounts_.insert(origin);
    if (to != nullptr) accessed_accounts_.insert(*to);
    for (uint8_t n = 1; n <= last_precompile(fork_); ++n) {
        address p;
        p.bytes.back() = n;
        accessed_accounts_.insert(p);
    }
    if (fork_ >= Fork::Shanghai) accessed_accounts_.insert(tx_.coinbase);  // EIP-3651
}

void InMemoryHost::finalize() {
    if (ripemd_touched_) touched_.insert(ripemd_address);
    ripemd_touched_ = false;
    for (const auto& a : destructed_) accounts.erase(a);
    if (params_.empty_is_dead)
        for (const auto& a : touched_)
            if (const auto it = accounts.find(a); it != accounts.end() && is_empty(it->second))
                accounts.erase(it);
    destructed_.clear();
    transient_.clear();
    original_.clear();
    accessed_accounts_.clear();
    accessed_slots_.clear();
    touched_.clear();
    created_in_tx_.clear();
    journal_.clear();
}

void InMemoryHost::touch_mark(const address& addr) {
    if (touched_.insert(addr).second) journal_.emplace_back(Touched{addr});
}

void InMemoryHost::add_balance(const address& addr, const uint256& amount) {
    set_balance(addr, get_balance(addr) + amount);
    touch_mark(addr);
}

AccessStatus InMemoryHost::access_account(const address& addr) {
    if (!accessed_accounts_.insert(addr).second) return AccessStatus::Warm;
    journal_.emplace_back(AccountAccessed{addr});
    return AccessStatus::Cold;
}

AccessStatus InMemoryHost::access_storage(const address& addr, const uint256& key) {
    if (!accessed_slots_.insert({addr, key}).second) return AccessStatus::Warm;
    journal_.emplace_back(SlotAccessed{addr, key});
    return AccessStatus::Cold;
}

// ---- journaled changes --------------------------------------------------------------------------

Account& InMemoryHost::touch(const address& addr) {
    const auto [it, inserted] = accounts.try_emplace(addr);
    if (inserted) journal_.emplace_back(AccountCreated{addr});
    return it->second;
}

void InMemoryHost::set_balance(const address& addr, const uint256& value) {
    Account& a = touch(addr);
    journal_.emplace_back(BalanceChange{addr, a.balance});
    a.balance = value;
}

void InMemoryHost::set_nonce(const address& addr, uint64_t value) {
    Account& a = touch(addr);
    journal_.emplace_back(NonceChange{addr, a.nonce});
    a.nonce = value;
}

void InMemoryHost::set_code(const address& addr, bytes code) {
    Account& a = touch(addr);
    journal_.emplace_back(CodeChange{addr, std::move(a.code)});
    a.code = std::move(code);
}

void InMemoryHost::put_storage(const address& addr, const uint256& key, const uint256& value) {
    auto& storage = touch(addr).storage;
    const auto it = storage.find(key);
    journal_.emplace_back(StorageChange{addr, key, it == storage.end() ? uint256{} : it->second});
    if (value)
        storage.insert_or_assign(key, value);
    else if (it != storage.end())
        storage.erase(it);
}

void InMemoryHost::revert_to(Checkpoint c) {
    while (journal_.size() > c.journal) {
        std::visit(
            [this](auto& e) {
                using E = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<E, AccountCreated>) {
                    accounts.erase(e.addr);
                } else if constexpr (std::is_same_v<E, Destructed>) {
                    destructed_.erase(e.addr);
                } else if constexpr (std::is_same_v<E, AccountAccessed>) {
                    accessed_accounts_.erase(e.addr);
                } else if constexpr (std::is_same_v<E, SlotAccessed>) {
                    accessed_slots_.erase({e.addr, e.key});
                } else if constexpr (std::is_same_v<E, Touched>) {
                    touched_.erase(e.addr);
                } else if constexpr (std::is_same_v<E, CreatedInTx>) {
                    created_in_tx_.erase(e.addr);
                } else if constexpr (std::is_same_v<E, TransientChange>) {
                    transient_[{e.addr, e.key}] = e.old;
                } else if constexpr (std::is_same_v<E, StorageChange>) {
                    auto& storage = accounts.at(e.addr).storage;
                    if (e.old)
                        storage.insert_or_assign(e.key, e.old);
                    else
                        storage.erase(e.key);
                } else if constexpr (std::is_same_v<E, BalanceChange>) {
                    accounts.at(e.addr).balance = e.old;
                } else if constexpr (std::is_same_v<E, NonceChange>) {
                    accounts.at(e.addr).nonce = e.old;
                } else {
                    static_assert(std::is_same_v<E, CodeChange>);
                    accounts.at(e.addr).code = std::move(e.old);
                }
            },
            journal_.back());
        journal_.pop_back();
    }
    logs.resize(c.logs);
}

bool InMemoryHost::account_exists(const address& addr) const {
    const auto it = accounts.find(addr);
    if (it == accounts.end()) return false;
    return !(params_.empty_is_dead && is_empty(it->second));
}

uint256 InMemoryHost::get_storage(const address& addr, const uint256& key) const {
    const auto a = accounts.find(addr);
    if (a == accounts.end()) return {};
    const auto s = a->second.storage.find(key);
    return s == a->second.storage.end() ? uint256{} : s->second;
}

StorageUpdate InMemoryHost::set_storage(const address& addr, const uint256& key, const uint256& value) {
    const uint256 current = get_storage(addr, key);
    const auto orig = original_.try_emplace({addr, key}, current).first;
    put_storage(addr, key, value);
    return {orig->second, current};
}

uint256 InMemoryHost::get_balance(const address& addr) const {
    const auto a = accounts.find(addr);
    return a == accounts.end() ? uint256{} : a->second.balance;
}

uint64_t InMemoryHost::get_nonce(const address& addr) const {
    const auto a = accounts.find(addr);
    return a == accounts.end() ? 0 : a->second.nonce;
}

size_t InMemoryHost::get_code_size(const address& addr) const {
    const auto a = accounts.find(addr);
    return a == accounts.end() ? 0 : a->second.code.size();
}

bytes32 InMemoryHost::get_code_hash(const address& addr) const {
    // EIP-1052: zero for an account that does not exist (or, EIP-161, is empty).
    if (!account_exists(addr)) return {};
    return keccak256(accounts.at(addr).code);
}

size_t InMemoryHost::copy_code(const address& addr, size_t offset, std::span<uint8_t> out) const {
    const auto a = accounts.find(addr);
    if (a == accounts.end() || offset >= a->second.code.size()) return 0;
    const size_t n = std::min(out.size(), a->second.code.size() - offset);
    std::copy_n(a->second.code.begin() + static_cast<std::ptrdiff_t>(offset), n, out.begin());
    return n;
}

bool InMemoryHost::selfdestruct(const address& addr, const address& beneficiary) {
    const uint256 balance = get_balance(addr);
    touch_mark(beneficiary);
    // EIP-6780 (Cancun): an account not created in this transaction only sends its balance.
    if (params_.selfdestruct_same_tx_only && !created_in_tx_.contains(addr)) {
        if (beneficiary != addr) {
            set_balance(addr, {});
            set_balance(beneficiary, get_balance(beneficiary) + balance);
        }
        return false;
    }
    set_balance(addr, {});
    if (beneficiary != addr) set_balance(beneficiary, get_balance(beneficiary) + balance);
    const bool first = destructed_.insert(addr).second;
    if (first) journal_.emplace_back(Destructed{addr});
    return first;
}

bytes32 InMemoryHost::get_block_hash(int64_t number) const {
    const auto it = block_hashes.find(number);
    return it == block_hashes.end() ? bytes32{} : it->second;
}

uint256 InMemoryHost::get_transient_storage(const address& addr, const uint256& key) const {
    const auto it = transient_.find({addr, key});
    return it == transient_.end() ? uint256{} : it->second;
}

void InMemoryHost::set_transient_storage(const address& addr, const uint256& key, const uint256& value) {
    uint256& slot = transient_[{addr, key}];
    journal_.emplace_back(TransientChange{addr, key, slot});
    slot = value;
}

void InMemoryHost::emit_log(const address& addr, bytes_view data, std::span<const bytes32> topics) {
    logs.push_back({addr, {topics.begin(), topics.end()}, {data.begin(), data.end()}});
}

address InMemoryHost::create_address(const address& sender, uint64_t nonce) {
    const bytes items[] = {rlp::encode(bytes_view{sender.bytes}), rlp::encode(uint256{nonce})};
    const bytes32 h = keccak256(rlp::encode_list(items));
    return address::from_word(h.to_word());
}

address InMemoryHost::create2_address(const address& sender, const uint256& salt, bytes_view init_code) {
    bytes buf{0xff};
    buf.insert(buf.end(), sender.bytes.begin(), sender.bytes.end());
    const bytes32 s = bytes32::from_word(salt);
    buf.insert(buf.end(), s.bytes.begin(), s.bytes.end());
    const bytes32 ch = keccak256(init_code);
    buf.insert(buf.end(), ch.bytes.begin(), ch.bytes.end());
    return address::from_word(keccak256(buf).to_word());
}

Result InMemoryHost::call(const Message& msg) {
    if (tracer_ == nullptr) return call_untraced(msg);
    uint8_t precompile = 0;
    if (msg.kind != CallKind::Create && msg.kind != CallKind::Create2)
        precompile = precompile_id(msg.code_address, fork_).value_or(0);
    tracer_->on_frame_enter(msg, precompile);
    Result r = call_untraced(msg);
    tracer_->on_frame_exit(r);
    return r;
}

Result InMemoryHost::call_untraced(const Message& msg) {
    if (msg.kind == CallKind::Create || msg.kind == CallKind::Create2) return create(msg);
    const Checkpoint begin = checkpoint();
    if (msg.kind != CallKind::DelegateCall) {
        const uint256 from_balance = get_balance(msg.sender);
        if (from_balance < msg.value) return {Status::InsufficientBalance, msg.gas, 0, {}, {}};
        set_balance(msg.sender, from_balance - msg.value);
        set_balance(msg.recipient, get_balance(msg.recipient) + msg.value);  // touches it into existence
        touch_mark(msg.recipient);
        if (msg.recipient == ripemd_address && !msg.value) ripemd_touched_ = true;
    }
    if (const std::optional<uint8_t> n = precompile_id(msg.code_address, fork_)) {
        Result r = run_precompile(*n, msg);
        if (r.status != Status::Success) revert_to(begin);
        return r;
    }
    const auto code_it = accounts.find(msg.code_address);
    if (code_it == accounts.end() || code_it->second.code.empty())
        return {Status::Success, msg.gas, 0, {}, {}};
    // No copy needed: the interpreter runs its analysis' own copy of the code, so no change to the
    // account map during the frame can pull the code from under it.
    Result r = execute(*this, fork_, msg, code_it->second.code);
    if (r.status != Status::Success) revert_to(begin);
    return r;
}

Result InMemoryHost::create(const Message& msg) {
    const GasParams& params = params_;
    if (get_balance(msg.sender) < msg.value) return {Status::InsufficientBalance, msg.gas, 0, {}, {}};
    const uint64_t nonce = get_nonce(msg.sender);
    if (nonce == UINT64_MAX) return {Status::Failure, msg.gas, 0, {}, {}};  // EIP-2681: no CREATE past it
    const address addr = msg.kind == CallKind::Create2 ? create2_address(msg.sender, msg.salt, msg.input)
                                                       : create_address(msg.sender, nonce);
    set_nonce(msg.sender, nonce + 1);  // kept even if the creation fails
    access_account(addr);              // EIP-2929: warm before any check, kept even if it fails
    const Checkpoint begin = checkpoint();
    if (const auto it = accounts.find(addr);
        it != accounts.end() &&
        (it->second.nonce != 0 || !it->second.code.empty() || !it->second.storage.empty()))  // EIP-7610
        return {Status::ContractAddressCollision, 0, 0, {}, {}};

    touch(addr);
    if (created_in_tx_.insert(addr).second) journal_.emplace_back(CreatedInTx{addr});
    if (fork_ >= Fork::SpuriousDragon) set_nonce(addr, 1);
    set_balance(msg.sender, get_balance(msg.sender) - msg.value);
    set_balance(addr, get_balance(addr) + msg.value);

    Message frame = msg;
    frame.recipient = addr;
    frame.code_address = addr;
    frame.input = {};
    Result r = execute(*this, fork_, frame, msg.input);
    if (r.status != Status::Success) {
        revert_to(begin);
        return r;
    }
    const auto deposit = params.create_data_byte * static_cast<int64_t>(r.output.size());
    const bool too_large = params.max_code_size != 0 && r.output.size() > params.max_code_size;  // EIP-170
    const bool starts_ef = params.reject_ef_code && !r.output.empty() && r.output[0] == 0xef;    // EIP-3541
    if (too_large || starts_ef) {
        revert_to(begin);
        return {Status::Failure, 0, 0, {}, {}};
    }
    if (r.gas_left < deposit) {
        if (params.create_oog_fails) {
            revert_to(begin);
            return {Status::OutOfGas, 0, 0, {}, {}};
        }
        r.output.clear();  // Frontier: the account stays, without code
    } else {
        r.gas_left -= deposit;
        if (tracer_ != nullptr) tracer_->on_code_deposit(deposit);
    }
    set_code(addr, std::move(r.output));
    r.output.clear();
    r.create_address = addr;
    return r;
}

Result InMemoryHost::run_precompile(uint8_t number, const Message& msg) const {
    // Priced first: modexp's declared lengths are only safe to allocate once their gas is paid.
    const int64_t cost = precompile_gas(number, msg.input, fork_);
    if (msg.gas < cost) return {Status::OutOfGas, 0, 0, {}, {}};
    PrecompileResult p = vm::run_precompile(number, msg.input);
    if (p.status != PrecompileResult::Status::Success) return {Status::Failure, 0, 0, {}, {}};
    return {Status::Success, msg.gas - cost, 0, std::move(p.output), {}};
}

}  // namespace trainchain::vm
