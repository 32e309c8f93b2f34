// runtime/src/ledger.cpp - contract deployment and calls on the VM, gas records, and each block's
// changes of the VM world (taken as a journal row, or undone).
#include "trainchain/runtime/ledger.hpp"

#include <algorithm>

#include <cstring>
#include <nlohmann/json.hpp>

#include "trainchain/compiler/abi.hpp"
#include "trainchain/contracts/contracts.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/keccak.hpp"

namespace trainchain::runtime {
namespace {

namespace abi = compiler::abi;

const contracts::Artifact& artifact(const std::string& name) {
    const auto* a = contracts::find(name);
    if (!a) throw ContractError("no embedded contract named '" + name + "'");
    return *a;
}

/// Input and output types of a function or the constructor in an ABI JSON.
std::pair<std::vector<abi::Type>, std::vector<abi::Type>> abi_types(const contracts::Artifact& a,
                                                                    const std::string& kind,
                                                                    const std::string& name,
                                                                    const std::string& canonical) {
    const auto j = nlohmann::json::parse(a.abi_json);
    for (const auto& e : j) {
        if (e.value("type", "") != kind) continue;
        if (kind == "function" && e.value("name", "") != name) continue;
        std::vector<abi::Type> in, out;
        for (const auto& i : e["inputs"]) in.push_back(*abi::parse_type(i["type"].get<std::string>()).value);
        if (e.contains("outputs"))
            for (const auto& o : e["outputs"])
                out.push_back(*abi::parse_type(o["type"].get<std::string>()).value);
        if (kind == "function" && abi::Signature{name, in}.canonical() != canonical) continue;
        return {in, out};
    }
    if (kind == "constructor") return {};
    throw ContractError(std::string(a.name) + " has no function " + canonical);
}

std::string describe_revert(const vm::bytes& data, const contracts::Artifact& a) {
    if (data.size() < 4) return data.empty() ? "reverted without data" : "0x" + vm::to_hex(data);
    const uint32_t sel =
        (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) | (uint32_t{data[2]} << 8) | data[3];
    const vm::bytes_view rest(data.data() + 4, data.size() - 4);
    if (sel == 0x08c379a0) {
        if (auto d = abi::decode({*abi::parse_type("string").value}, rest))
            return "Error(" + (*d.value)[0] + ")";
    }
    if (sel == 0x4e487b71) {
        if (auto d = abi::decode({*abi::parse_type("uint256").value}, rest))
            return "Panic(" + (*d.value)[0] + ")";
    }
    for (const auto& e : nlohmann::json::parse(a.abi_json)) {
        if (e.value("type", "") != "error") continue;
        std::vector<abi::Type> types;
        for (const auto& i : e["inputs"])
            types.push_back(*abi::parse_type(i["type"].get<std::string>()).value);
        const abi::Signature sig{e["name"].get<std::string>(), types};
        const auto s = sig.selector();
        if ((uint32_t{s[0]} << 24 | uint32_t{s[1]} << 16 | uint32_t{s[2]} << 8 | s[3]) != sel) continue;
        auto d = abi::decode(types, rest);
        std::string out = sig.name + "(";
        if (d)
            for (size_t i = 0; i < d.value->size(); ++i) out += (i ? ", " : "") + (*d.value)[i];
        return out + ")";
    }
    return "0x" + vm::to_hex(data);
}

/// What an AbiValue holds, for messages.
std::string held(const AbiValue& v) {
    static constexpr const char* names[] = {"a uint256", "a bool", "an address",
                                            "a bytes32", "bytes",  "a string"};
    return names[v.index()];
}

/// The text compiler::abi::encode reads for `v` as a `type`; ContractError when `v` is not of that
/// type's kind. (The compiler's ABI codec works on text; the text stays inside this file.)
std::string abi_text(const abi::Type& type, const AbiValue& v, const std::string& where) {
    using K = abi::Type::Kind;
    if (type.kind == K::Uint)
        if (const auto* u = std::get_if<vm::uint256>(&v)) return u->to_hex();
    if (type.kind == K::Bool)
        if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    if (type.kind == K::Address)
        if (const auto* a = std::get_if<vm::address>(&v)) return a->to_hex();
    if (type.kind == K::FixedBytes && type.bits == 256)
        if (const auto* h = std::get_if<Hash>(&v)) return vm::to_hex0x(*h);
    if (type.kind == K::Bytes)
        if (const auto* b = std::get_if<Bytes>(&v)) return vm::to_hex0x(*b);
    if (type.kind == K::String)
        if (const auto* t = std::get_if<std::string>(&v)) return '"' + *t + '"';  // one pair is removed
    throw ContractError(where + ": a " + type.canonical() + " argument given as " + held(v));
}

/// The arguments as encode() reads them, checked against `types`.
std::vector<std::string> abi_texts(const std::vector<abi::Type>& types, const std::vector<AbiValue>& args,
                                   const std::string& where) {
    if (args.size() != types.size())
        throw ContractError(where + ": " + std::to_string(types.size()) + " arguments expected, " +
                            std::to_string(args.size()) + " given");
    std::vector<std::string> out;
    for (size_t i = 0; i < args.size(); ++i) out.push_back(abi_text(types[i], args[i], where));
    return out;
}

/// A string as decode() writes it: in double quotes, with \", \\ and \u00XX escapes.
std::optional<std::string> unquote(std::string_view text) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::nullopt;
    text = text.substr(1, text.size() - 2);
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) {
            out += text[++i];
        } else if (i + 5 < text.size() && text.substr(i + 1, 3) == "u00") {
            const auto byte = vm::parse_hex_digits(text.substr(i + 4, 2));
            if (!byte) return std::nullopt;
            out += static_cast<char>((*byte)[0]);
            i += 5;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

/// A value decode() wrote as text, typed by `type`; nullopt for a type AbiValue does not hold.
std::optional<AbiValue> typed(const abi::Type& type, const std::string& text) {
    using K = abi::Type::Kind;
    const std::string_view digits = text.starts_with("0x") ? std::string_view(text).substr(2) : text;
    switch (type.kind) {
        case K::Uint:
            if (auto u = vm::uint256::parse(text)) return *u;
            break;
        case K::Bool:
            if (text == "true" || text == "false") return text == "true";
            break;
        case K::Address:
            if (auto a = vm::address::parse(text)) return *a;
            break;
        case K::FixedBytes:
            if (type.bits == 256)
                if (auto h = vm::parse_hex_digits_n<32>(digits)) return *h;
            break;
        case K::Bytes:
            if (auto b = vm::parse_hex_digits(digits)) return std::move(*b);
            break;
        case K::String:
            if (auto t = unquote(text)) return std::move(*t);
            break;
        default:
            break;
    }
    return std::nullopt;
}

}  // namespace

Ledger::Ledger(vm::Fork fork)
    : host_{fork}, server_{*vm::address::parse("0x00000000000000000000000000000000005e4e42")} {
    host_.accounts[server_].balance = vm::uint256::max() >> vm::uint256{8};
}

vm::StorageUpdate Ledger::Host::set_storage(const vm::address& addr, const vm::uint256& key,
                                            const vm::uint256& value) {
    written.emplace(addr, key);
    return vm::InMemoryHost::set_storage(addr, key, value);
}

void Ledger::set_balance(const vm::address& account, const vm::uint256& balance) {
    host_.accounts[account].balance = balance;
}

void Ledger::set_block(uint64_t number, uint64_t timestamp_s) {
    vm::TxContext ctx;
    ctx.origin = server_;
    ctx.number = static_cast<int64_t>(number);
    ctx.timestamp = static_cast<int64_t>(timestamp_s);
    ctx.gas_limit = 30'000'000;
    ctx.chain_id = vm::uint256{0x7c};
    host_.set_tx_context(ctx);
}

vm::address Ledger::deploy(const std::string& name, const std::vector<AbiValue>& args) {
    const auto& a = artifact(name);
    vm::Transaction tx;
    tx.sender = server_;
    tx.data.assign(a.init.begin(), a.init.end());
    const auto [types, unused] = abi_types(a, "constructor", "", "");
    auto enc = abi::encode(types, abi_texts(types, args, "deploying " + name));
    if (!enc) throw ContractError("deploying " + name + ": " + enc.error);
    tx.data.insert(tx.data.end(), enc.value->begin(), enc.value->end());
    tx.gas_limit = 30'000'000;
    const auto out = execute(tx, name, "constructor");
    if (!out.receipt) throw ContractError("deploying " + name + ": " + out.error);
    gas_.push_back(
        {0, name, "constructor", out.receipt->gas_used, out.receipt->status == vm::Status::Success});
    if (out.receipt->status != vm::Status::Success || !out.receipt->created)
        throw ContractError("deploying " + name + " failed: " + describe_revert(out.receipt->output, a));
    return *out.receipt->created;
}

CallResult Ledger::call(const vm::address& to, const std::string& name, const std::string& signature,
                        const std::vector<AbiValue>& args, int64_t gas_limit) {
    const auto& a = artifact(name);
    auto sig = abi::parse_signature(signature);
    if (!sig) throw ContractError(signature + ": " + sig.error);
    const auto [in, out_types] = abi_types(a, "function", sig.value->name, sig.value->canonical());
    auto enc = abi::encode(in, abi_texts(in, args, name + "." + signature));
    if (!enc) throw ContractError(name + "." + signature + ": " + enc.error);
    vm::Transaction tx;
    tx.sender = server_;
    tx.to = to;
    const auto s = sig.value->selector();
    tx.data.assign(s.begin(), s.end());
    tx.data.insert(tx.data.end(), enc.value->begin(), enc.value->end());
    tx.gas_limit = gas_limit;
    const auto outcome = execute(tx, name, sig.value->name);
    if (!outcome.receipt)
        throw ContractError(name + "." + signature + ": invalid transaction: " + outcome.error);
    CallResult r;
    r.receipt = *outcome.receipt;
    gas_.push_back({0, name, sig.value->name, r.receipt.gas_used, r.ok()});
    if (r.ok()) {
        auto d = abi::decode(out_types, r.receipt.output);
        if (!d) throw ContractError(name + "." + signature + ": malformed return data: " + d.error);
        for (size_t i = 0; i < d.value->size(); ++i) {
            auto v = typed(out_types[i], (*d.value)[i]);
            if (!v)
                throw ContractError(name + "." + signature + ": return value " + std::to_string(i) + " (" +
                                    out_types[i].canonical() + ") is not a type Ledger::call returns");
            r.returns.push_back(std::move(*v));
        }
    } else {
        r.revert_reason = describe_revert(r.receipt.output, a);
    }
    return r;
}

uint64_t CallResult::get_u64(size_t i) const {
    const vm::uint256& v = get<vm::uint256>(i);
    if (v.w[1] | v.w[2] | v.w[3])
        throw ContractError("return value " + std::to_string(i) + " (" + v.to_dec() + ") exceeds 64 bits");
    return v.w[0];
}

void CallResult::bad_return(size_t i) const {
    throw ContractError(i >= returns.size()
                            ? "no return value " + std::to_string(i)
                            : "return value " + std::to_string(i) + " is " + held(returns[i]));
}

std::vector<vm::LogRecord> Ledger::events(const vm::Receipt& receipt, const std::string& event_signature) {
    const auto topic =
        vm::keccak256({reinterpret_cast<const uint8_t*>(event_signature.data()), event_signature.size()});
    std::vector<vm::LogRecord> out;
    for (const auto& l : receipt.logs)
        if (!l.topics.empty() && l.topics[0] == topic) out.push_back(l);
    return out;
}

vm::TxOutcome Ledger::execute(const vm::Transaction& tx, const std::string& contract,
                              const std::string& function) {
    scratch_.clear();
    // Uninstalled however the transaction ends, so that no later call reports to a stale profile.
    struct TracerGuard {
        vm::InMemoryHost& host;
        ~TracerGuard() { host.set_tracer(nullptr); }
    } guard{host_};
    host_.set_tracer(&scratch_);
    auto outcome = vm::execute_transaction(host_, tx);
    host_.logs.clear();  // the receipt holds the transaction's logs; the host would keep them all
    if (!outcome.receipt) return outcome;
    auto it = std::find_if(profiles_.begin(), profiles_.end(), [&](const GasProfileRecord& r) {
        return r.contract == contract && r.function == function;
    });
    if (it == profiles_.end()) {
        profiles_.push_back({});
        it = std::prev(profiles_.end());
        it->contract = contract;
        it->function = function;
    }
    it->calls += 1;
    it->gas_used += outcome.receipt->gas_used;
    it->intrinsic += outcome.receipt->intrinsic_gas;
    it->refund += outcome.receipt->gas_refund;
    it->profile += scratch_;
    return outcome;
}

std::vector<GasProfileRecord> Ledger::take_profiles(uint64_t height) {
    auto out = std::move(profiles_);
    profiles_.clear();
    for (auto& p : out) p.height = height;
    return out;
}

std::vector<GasRecord> Ledger::take_gas(uint64_t height) {
    auto out = std::move(gas_);
    gas_.clear();
    for (auto& g : out) g.height = height;
    return out;
}

StateRecord Ledger::pending_changes() const {
    StateRecord out;
    const World& now = host_.accounts;
    // The accounts of both worlds, merged in address order: created, deleted or compared.
    auto before = committed_.begin();
    auto after = now.begin();
    while (before != committed_.end() || after != now.end()) {
        const bool created =
            before == committed_.end() || (after != now.end() && after->first < before->first);
        const bool deleted = !created && (after == now.end() || before->first < after->first);
        AccountChange c;
        c.address = created ? after->first : before->first;
        c.existed = !created;
        c.exists = !deleted;
        static const vm::Account none;
        const vm::Account& a = created ? none : before->second;
        const vm::Account& b = deleted ? none : after->second;
        if (a.balance != b.balance) c.balance = {a.balance, b.balance};
        if (a.nonce != b.nonce) c.nonce = {a.nonce, b.nonce};
        if (a.code != b.code) c.code = {a.code, b.code};
        if (created || deleted) {
            // Every slot the account holds (created) or held (deleted).
            for (const auto& [key, value] : created ? b.storage : a.storage)
                c.slots.push_back({key, created ? vm::uint256{} : value, created ? value : vm::uint256{}});
        } else {
            // Only the slots written since the last take can differ.
            for (auto w = host_.written.lower_bound({c.address, vm::uint256{}});
                 w != host_.written.end() && w->first == c.address; ++w) {
                const auto i = a.storage.find(w->second), j = b.storage.find(w->second);
                const vm::uint256 old_value = i == a.storage.end() ? vm::uint256{} : i->second;
                const vm::uint256 new_value = j == b.storage.end() ? vm::uint256{} : j->second;
                if (old_value != new_value) c.slots.push_back({w->second, old_value, new_value});
            }
        }
        if (!created) ++before;
        if (!deleted) ++after;
        if (c.existed == c.exists && !c.balance && !c.nonce && !c.code && c.slots.empty()) continue;
        out.changes.accounts.push_back(std::move(c));
    }
    out.digest = state_digest(now);
    return out;
}

void Ledger::commit_changes(const StateRecord& changes) {
    std::string why;
    if (!changes.changes.apply(committed_, &why))
        throw ContractError("the changes committed do not apply to the ledger's last state: " + why);
    host_.written.clear();
}

void Ledger::discard_changes() {
    host_.accounts = committed_;
    host_.written.clear();
    gas_.clear();
    profiles_.clear();
}

void Ledger::load(World world) {
    host_.accounts = world;
    committed_ = std::move(world);
    host_.written.clear();
    gas_.clear();
    profiles_.clear();
}

}  // namespace trainchain::runtime
