// compiler/src/types.cpp - type names, storage sizes and interning.
#include "types.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include "ir.hpp"

namespace trainchain::compiler {
namespace {
Type make(Type::Kind kind) {
    Type t;
    t.kind = kind;
    return t;
}
}  // namespace

unsigned Type::storage_bytes() const noexcept {
    switch (kind) {
        case Kind::Bool:
        case Kind::Enum:
            return 1;
        case Kind::Uint:
        case Kind::Int:
        case Kind::FixedBytes:
            return bits / 8;
        case Kind::Address:
        case Kind::Contract:
            return 20;
        case Kind::Function:
            return 8;
        default:
            return 32;
    }
}

uint64_t Type::storage_slots() const {
    switch (kind) {
        case Kind::Struct:
            return struct_info->slots;
        case Kind::Array:
            if (!length) return 1;
            if (element->is_value()) {
                const uint64_t per_slot = 32 / element->storage_bytes();
                return (*length + per_slot - 1) / per_slot;
            }
            return *length * element->storage_slots();
        default:
            return 1;
    }
}

std::string Type::name() const {
    switch (kind) {
        case Kind::Bool:
            return "bool";
        case Kind::Uint:
            return "uint" + std::to_string(bits);
        case Kind::Int:
            return "int" + std::to_string(bits);
        case Kind::Address:
            return payable ? "address payable" : "address";
        case Kind::FixedBytes:
            return "bytes" + std::to_string(bits / 8);
        case Kind::String:
            return "string";
        case Kind::Bytes:
            return "bytes";
        case Kind::Array:
            return element->name() + "[" + (length ? std::to_string(*length) : "") + "]";
        case Kind::Mapping:
            return "mapping(" + key->name() + " => " + element->name() + ")";
        case Kind::Struct:
            return "struct " + struct_info->name;
        case Kind::Contract:
            return "contract " + contract->name;
        case Kind::Enum:
            return "enum " + enum_info->name;
        case Kind::IntLiteral:
            return "int_const";
        case Kind::StringLiteral:
            return "literal_string";
        case Kind::Tuple: {
            std::string s = "tuple(";
            for (size_t i = 0; i < members.size(); ++i) s += (i ? "," : "") + members[i]->name();
            return s + ")";
        }
        case Kind::Function: {
            std::string s = "function (";
            for (size_t i = 0; i < members.size(); ++i) s += (i ? "," : "") + members[i]->name();
            s += ")";
            static const char* const words[] = {" pure", " view", "", " payable"};
            s += words[mutability];
            if (!returns.empty()) {
                s += " returns (";
                for (size_t i = 0; i < returns.size(); ++i) s += (i ? "," : "") + returns[i]->name();
                s += ")";
            }
            return s;
        }
        case Kind::Void:
            return "void";
    }
    return "?";
}

std::string Type::abi_name() const {
    switch (kind) {
        case Kind::Contract:
            return "address";
        case Kind::Enum:
            return "uint8";
        case Kind::Array:
            return element->abi_name() + "[" + (length ? std::to_string(*length) : "") + "]";
        case Kind::Struct: {
            std::string s = "(";
            for (size_t i = 0; i < struct_info->members.size(); ++i)
                s += (i ? "," : "") + struct_info->members[i].type->abi_name();
            return s + ")";
        }
        case Kind::Address:
            return "address";
        default:
            return name();
    }
}

bool Type::abi_dynamic() const {
    if (is_byte_array()) return true;
    if (kind == Kind::Array) return !length || element->abi_dynamic();
    if (kind == Kind::Struct) {
        for (const auto& m : struct_info->members)
            if (m.type->abi_dynamic()) return true;
    }
    return false;
}

std::string Type::max_text() const {
    using boost::multiprecision::cpp_int;
    const cpp_int one = 1;
    return cpp_int((one << (kind == Kind::Int ? bits - 1 : bits)) - 1).str();
}

Types::Types() {
    bool_ = intern(make(Type::Kind::Bool), "bool");
    string_ = intern(make(Type::Kind::String), "string");
    bytes_ = intern(make(Type::Kind::Bytes), "bytes");
    int_literal_ = intern(make(Type::Kind::IntLiteral), "#int");
    string_literal_ = intern(make(Type::Kind::StringLiteral), "#string");
    void_ = intern(make(Type::Kind::Void), "void");
}

const Type* Types::intern(Type t, const std::string& key) {
    auto& slot = table_[key];
    if (!slot) slot = std::make_unique<Type>(std::move(t));
    return slot.get();
}

const Type* Types::uint(unsigned bits) {
    Type t = make(Type::Kind::Uint);
    t.bits = bits;
    return intern(t, "uint" + std::to_string(bits));
}
const Type* Types::sint(unsigned bits) {
    Type t = make(Type::Kind::Int);
    t.bits = bits;
    return intern(t, "int" + std::to_string(bits));
}
const Type* Types::address(bool payable) {
    Type t = make(Type::Kind::Address);
    t.bits = 160;
    t.payable = payable;
    return intern(t, payable ? "address payable" : "address");
}
const Type* Types::fixed_bytes(unsigned size) {
    Type t = make(Type::Kind::FixedBytes);
    t.bits = size * 8;
    return intern(t, "bytes" + std::to_string(size));
}
const Type* Types::array(const Type* element, std::optional<uint64_t> length) {
    Type t = make(Type::Kind::Array);
    t.element = element;
    t.length = length;
    return intern(t, "arr:" + std::to_string(reinterpret_cast<uintptr_t>(element)) + ":" +
                         (length ? std::to_string(*length) : "dyn"));
}
const Type* Types::mapping(const Type* key, const Type* value) {
    Type t = make(Type::Kind::Mapping);
    t.key = key;
    t.element = value;
    return intern(t, "map:" + std::to_string(reinterpret_cast<uintptr_t>(key)) + ":" +
                         std::to_string(reinterpret_cast<uintptr_t>(value)));
}
const Type* Types::struct_type(const StructInfo* s) {
    Type t = make(Type::Kind::Struct);
    t.struct_info = s;
    return intern(t, "struct:" + std::to_string(reinterpret_cast<uintptr_t>(s)));
}
const Type* Types::contract(const ContractInfo* c) {
    Type t = make(Type::Kind::Contract);
    t.contract = c;
    t.bits = 160;
    return intern(t, "contract:" + std::to_string(reinterpret_cast<uintptr_t>(c)));
}
const Type* Types::enum_type(const EnumInfo* e) {
    Type t = make(Type::Kind::Enum);
    t.enum_info = e;
    t.bits = 8;
    return intern(t, "enum:" + std::to_string(reinterpret_cast<uintptr_t>(e)));
}
const Type* Types::tuple(std::vector<const Type*> members) {
    std::string key = "tuple:";
    for (auto* m : members) key += std::to_string(reinterpret_cast<uintptr_t>(m)) + ",";
    Type t = make(Type::Kind::Tuple);
    t.members = std::move(members);
    return intern(t, key);
}

const Type* Types::function(std::vector<const Type*> params, std::vector<const Type*> returns,
                            int mutability) {
    std::string key = "fn:" + std::to_string(mutability) + ":";
    for (auto* m : params) key += std::to_string(reinterpret_cast<uintptr_t>(m)) + ",";
    key += ":";
    for (auto* m : returns) key += std::to_string(reinterpret_cast<uintptr_t>(m)) + ",";
    Type t = make(Type::Kind::Function);
    t.members = std::move(params);
    t.returns = std::move(returns);
    t.mutability = mutability;
    return intern(t, key);
}

}  // namespace trainchain::compiler
