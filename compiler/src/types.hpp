// compiler/src/types.hpp - the language's types, interned so that identical types are one
// object, with their storage sizes, Solidity names and ABI names.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trainchain::compiler {

struct StructInfo;
struct ContractInfo;
struct EnumInfo;

/// A type. Compare by pointer: Types interns them.
struct Type {
    enum class Kind {
        Bool,
        Uint,
        Int,
        Address,
        FixedBytes,
        String,
        Bytes,
        Array,
        Mapping,
        Struct,
        Contract,
        Enum,           ///< a user-defined enum: a uint8 with values 0 .. members - 1
        Function,       ///< an internal function type: the function's code offset (0: unset)
        IntLiteral,     ///< a compile-time number (the value lives in the expression)
        StringLiteral,  ///< a compile-time string
        Tuple,          ///< several values (returns, tuple expressions)
        Void,
    };
    Kind kind = Kind::Void;
    unsigned bits = 0;               ///< Uint/Int width; FixedBytes: 8 * size
    bool payable = false;            ///< address payable
    const Type* key = nullptr;       ///< Mapping key
    const Type* element = nullptr;   ///< Array element, Mapping value
    std::optional<uint64_t> length;  ///< fixed-size Array
    const StructInfo* struct_info = nullptr;
    const ContractInfo* contract = nullptr;
    const EnumInfo* enum_info = nullptr;
    std::vector<const Type*> members;  ///< Tuple; Function: the parameter types
    std::vector<const Type*> returns;  ///< Function: the return types
    int mutability = 2;                ///< Function: 0 pure, 1 view, 2 non-payable, 3 payable

    [[nodiscard]] bool is_integer() const noexcept { return kind == Kind::Uint || kind == Kind::Int; }
    [[nodiscard]] bool is_signed() const noexcept { return kind == Kind::Int; }
    /// A type held in one stack word by value.
    [[nodiscard]] bool is_value() const noexcept {
        return kind == Kind::Bool || kind == Kind::Uint || kind == Kind::Int || kind == Kind::Address ||
               kind == Kind::FixedBytes || kind == Kind::Contract || kind == Kind::Enum ||
               kind == Kind::Function;
    }
    /// string, bytes, arrays, structs and mappings: held by reference to a data location.
    [[nodiscard]] bool is_reference() const noexcept {
        return kind == Kind::String || kind == Kind::Bytes || kind == Kind::Array || kind == Kind::Struct ||
               kind == Kind::Mapping;
    }
    [[nodiscard]] bool is_byte_array() const noexcept { return kind == Kind::String || kind == Kind::Bytes; }

    /// Bytes a value type takes in storage (packing); 32 for everything else.
    [[nodiscard]] unsigned storage_bytes() const noexcept;
    /// Whole slots the type takes in storage.
    [[nodiscard]] uint64_t storage_slots() const;
    /// Solidity's name of the type, for messages: `uint256`, `mapping(address => uint256)`.
    [[nodiscard]] std::string name() const;
    /// The ABI name: contracts are `address`, structs the tuple of their members.
    [[nodiscard]] std::string abi_name() const;
    /// Dynamic in the ABI sense (encoded in the tail).
    [[nodiscard]] bool abi_dynamic() const;
    /// The largest value of an integer type, as a decimal digit string, and the smallest.
    [[nodiscard]] std::string max_text() const;
};

/// An enum definition: its name and its members' names, in order (the values 0, 1, ...).
struct EnumInfo {
    std::string name;
    std::vector<std::string> members;
};

/// One member of a struct, with its place in storage.
struct StructMember {
    std::string name;
    const Type* type = nullptr;
    uint64_t slot = 0;    ///< slot offset from the struct's first slot
    unsigned offset = 0;  ///< byte offset inside that slot (packing)
};

/// A struct definition after layout.
struct StructInfo {
    std::string name;
    std::string owner;  ///< the contract that defines it; empty at file level
    std::vector<StructMember> members;
    uint64_t slots = 0;  ///< storage slots the struct takes
    const StructMember* find(const std::string& n) const {
        for (const auto& m : members)
            if (m.name == n) return &m;
        return nullptr;
    }
};

/// Interns types so that each distinct type is one object.
class Types {
public:
    Types();
    const Type* boolean() const noexcept { return bool_; }
    const Type* uint(unsigned bits);
    const Type* sint(unsigned bits);
    const Type* address(bool payable = false);
    const Type* fixed_bytes(unsigned size);
    const Type* string_type() const noexcept { return string_; }
    const Type* bytes_type() const noexcept { return bytes_; }
    const Type* int_literal() const noexcept { return int_literal_; }
    const Type* string_literal() const noexcept { return string_literal_; }
    const Type* void_type() const noexcept { return void_; }
    const Type* array(const Type* element, std::optional<uint64_t> length);
    const Type* mapping(const Type* key, const Type* value);
    const Type* struct_type(const StructInfo* s);
    const Type* contract(const ContractInfo* c);
    const Type* enum_type(const EnumInfo* e);
    const Type* tuple(std::vector<const Type*> members);
    /// An internal function type; `mutability` 0 pure, 1 view, 2 non-payable, 3 payable.
    const Type* function(std::vector<const Type*> params, std::vector<const Type*> returns, int mutability);

private:
    const Type* intern(Type t, const std::string& key);
    std::map<std::string, std::unique_ptr<Type>> table_;
    const Type* bool_;
    const Type* string_;
    const Type* bytes_;
    const Type* int_literal_;
    const Type* string_literal_;
    const Type* void_;
};

}  // namespace trainchain::compiler
