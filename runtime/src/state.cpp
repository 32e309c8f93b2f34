// runtime/src/state.cpp - the state journal's rows: encoding, applying and undoing a block's
// changes of the VM world, whole-world diffs, the world's bytes and digest.
#include "trainchain/runtime/state.hpp"

#include <cstring>

#include "trainchain/runtime/store.hpp"

namespace trainchain::runtime {
namespace {

/// The encoding's version byte (StateChanges::encode).
constexpr uint8_t changes_version = 1;

enum Flag : uint8_t {
    Existed = 1,
    Exists = 2,
    HasBalance = 4,
    HasNonce = 8,
    HasCode = 16,
    AllFlags = 31,
};

void put_varint(Bytes& b, uint64_t v) {
    while (v >= 0x80) {
        b.push_back(static_cast<uint8_t>(v | 0x80));
        v >>= 7;
    }
    b.push_back(static_cast<uint8_t>(v));
}

/// A word without its leading zero bytes: the byte count, then the bytes.
void put_word(Bytes& b, const vm::uint256& w) {
    uint8_t t[32];
    w.to_be(t);
    const unsigned n = vm::significant_bytes(w);
    b.push_back(static_cast<uint8_t>(n));
    b.insert(b.end(), t + 32 - n, t + 32);
}

void put_bytes(Bytes& b, const Bytes& v) {
    put_varint(b, v.size());
    b.insert(b.end(), v.begin(), v.end());
}

void put_u64(Bytes& b, uint64_t v) {
    for (int i = 7; i >= 0; --i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void put_word32(Bytes& b, const vm::uint256& w) {
    uint8_t t[32];
    w.to_be(t);
    b.insert(b.end(), t, t + 32);
}

/// Reads the encoding, throwing a message on the first thing wrong.
class Reader {
public:
    explicit Reader(std::span<const uint8_t> s) : s_{s} {}
    [[nodiscard]] bool done() const noexcept { return at_ == s_.size(); }
    uint8_t byte() {
        need(1);
        return s_[at_++];
    }
    uint64_t varint() {
        uint64_t v = 0;
        for (unsigned shift = 0;; shift += 7) {
            if (shift > 63) throw std::string("a number is longer than 64 bits");
            const uint8_t b = byte();
            if (shift == 63 && b > 1) throw std::string("a number is longer than 64 bits");
            v |= uint64_t{b & 0x7fu} << shift;
            if (!(b & 0x80)) {
                if (b == 0 && shift != 0) throw std::string("a number has a redundant byte");
                return v;
            }
        }
    }
    vm::uint256 word() {
        const uint8_t n = byte();
        if (n > 32) throw std::string("a word is longer than 32 bytes");
        need(n);
        if (n > 0 && s_[at_] == 0) throw std::string("a word has a leading zero byte");
        const auto w = vm::uint256::from_be(s_.data() + at_, n);
        at_ += n;
        return w;
    }
    vm::uint256 word32() {
        need(32);
        const auto w = vm::uint256::from_be(s_.data() + at_, 32);
        at_ += 32;
        return w;
    }
    Bytes bytes() {
        const uint64_t n = varint();
        need(n);
        Bytes out(s_.begin() + static_cast<std::ptrdiff_t>(at_),
                  s_.begin() + static_cast<std::ptrdiff_t>(at_ + n));
        at_ += n;
        return out;
    }
    vm::address address() {
        need(20);
        vm::address a;
        std::memcpy(a.bytes.data(), s_.data() + at_, 20);
        at_ += 20;
        return a;
    }

private:
    void need(uint64_t n) const {
        if (n > s_.size() - at_) throw std::string("truncated");
    }
    std::span<const uint8_t> s_;
    size_t at_ = 0;
};

std::string describe(const vm::address& a) { return "account " + a.to_hex(); }

/// Sets `field` to the change's new value when it holds the old one (forwards: first is old).
template <class T>
bool replace(T& field, const std::pair<T, T>& change, bool forward) {
    if (field != (forward ? change.first : change.second)) return false;
    field = forward ? change.second : change.first;
    return true;
}

/// Applies one account's change forwards (or backwards), checking every value it replaces.
bool apply_account(World& world, const AccountChange& c, bool forward, std::string* why) {
    auto fail = [&](const std::string& what) {
        if (why) *why = describe(c.address) + ": " + what;
        return false;
    };
    const bool from = forward ? c.existed : c.exists;
    const bool to = forward ? c.exists : c.existed;
    auto it = world.find(c.address);
    if ((it != world.end()) != from)
        return fail(from ? "absent, where the change expects it" : "present, where the change creates it");
    if (it == world.end()) it = world.emplace(c.address, vm::Account{}).first;
    vm::Account& acc = it->second;
    if (c.balance && !replace(acc.balance, *c.balance, forward))
        return fail("the balance is not the one the change replaces");
    if (c.nonce && !replace(acc.nonce, *c.nonce, forward))
        return fail("the nonce is not the one the change replaces");
    if (c.code && !replace(acc.code, *c.code, forward))
        return fail("the code is not the one the change replaces");
    for (const auto& s : c.slots) {
        const vm::uint256& old_value = forward ? s.before : s.after;
        const vm::uint256& new_value = forward ? s.after : s.before;
        const auto slot = acc.storage.find(s.key);
        const vm::uint256 held = slot == acc.storage.end() ? vm::uint256{} : slot->second;
        if (held != old_value)
            return fail("slot " + s.key.to_hex() + " is not the value the change replaces");
        if (!new_value) {
            if (slot != acc.storage.end()) acc.storage.erase(slot);
        } else if (slot != acc.storage.end()) {
            slot->second = new_value;
        } else {
            acc.storage.emplace(s.key, new_value);
        }
    }
    if (!to) {
        if (acc.balance || acc.nonce != 0 || !acc.code.empty() || !acc.storage.empty())
            return fail("still holds something after the change that removes it");
        world.erase(it);
    }
    return true;
}

bool apply_all(const StateChanges& ch, World& world, bool forward, std::string* why) {
    if (forward) {
        for (const auto& c : ch.accounts)
            if (!apply_account(world, c, true, why)) return false;
    } else {
        for (auto c = ch.accounts.rbegin(); c != ch.accounts.rend(); ++c)
            if (!apply_account(world, *c, false, why)) return false;
    }
    return true;
}

/// The change of one account from `before` (null: absent) to `after` (null: absent); every slot
/// compared. Empty (no field, no slot, same existence) when nothing changed.
AccountChange account_diff(const vm::address& addr, const vm::Account* before, const vm::Account* after) {
    static const vm::Account none;
    const vm::Account& a = before ? *before : none;
    const vm::Account& b = after ? *after : none;
    AccountChange c;
    c.address = addr;
    c.existed = before != nullptr;
    c.exists = after != nullptr;
    if (a.balance != b.balance) c.balance = {a.balance, b.balance};
    if (a.nonce != b.nonce) c.nonce = {a.nonce, b.nonce};
    if (a.code != b.code) c.code = {a.code, b.code};
    auto i = a.storage.begin(), j = b.storage.begin();
    while (i != a.storage.end() || j != b.storage.end()) {
        if (j == b.storage.end() || (i != a.storage.end() && i->first < j->first)) {
            c.slots.push_back({i->first, i->second, {}});
            ++i;
        } else if (i == a.storage.end() || j->first < i->first) {
            c.slots.push_back({j->first, {}, j->second});
            ++j;
        } else {
            if (i->second != j->second) c.slots.push_back({i->first, i->second, j->second});
            ++i;
            ++j;
        }
    }
    return c;
}

bool unchanged(const AccountChange& c) {
    return c.existed == c.exists && !c.balance && !c.nonce && !c.code && c.slots.empty();
}

}  // namespace

Bytes StateChanges::encode() const {
    Bytes b;
    b.push_back(changes_version);
    put_varint(b, accounts.size());
    for (const auto& c : accounts) {
        b.insert(b.end(), c.address.bytes.begin(), c.address.bytes.end());
        const uint8_t flags = static_cast<uint8_t>((c.existed ? Existed : 0) | (c.exists ? Exists : 0) |
                                                   (c.balance ? HasBalance : 0) | (c.nonce ? HasNonce : 0) |
                                                   (c.code ? HasCode : 0));
        b.push_back(flags);
        if (c.balance) {
            put_word(b, c.balance->first);
            put_word(b, c.balance->second);
        }
        if (c.nonce) {
            put_varint(b, c.nonce->first);
            put_varint(b, c.nonce->second);
        }
        if (c.code) {
            put_bytes(b, c.code->first);
            put_bytes(b, c.code->second);
        }
        put_varint(b, c.slots.size());
        for (const auto& s : c.slots) {
            put_word32(b, s.key);
            put_word(b, s.before);
            put_word(b, s.after);
        }
    }
    return b;
}

std::optional<StateChanges> StateChanges::decode(std::span<const uint8_t> bytes, std::string* why) {
    try {
        Reader r(bytes);
        if (r.byte() != changes_version) throw std::string("unknown version");
        StateChanges out;
        const uint64_t n = r.varint();
        for (uint64_t i = 0; i < n; ++i) {
            AccountChange c;
            c.address = r.address();
            if (!out.accounts.empty() && !(out.accounts.back().address < c.address))
                throw std::string("accounts out of order or repeated");
            const uint8_t flags = r.byte();
            if (flags & ~AllFlags) throw std::string("unknown account flags");
            c.existed = (flags & Existed) != 0;
            c.exists = (flags & Exists) != 0;
            if (!c.existed && !c.exists) throw std::string(describe(c.address) + " neither before nor after");
            if (flags & HasBalance) {
                c.balance = {r.word(), r.word()};
                if (c.balance->first == c.balance->second)
                    throw std::string(describe(c.address) + ": a balance that did not change");
            }
            if (flags & HasNonce) {
                c.nonce = {r.varint(), r.varint()};
                if (c.nonce->first == c.nonce->second)
                    throw std::string(describe(c.address) + ": a nonce that did not change");
            }
            if (flags & HasCode) {
                c.code = {r.bytes(), r.bytes()};
                if (c.code->first == c.code->second)
                    throw std::string(describe(c.address) + ": code that did not change");
            }
            const uint64_t slots = r.varint();
            for (uint64_t k = 0; k < slots; ++k) {
                SlotChange s;
                s.key = r.word32();
                s.before = r.word();
                s.after = r.word();
                if (!c.slots.empty() && !(c.slots.back().key < s.key))
                    throw std::string(describe(c.address) + ": slots out of order or repeated");
                if (s.before == s.after)
                    throw std::string(describe(c.address) + ": a slot that did not change");
                c.slots.push_back(s);
            }
            if (unchanged(c)) throw std::string(describe(c.address) + " listed without a change");
            out.accounts.push_back(std::move(c));
        }
        if (!r.done()) throw std::string("bytes after the last account");
        return out;
    } catch (const std::string& e) {
        if (why) *why = e;
        return std::nullopt;
    }
}

bool StateChanges::apply(World& world, std::string* why) const { return apply_all(*this, world, true, why); }

bool StateChanges::undo(World& world, std::string* why) const { return apply_all(*this, world, false, why); }

StateChanges diff_worlds(const World& before, const World& after) {
    StateChanges out;
    auto i = before.begin(), j = after.begin();
    while (i != before.end() || j != after.end()) {
        AccountChange c;
        if (j == after.end() || (i != before.end() && i->first < j->first)) {
            c = account_diff(i->first, &i->second, nullptr);
            ++i;
        } else if (i == before.end() || j->first < i->first) {
            c = account_diff(j->first, nullptr, &j->second);
            ++j;
        } else {
            c = account_diff(i->first, &i->second, &j->second);
            ++i;
            ++j;
        }
        if (!unchanged(c)) out.accounts.push_back(std::move(c));
    }
    return out;
}

Bytes encode_world(const World& world) {
    Bytes b;
    put_u64(b, world.size());
    for (const auto& [addr, acc] : world) {
        b.insert(b.end(), addr.bytes.begin(), addr.bytes.end());
        put_word32(b, acc.balance);
        put_u64(b, acc.nonce);
        put_u64(b, acc.code.size());
        b.insert(b.end(), acc.code.begin(), acc.code.end());
        put_u64(b, acc.storage.size());
        for (const auto& [k, v] : acc.storage) {
            put_word32(b, k);
            put_word32(b, v);
        }
    }
    return b;
}

World decode_world(std::span<const uint8_t> s) {
    size_t at = 0;
    auto need = [&](uint64_t n) {
        if (n > s.size() - at) throw StoreError("chain store: the saved VM state is truncated");
    };
    auto u64 = [&] {
        need(8);
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = (v << 8) | s[at++];
        return v;
    };
    auto word = [&] {
        need(32);
        const auto w = vm::uint256::from_be(s.data() + at, 32);
        at += 32;
        return w;
    };
    World world;
    const uint64_t n = u64();
    for (uint64_t i = 0; i < n; ++i) {
        need(20);
        vm::address addr;
        std::memcpy(addr.bytes.data(), s.data() + at, 20);
        at += 20;
        vm::Account acc;
        acc.balance = word();
        acc.nonce = u64();
        const uint64_t code = u64();
        need(code);
        acc.code.assign(s.begin() + static_cast<std::ptrdiff_t>(at),
                        s.begin() + static_cast<std::ptrdiff_t>(at + code));
        at += code;
        const uint64_t slots = u64();
        for (uint64_t k = 0; k < slots; ++k) {
            const auto key = word();
            acc.storage[key] = word();
        }
        world[addr] = std::move(acc);
    }
    if (at != s.size()) throw StoreError("chain store: the saved VM state has trailing bytes");
    return world;
}

Hash state_digest(const World& world) { return sha256(encode_world(world)); }

}  // namespace trainchain::runtime
