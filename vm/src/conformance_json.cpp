// vm/src/conformance_json.cpp - the JSON reading the Ethereum conformance runners share.
#include "conformance_json.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "trainchain/vm/hex.hpp"

namespace trainchain::vm::conformance {
namespace {

const std::string& string_field(const json& obj, const char* key) {
    if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string())
        throw FieldError(std::string("missing field '") + key + "'");
    return obj[key].get_ref<const std::string&>();
}

/// A JSON error as `file:line:col`: nlohmann reports the byte where parsing stopped.
VmTestFailure json_error(const std::filesystem::path& file, const std::string& text,
                         const json::exception& e) {
    const std::string what = plain_message(e);
    std::string where;
    if (const auto* pe = dynamic_cast<const json::parse_error*>(&e); pe != nullptr && pe->byte > 0) {
        size_t line = 1, column = 1;
        for (size_t i = 0; i + 1 < pe->byte && i < text.size(); ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        where = std::to_string(line) + ":" + std::to_string(column);
    }
    return {file.string(), {}, where, "malformed JSON: " + what};
}

}  // namespace

uint256 word_field(const json& obj, const char* key) {
    const auto v = uint256::parse(string_field(obj, key));
    if (!v) throw FieldError(std::string("field '") + key + "' is not a number");
    return *v;
}

int64_t int_field(const json& obj, const char* key) {
    const uint256 v = word_field(obj, key);
    if (!v.fits_u64() || v.w[0] > uint64_t(INT64_MAX))
        throw FieldError(std::string("field '") + key + "' exceeds 2^63-1");
    return static_cast<int64_t>(v.w[0]);
}

bytes bytes_field(const json& obj, const char* key) {
    auto r = from_hex(string_field(obj, key));
    if (!r) throw FieldError(std::string("field '") + key + "': " + r.error.message);
    return std::move(*r.value);
}

address address_field(const json& obj, const char* key) {
    const auto a = address::parse(string_field(obj, key));
    if (!a) throw FieldError(std::string("field '") + key + "' is not an address");
    return *a;
}

bytes32 hash_field(const json& obj, const char* key) {
    return hash_value(string_field(obj, key), std::string("field '") + key + "'");
}

bytes32 hash_value(const std::string& text, const std::string& what) {
    const auto b = from_hex(text);
    if (!b) throw FieldError(what + ": " + b.error.message);
    if (b.value->size() != 32) throw FieldError(what + " is not 32 bytes");
    bytes32 h;
    std::copy(b.value->begin(), b.value->end(), h.bytes.begin());
    return h;
}

std::map<address, Account> read_accounts(const json& obj) {
    if (!obj.is_object()) throw FieldError("accounts are not a JSON object");
    std::map<address, Account> out;
    for (const auto& [key, acc] : obj.items()) {
        const auto addr = address::parse(key);
        if (!addr) throw FieldError("bad account address '" + key + "'");
        Account a;
        a.balance = word_field(acc, "balance");
        const uint256 nonce = word_field(acc, "nonce");
        if (!nonce.fits_u64()) throw FieldError("nonce of " + key + " exceeds 2^64-1");
        a.nonce = nonce.w[0];
        a.code = bytes_field(acc, "code");
        if (acc.contains("storage")) {
            if (!acc["storage"].is_object()) throw FieldError("storage of " + key + " is not a JSON object");
            for (const auto& [k, v] : acc["storage"].items()) {
                const auto kk = uint256::parse(k);
                const auto vv = v.is_string() ? uint256::parse(v.get<std::string>()) : std::nullopt;
                if (!kk || !vv) throw FieldError("bad storage entry '" + k + "'");
                if (*vv) a.storage[*kk] = *vv;
            }
        }
        out.emplace(*addr, std::move(a));
    }
    return out;
}

std::string plain_message(const std::exception& e) {
    std::string what = e.what();
    if (const auto tag = what.find("] "); what.starts_with("[json.exception") && tag != std::string::npos)
        what = what.substr(tag + 2);
    if (what.starts_with("parse error"))
        if (const auto col = what.find(", column "); col != std::string::npos)
            if (const auto colon = what.find(": ", col); colon != std::string::npos)
                what = what.substr(colon + 2);
    return what;
}

std::vector<std::filesystem::path> collect(const std::vector<std::filesystem::path>& paths,
                                           std::vector<VmTestFailure>& errors) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            const size_t before = files.size();
            for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
                std::error_code file_ec;
                if (it->is_regular_file(file_ec) && it->path().extension() == ".json")
                    files.push_back(it->path());
            }
            if (ec)
                errors.push_back({p.string(), {}, {}, "cannot read directory: " + ec.message()});
            else if (files.size() == before)
                errors.push_back({p.string(), {}, {}, "no .json test files in this directory"});
        } else if (fs::exists(p, ec)) {
            files.push_back(p);
        } else {
            errors.push_back({p.string(), {}, {}, "no such file or directory"});
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::optional<json> read_test_file(const std::filesystem::path& file, std::vector<VmTestFailure>& errors) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        errors.push_back({file.string(), {}, {}, "cannot open file"});
        return std::nullopt;
    }
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {  // syntax errors, and numbers out of range
        errors.push_back(json_error(file, text, e));
        return std::nullopt;
    }
    if (!doc.is_object()) {
        errors.push_back({file.string(), {}, {}, "top level is not a JSON object"});
        return std::nullopt;
    }
    return doc;
}

}  // namespace trainchain::vm::conformance
