// compiler/include/trainchain/compiler/abi.hpp - the Solidity contract ABI: type names,
// function signatures and selectors, and encoding of values given as text (for the CLI and the
// tests) and decoding back to text.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "trainchain/vm/host.hpp"

namespace trainchain::compiler::abi {

/// An ABI type: `uintN`, `intN`, `address`, `bool`, `bytesN`, `bytes`, `string`, `T[]`, `T[k]`, and
/// tuples `(T1,T2,...)` (structs).
struct Type {
    enum class Kind { Uint, Int, Address, Bool, FixedBytes, Bytes, String, Array, Tuple };
    Kind kind = Kind::Uint;
    unsigned bits = 256;                  ///< Uint/Int: 8..256; FixedBytes: 8 * size
    std::shared_ptr<const Type> element;  ///< Array only
    std::optional<size_t> length;         ///< Array only: set for T[k]
    std::vector<Type> components;         ///< Tuple only

    /// The canonical name used in signatures: `uint256`, `bytes32`, `uint8[]`, `address[3]`.
    [[nodiscard]] std::string canonical() const;
    /// True for bytes, string, T[], and arrays and tuples of dynamic types.
    [[nodiscard]] bool dynamic() const;
    /// Bytes the type takes in the head of an encoding (32 for dynamic types).
    [[nodiscard]] size_t head_size() const;
};

/// A result or the message saying why there is none.
template <class T>
struct Result {
    std::optional<T> value;
    std::string error;  ///< set when value is empty
    explicit operator bool() const noexcept { return value.has_value(); }
};

/// Parses a type name; `uint` and `int` mean their 256-bit forms; `(uint256,string)[]` is a tuple type.
Result<Type> parse_type(std::string_view text);

/// A function or event signature such as `transfer(address,uint256)`.
struct Signature {
    std::string name;
    std::vector<Type> params;

    /// `name(type1,type2)` with canonical type names.
    [[nodiscard]] std::string canonical() const;
    /// The first four bytes of keccak256(canonical()).
    [[nodiscard]] std::array<uint8_t, 4> selector() const;
};

/// Parses `f(uint256,address)`; spaces are allowed, parameter names are not.
Result<Signature> parse_signature(std::string_view text);

/// The first four bytes of keccak256(text) for an already canonical signature.
std::array<uint8_t, 4> selector(std::string_view canonical_signature);

/// Encodes values written as text: integers in decimal or 0x-hex (negative for intN), `true` or
/// `false`, addresses and bytesN as 0x-hex, `bytes` as 0x-hex, strings as they are (one pair of
/// surrounding double quotes is removed), arrays and tuples as `[v1,v2,...]`. Errors name the argument.
Result<vm::bytes> encode(const std::vector<Type>& types, const std::vector<std::string>& values);

/// Decodes ABI data into text values written as encode() reads them (strings JSON-quoted).
Result<std::vector<std::string>> decode(const std::vector<Type>& types, vm::bytes_view data);

}  // namespace trainchain::compiler::abi
