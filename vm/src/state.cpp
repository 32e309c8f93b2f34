// vm/src/state.cpp - the in-memory host: accounts, storage, logs, nested calls and creates.
#include "trainchain/vm/state.hpp"

#include <algorithm>

#include "trainchain/vm/gas.hpp"
#include "trainchain/vm/keccak.hpp"
#include "trainchain/vm/rlp.hpp"

namespace trainchain::vm {
namespace {

bool is_failure(Status s) noexcept { return s != Status::Success; }

}  // namespace

void InMemoryHost::finalize() {
    for (const auto& a : destructed_) accounts.erase(a);
    destructed_.clear();
    transient_.clear();
    original_.clear();
}

bool InMemoryHost::account_exists(const address& addr) const { return accounts.contains(addr); }

uint256 InMemoryHost::get_storage(const address& addr, const uint256& key) const {
    const auto a = accounts.find(addr);
    if (a == accounts.end()) return {};
    const auto s = a->second.storage.find(key);
    return s == a->second.storage.end() ? uint256{} : s->second;
}

StorageUpdate InMemoryHost::set_storage(const address& addr, const uint256& key, const uint256& value) {
    auto& storage = accounts[addr].storage;
    const auto it = storage.find(key);
    const uint256 current = it == storage.end() ? uint256{} : it->second;
    const auto [orig, inserted] = original_.try_emplace({addr, key}, current);
    if (value)
        storage[key] = value;
    else if (it != storage.end())
        storage.erase(it);
    return {orig->second, current};
}

uint256 InMemoryHost::get_balance(const address& addr) const {
    const auto a = accounts.find(addr);
    return a == accounts.end() ? uint256{} : a->second.balance;
}

size_t InMemoryHost::get_code_size(const address& addr) const {
    const auto a = accounts.find(addr);
    return a == accounts.end() ? 0 : a->second.code.size();
}

bytes32 InMemoryHost::get_code_hash(const address& addr) const {
    const auto a = accounts.find(addr);
    return a == accounts.end() ? bytes32{} : keccak256(a->second.code);
}

size_t InMemoryHost::copy_code(const address& addr, size_t offset, std::span<uint8_t> out) const {
    const auto a = accounts.find(addr);
    if (a == accounts.end() || offset >= a->second.code.size()) return 0;
    const size_t n = std::min(out.size(), a->second.code.size() - offset);
    std::copy_n(a->second.code.begin() + static_cast<std::ptrdiff_t>(offset), n, out.begin());
    return n;
}

bool InMemoryHost::selfdestruct(const address& addr, const address& beneficiary) {
    auto& self = accounts[addr];
    const uint256 balance = self.balance;
    self.balance = {};
    accounts[beneficiary].balance += balance;
    if (beneficiary == addr) self.balance = fork_ >= Fork::Cancun ? balance : uint256{};
    return destructed_.insert(addr).second;
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
    transient_[{addr, key}] = value;
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

InMemoryHost::Snapshot InMemoryHost::snapshot() const {
    return {accounts, logs.size(), destructed_, transient_};
}

void InMemoryHost::restore(Snapshot&& s) {
    accounts = std::move(s.accounts);
    logs.resize(s.num_logs);
    destructed_ = std::move(s.destructed);
    transient_ = std::move(s.transient);
}

Result InMemoryHost::call(const Message& msg) {
    if (msg.kind == CallKind::Create || msg.kind == CallKind::Create2) return create(msg);
    Snapshot before = snapshot();
    if (msg.kind != CallKind::DelegateCall) {
        auto& from = accounts[msg.sender];
        if (from.balance < msg.value) {
            restore(std::move(before));
            return {Status::InsufficientBalance, msg.gas, 0, {}, {}};
        }
        from.balance -= msg.value;
        accounts[msg.recipient].balance += msg.value;  // touches the recipient into existence
    }
    const auto code_it = accounts.find(msg.code_address);
    if (code_it == accounts.end() || code_it->second.code.empty())
        return {Status::Success, msg.gas, 0, {}, {}};
    const bytes code = code_it->second.code;  // the frame may self-destruct its own account
    Result r = execute(*this, fork_, msg, code);
    if (is_failure(r.status)) restore(std::move(before));
    return r;
}

Result InMemoryHost::create(const Message& msg) {
    const GasParams params = gas_params(fork_);
    auto& sender = accounts[msg.sender];
    const address addr = msg.kind == CallKind::Create2 ? create2_address(msg.sender, msg.salt, msg.input)
                                                       : create_address(msg.sender, sender.nonce);
    ++sender.nonce;  // kept even if the creation fails
    Snapshot before = snapshot();
    if (const auto it = accounts.find(addr);
        it != accounts.end() && (it->second.nonce != 0 || !it->second.code.empty()))
        return {Status::ContractAddressCollision, 0, 0, {}, {}};

    auto& created = accounts[addr];
    created.storage.clear();
    created.code.clear();
    created.nonce = fork_ >= Fork::SpuriousDragon ? 1 : 0;
    accounts[msg.sender].balance -= msg.value;
    accounts[addr].balance += msg.value;

    Message frame = msg;
    frame.recipient = addr;
    frame.code_address = addr;
    frame.input = {};
    Result r = execute(*this, fork_, frame, msg.input);
    if (r.status != Status::Success) {
        restore(std::move(before));
        return r;
    }
    const auto deposit = params.create_data_byte * static_cast<int64_t>(r.output.size());
    const bool too_large = fork_ >= Fork::SpuriousDragon && r.output.size() > 24576;
    if (r.gas_left < deposit || too_large) {
        if (params.create_oog_fails || too_large) {
            restore(std::move(before));
            return {Status::OutOfGas, 0, 0, {}, {}};
        }
        r.output.clear();  // Frontier: the account stays, without code
    } else {
        r.gas_left -= deposit;
    }
    accounts[addr].code = std::move(r.output);
    r.output.clear();
    r.create_address = addr;
    return r;
}

}  // namespace trainchain::vm
