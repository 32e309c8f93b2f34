// vm/src/statetest.cpp - the GeneralStateTests runner: builds each case's pre-state, applies its
// transaction under the fork's rules and compares the post-state root and the logs hash.
#include "trainchain/vm/statetest.hpp"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <thread>

#include "conformance_json.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/logs.hpp"
#include "trainchain/vm/precompiles.hpp"
#include "trainchain/vm/transaction.hpp"
#include "trainchain/vm/trie.hpp"

namespace trainchain::vm {
namespace {

using namespace conformance;

/// The block every case of a test runs in.
TxContext read_env(const json& env, Fork fork) {
    TxContext ctx;
    ctx.coinbase = address_field(env, "currentCoinbase");
    ctx.number = int_field(env, "currentNumber");
    ctx.timestamp = int_field(env, "currentTimestamp");
    ctx.gas_limit = int_field(env, "currentGasLimit");
    ctx.chain_id = 1;
    if (fork >= Fork::Paris && env.contains("currentRandom"))
        ctx.prevrandao = word_field(env, "currentRandom");
    else
        ctx.prevrandao = word_field(env, "currentDifficulty");
    if (fork >= Fork::London && env.contains("currentBaseFee"))
        ctx.base_fee = word_field(env, "currentBaseFee");
    if (fork >= Fork::Cancun) {
        const int64_t excess =
            env.contains("currentExcessBlobGas") ? int_field(env, "currentExcessBlobGas") : 0;
        ctx.blob_base_fee = blob_base_fee(static_cast<uint64_t>(excess));
    }
    return ctx;
}

/// One of a case's indexes: a non-negative JSON integer (a string, a fraction or a value beyond
/// 2^31 is malformed rather than silently narrowed).
int index_field(const json& indexes, const char* key) {
    if (!indexes.is_object() || !indexes.contains(key) || !indexes[key].is_number_unsigned() ||
        indexes[key].get<uint64_t>() > uint64_t(INT32_MAX))
        throw FieldError(std::string("index '") + key + "' is not a non-negative integer");
    return static_cast<int>(indexes[key].get<uint64_t>());
}

/// The `i`-th entry of one of the transaction's arrays, as a string.
const std::string& array_entry(const json& tx, const char* key, int i) {
    if (!tx.contains(key) || !tx[key].is_array())
        throw FieldError(std::string("missing array '") + key + "'");
    const json& a = tx[key];
    if (i < 0 || static_cast<size_t>(i) >= a.size() || !a[static_cast<size_t>(i)].is_string())
        throw FieldError(std::string("index ") + std::to_string(i) + " is outside '" + key + "'");
    return a[static_cast<size_t>(i)].get_ref<const std::string&>();
}

/// The transaction a case selects, or why it cannot even be formed (a field beyond its range:
/// such a transaction is invalid, as an RLP decoder would find).
struct Formed {
    std::optional<Transaction> tx;
    std::string invalid;
};

Formed form_transaction(const json& t, int d, int g, int v) {
    Transaction tx;
    tx.sender = address_field(t, "sender");
    if (!t.contains("to") || !t["to"].is_string()) throw FieldError("missing field 'to'");
    if (const auto& to = t["to"].get_ref<const std::string&>(); !to.empty()) {  // "": a creation
        const auto a = address::parse(to);
        if (!a) throw FieldError("field 'to' is not an address");
        tx.to = *a;
    }
    const uint256 nonce = word_field(t, "nonce");
    if (!nonce.fits_u64()) return {std::nullopt, "nonce above 2^64-1"};
    tx.nonce = nonce.w[0];

    auto data = from_hex(array_entry(t, "data", d));
    if (!data) throw FieldError("data[" + std::to_string(d) + "]: " + data.error.message);
    tx.data = std::move(*data.value);
    const auto gas = uint256::parse(array_entry(t, "gasLimit", g));
    if (!gas) throw FieldError("gasLimit[" + std::to_string(g) + "] is not a number");
    if (!gas->fits_u64() || gas->w[0] > uint64_t(INT64_MAX)) return {std::nullopt, "gas limit above 2^63-1"};
    tx.gas_limit = static_cast<int64_t>(gas->w[0]);
    const auto value = uint256::parse(array_entry(t, "value", v));
    if (!value) return {std::nullopt, "value[" + std::to_string(v) + "] is not a 256-bit number"};
    tx.value = *value;

    // A fee field; nullopt when it is beyond 256 bits (the transaction is then invalid).
    const auto fee = [&t](const char* key) -> std::optional<uint256> {
        if (!t.contains(key) || !t[key].is_string())
            throw FieldError(std::string("missing field '") + key + "'");
        return uint256::parse(t[key].get_ref<const std::string&>());
    };
    if (t.contains("gasPrice")) {
        const auto p = fee("gasPrice");
        if (!p) return {std::nullopt, "gasPrice is not a 256-bit number"};
        tx.gas_price = *p;
    } else {
        tx.type = TxType::DynamicFee;
        const auto cap = fee("maxFeePerGas");
        const auto tip = fee("maxPriorityFeePerGas");
        if (!cap || !tip)
            return {std::nullopt, "maxFeePerGas or maxPriorityFeePerGas is not a 256-bit number"};
        tx.max_fee_per_gas = *cap;
        tx.max_priority_fee_per_gas = *tip;
    }
    if (t.contains("accessLists")) {
        if (tx.type == TxType::Legacy) tx.type = TxType::AccessList;
        const json& lists = t["accessLists"];
        if (!lists.is_array()) throw FieldError("accessLists is not an array");
        if (static_cast<size_t>(d) < lists.size() && lists[static_cast<size_t>(d)].is_array()) {
            for (const json& e : lists[static_cast<size_t>(d)]) {
                AccessListEntry entry;
                entry.addr = address_field(e, "address");
                if (!e.contains("storageKeys") || !e["storageKeys"].is_array())
                    throw FieldError("access list entry without 'storageKeys'");
                for (const json& k : e["storageKeys"]) {
                    const auto key = k.is_string() ? uint256::parse(k.get<std::string>()) : std::nullopt;
                    if (!key) throw FieldError("bad storage key in an access list");
                    entry.keys.push_back(*key);
                }
                tx.access_list.push_back(std::move(entry));
            }
        }
    }
    if (t.contains("blobVersionedHashes")) {
        tx.type = TxType::Blob;
        if (!t["blobVersionedHashes"].is_array()) throw FieldError("blobVersionedHashes is not an array");
        for (const json& h : t["blobVersionedHashes"]) {
            if (!h.is_string()) throw FieldError("a blob versioned hash is not a string");
            tx.blob_hashes.push_back(hash_value(h.get_ref<const std::string&>(), "a blob versioned hash"));
        }
        const auto cap = fee("maxFeePerBlobGas");
        if (!cap) return {std::nullopt, "maxFeePerBlobGas is not a 256-bit number"};
        tx.max_fee_per_blob_gas = *cap;
    }
    return {std::move(tx), {}};
}

/// Why a case that reached an unsupported precompile is skipped.
std::string fmt_unsupported(uint8_t number, std::string_view name) {
    return "calls precompile " + to_hex0x(bytes_view{&number, 1}) + " (" + std::string(name) +
           "), which this build cannot run";
}

/// The post-state as JSON, for a failure's report.
std::string dump_state(const std::map<address, Account>& accounts) {
    json out = json::object();
    for (const auto& [addr, a] : accounts) {
        json acc;
        acc["balance"] = a.balance.to_hex();
        acc["nonce"] = a.nonce;
        acc["code"] = to_hex0x(a.code);
        json storage = json::object();
        for (const auto& [k, v] : a.storage) storage[k.to_hex()] = v.to_hex();
        acc["storage"] = std::move(storage);
        out[addr.to_hex()] = std::move(acc);
    }
    return out.dump();
}

/// What one file produced.
struct FileResult {
    std::array<StateTestTally, num_forks> forks{};
    std::vector<StateTestCase> failures, skipped;
    std::vector<VmTestFailure> errors;
};

/// Adds a test's or a file's results to a file's or the run's (both have the same four parts).
template <class Into>
void absorb(Into& into, FileResult&& from) {
    for (size_t f = 0; f < into.forks.size(); ++f) into.forks[f] += from.forks[f];
    std::move(from.failures.begin(), from.failures.end(), std::back_inserter(into.failures));
    std::move(from.skipped.begin(), from.skipped.end(), std::back_inserter(into.skipped));
    std::move(from.errors.begin(), from.errors.end(), std::back_inserter(into.errors));
}

/// Runs every selected case of one test.
void run_test(const std::string& file, const std::string& name, const json& test,
              const StateTestOptions& options, FileResult& out) {
    if (!test.is_object()) throw FieldError("is not a JSON object");
    const json& txj = test.at("transaction");
    const std::map<address, Account> pre = read_accounts(test.at("pre"));
    const json& post = test.at("post");
    if (!post.is_object()) throw FieldError("post is not a JSON object");
    for (const auto& [fork_key, cases] : post.items()) {
        const auto fork = parse_fork(fork_key);
        if (!fork) throw FieldError("unknown fork '" + fork_key + "' in post");
        if (options.fork && *options.fork != *fork) continue;
        if (!cases.is_array()) throw FieldError("post." + fork_key + " is not an array");
        const TxContext ctx = read_env(test.at("env"), *fork);
        for (size_t i = 0; i < cases.size(); ++i) {
            const json& c = cases[i];
            const json& idx = c.at("indexes");
            StateTestCase result{file,
                                 name,
                                 *fork,
                                 i,
                                 index_field(idx, "data"),
                                 index_field(idx, "gas"),
                                 index_field(idx, "value"),
                                 {},
                                 {}};
            const bytes32 want_root = hash_field(c, "hash");
            const bytes32 want_logs = hash_field(c, "logs");
            const bool expect_exception = c.contains("expectException");

            InMemoryHost host(*fork, ctx);
            host.accounts = pre;
            const Formed formed = form_transaction(txj, result.data, result.gas, result.value);
            std::string rejection = formed.invalid;
            std::vector<LogRecord> logs;
            if (formed.tx) {
                const TxOutcome outcome = apply_transaction(host, *formed.tx);
                if (outcome.receipt)
                    logs = outcome.receipt->logs;
                else
                    rejection = outcome.reject + ": " + outcome.error;
            }
            // As Ethereum's own runners do: a zero reward touches the coinbase, which EIP-161 then
            // deletes if it is empty, even after an invalid transaction.
            host.add_balance(ctx.coinbase, {});
            host.finalize();

            StateTestTally& tally = out.forks[static_cast<size_t>(*fork)];
            if (const auto n = host.unsupported_precompile()) {
                const PrecompileInfo* info = find_precompile(*n);
                result.reason = fmt_unsupported(*n, info != nullptr ? info->name : "?");
                ++tally.skipped;
                out.skipped.push_back(std::move(result));
                continue;
            }
            const bytes32 root = state_root(host.accounts);
            const bytes32 logs_root = logs_hash(logs);
            std::string& why = result.reason;
            if (expect_exception && rejection.empty())
                why = "expected the transaction to be rejected (" + c["expectException"].dump() + "), it ran";
            else if (!expect_exception && !rejection.empty())
                why = "transaction rejected: " + rejection;
            else if (root != want_root)
                why = "state root " + root.to_hex() + ", expected " + want_root.to_hex();
            else if (logs_root != want_logs)
                why = "logs hash " + logs_root.to_hex() + ", expected " + want_logs.to_hex();
            if (why.empty()) {
                ++tally.passed;
            } else {
                ++tally.failed;
                result.post = dump_state(host.accounts);
                out.failures.push_back(std::move(result));
            }
        }
    }
}

FileResult run_file(const std::filesystem::path& file, const StateTestOptions& options) {
    FileResult out;
    const auto doc = read_test_file(file, out.errors);
    if (!doc) return out;
    for (const auto& [name, test] : doc->items()) {
        FileResult one;
        try {
            run_test(file.string(), name, test, options, one);
        } catch (const std::exception& e) {  // FieldError and json's type/out_of_range errors
            out.errors.push_back({file.string(), name, {}, "malformed test: " + plain_message(e)});
            continue;
        }
        absorb(out, std::move(one));
    }
    return out;
}

}  // namespace

StateTestTally& StateTestTally::operator+=(const StateTestTally& o) noexcept {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    return *this;
}

StateTestTally StateTestReport::total() const noexcept {
    StateTestTally t;
    for (const auto& f : forks) t += f;
    return t;
}

StateTestReport run_statetests(const std::vector<std::filesystem::path>& paths,
                               const StateTestOptions& options) {
    StateTestReport report;
    std::vector<std::filesystem::path> files;
    const auto all = collect(paths, report.errors);
    const size_t every = std::max<size_t>(options.sample, 1);
    for (size_t i = 0; i < all.size(); i += every) files.push_back(all[i]);
    report.files = files.size();

    // Files are independent: run them on every core, then merge in file order.
    std::vector<FileResult> results(files.size());
    std::atomic<size_t> next{0};
    const auto worker = [&] {
        for (size_t i = next++; i < files.size(); i = next++) results[i] = run_file(files[i], options);
    };
    const size_t n = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 16);
    std::vector<std::jthread> pool;
    for (size_t t = 1; t < n; ++t) pool.emplace_back(worker);
    worker();
    pool.clear();

    for (auto& r : results) absorb(report, std::move(r));
    return report;
}

}  // namespace trainchain::vm
