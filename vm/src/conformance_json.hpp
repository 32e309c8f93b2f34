// vm/src/conformance_json.hpp - what the Ethereum conformance runners (VMTests, GeneralStateTests)
// share: reading hex fields and accounts out of their JSON, finding the test files, and turning
// a JSON error into a diagnostic with its line and column.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trainchain/vm/state.hpp"
#include "trainchain/vm/vmtest.hpp"

namespace trainchain::vm::conformance {

using json = nlohmann::json;

/// A field is missing or could not be converted; the message names the field.
struct FieldError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A hex number field (at most 256 bits).
uint256 word_field(const json& obj, const char* key);
/// A hex number field that fits in an int64.
int64_t int_field(const json& obj, const char* key);
/// A hex byte-string field ("0x" allowed).
bytes bytes_field(const json& obj, const char* key);
/// A 20-byte address field.
address address_field(const json& obj, const char* key);
/// A 32-byte field.
bytes32 hash_field(const json& obj, const char* key);
/// 32 bytes of hex text; errors name the value as `what` (e.g. "field 'hash'").
bytes32 hash_value(const std::string& text, const std::string& what);
/// A pre- or post-state: address -> {balance, nonce, code, storage}.
std::map<address, Account> read_accounts(const json& obj);

/// An exception's message without nlohmann's "[json.exception...] parse error at line..." prefix.
std::string plain_message(const std::exception& e);

/// The test files under `paths` (folders searched recursively for *.json), sorted; problems with a
/// path (missing, unreadable, no tests) go to `errors`.
std::vector<std::filesystem::path> collect(const std::vector<std::filesystem::path>& paths,
                                           std::vector<VmTestFailure>& errors);

/// Reads and parses one file; nullopt after appending the error (with `line:col` for a syntax
/// error) to `errors`. Only a top-level object is accepted.
std::optional<json> read_test_file(const std::filesystem::path& file, std::vector<VmTestFailure>& errors);

}  // namespace trainchain::vm::conformance
