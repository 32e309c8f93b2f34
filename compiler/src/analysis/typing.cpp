// compiler/src/analysis/typing.cpp - the types pass: type names, and implicit and explicit
// conversions between types.
#include "analysis/typing.hpp"

#include "analysis/constants.hpp"

namespace trainchain::compiler::analysis {

const Type* elementary(Context& cx, const std::string& n) {
    if (n == "bool") return cx.types.boolean();
    if (n == "address") return cx.types.address(false);
    if (n == "address payable") return cx.types.address(true);
    if (n == "string") return cx.types.string_type();
    if (n == "bytes") return cx.types.bytes_type();
    if (n == "uint") return cx.types.uint(256);
    if (n == "int") return cx.types.sint(256);
    auto sized = [&](size_t prefix) -> std::optional<unsigned> {
        const auto digits = n.substr(prefix);
        if (digits.empty() || digits.size() > 3 || digits[0] == '0') return std::nullopt;
        for (char ch : digits)
            if (ch < '0' || ch > '9') return std::nullopt;
        return static_cast<unsigned>(std::stoul(digits));
    };
    if (n.rfind("uint", 0) == 0)
        if (auto b = sized(4); b && *b % 8 == 0 && *b <= 256) return cx.types.uint(*b);
    if (n.rfind("int", 0) == 0)
        if (auto b = sized(3); b && *b % 8 == 0 && *b <= 256) return cx.types.sint(*b);
    if (n.rfind("bytes", 0) == 0)
        if (auto b = sized(5); b && *b >= 1 && *b <= 32) return cx.types.fixed_bytes(*b);
    return nullptr;
}

namespace {

const Type* resolve_base(Context& cx, const ast::type_base& b) {
    if (const auto* id = boost::get<ast::identifier>(&b.get())) {
        if (const Type* t = elementary(cx, id->name)) return t;
        if (const size_t dot = id->name.find('.'); dot != std::string::npos) {
            // `C.S`: a struct or enum that the contract or library C (or one of its bases) defines.
            std::string owner = id->name.substr(0, dot);
            const std::string member = id->name.substr(dot + 1);
            if (auto al = cx.aliases.find(owner); al != cx.aliases.end()) owner = al->second;
            if (auto c = cx.contracts.find(owner);
                c != cx.contracts.end() && member.find('.') == std::string::npos)
                for (const ContractInfo* base : c->second->linearization) {
                    for (const auto& s : base->structs)
                        if (s->name == member) return cx.types.struct_type(s.get());
                    for (const auto& e : base->enums)
                        if (e->name == member) return cx.types.enum_type(e.get());
                }
            cx.error(cx.at(*id), "identifier '" + id->name + "' not found or not a type");
            return nullptr;
        }
        if (const StructInfo* s = cx.find_struct(id->name)) {
            if (s->members.empty() && cx.resolving_structs.count(id->name)) {
                cx.error(cx.at(*id), "recursive struct '" + id->name + "' is not supported");
                return nullptr;
            }
            return cx.types.struct_type(s);
        }
        if (const EnumInfo* e = cx.find_enum(id->name)) return cx.types.enum_type(e);
        if (auto it = cx.contracts.find(id->name); it != cx.contracts.end())
            return cx.types.contract(it->second);
        if (id->name == "fixed" || id->name == "ufixed" || id->name.rfind("fixed", 0) == 0 ||
            id->name.rfind("ufixed", 0) == 0) {
            cx.error(cx.at(*id), "fixed-point type '" + id->name + "' is not supported");
            return nullptr;
        }
        if (id->name == "function") {
            cx.error(cx.at(*id), "function types are not supported");
            return nullptr;
        }
        cx.error(cx.at(*id), "identifier '" + id->name + "' not found or not a type");
        return nullptr;
    }
    if (const auto* ft = boost::get<x3::forward_ast<ast::function_type>>(&b.get())) {
        const ast::function_type& f = ft->get();
        int mutability = 2;
        bool external = false;
        for (const auto& a : f.attributes) {
            if (a == "external") external = true;
            if (a == "pure") mutability = 0;
            if (a == "view") mutability = 1;
            if (a == "payable") mutability = 3;
        }
        if (external) {
            cx.error(cx.at(f), "external function types are not supported (only internal ones)");
            return nullptr;
        }
        std::vector<const Type*> params, returns;
        for (auto* list : {&f.parameters, &f.returns})
            for (const auto& p : *list) {
                const Type* t = resolve_type(cx, p.type);
                if (!t) return nullptr;
                if (!t->is_value()) {
                    cx.error(cx.at(p), "function types with parameters or returns of type " + t->name() +
                                           " are not supported (value types only)");
                    return nullptr;
                }
                (list == &f.parameters ? params : returns).push_back(t);
            }
        return cx.types.function(std::move(params), std::move(returns), mutability);
    }
    const auto& m = boost::get<x3::forward_ast<ast::mapping_type>>(b.get()).get();
    const Type* key = resolve_type(cx, m.key);
    const Type* value = resolve_type(cx, m.value);
    if (!key || !value) return nullptr;
    if (!key->is_value() && !key->is_byte_array()) {
        cx.error(cx.at(m.key), "only elementary types and contracts can be mapping keys");
        return nullptr;
    }
    if (key->is_byte_array()) {
        cx.error(cx.at(m.key), "string and bytes mapping keys are not supported");
        return nullptr;
    }
    return cx.types.mapping(key, value);
}

}  // namespace

const Type* resolve_type(Context& cx, const ast::type_name& t) {
    const Type* type = resolve_base(cx, t.base);
    if (!type) return nullptr;
    for (const auto& d : t.dims) {
        if (type->kind == Type::Kind::Mapping) {
            cx.error(cx.at(d), "arrays of mappings are not supported");
            return nullptr;
        }
        std::optional<uint64_t> length;
        if (d.size) {
            const std::string& s = *d.size;
            bool ok = !s.empty() && s.size() <= 9 && s[0] != '0';
            for (char ch : s) ok = ok && ch >= '0' && ch <= '9';
            if (!ok) {
                cx.error(cx.at(d), "array length must be a positive decimal number below 10^9");
                return nullptr;
            }
            length = std::stoull(s);
        }
        type = cx.types.array(type, length);
    }
    return type;
}

ExprPtr mobile(Context& cx, ExprPtr e) {
    if (!e) return e;
    if (e->type->kind == Type::Kind::IntLiteral) {
        const cpp_int v = cpp_int(e->text);
        for (unsigned bits = 8; bits <= 256; bits += 8) {
            const Type* t = v >= 0 ? cx.types.uint(bits) : cx.types.sint(bits);
            if (fits(v, t)) return constant(cx, v, t, e->loc);
        }
        cx.error(e->loc, "literal " + v.str() + " does not fit in 256 bits");
        return nullptr;
    }
    if (e->type->kind == Type::Kind::StringLiteral) {
        e->type = cx.types.string_type();
        e->location = DataLocation::Memory;
    }
    return e;
}

ExprPtr implicit(Context& cx, ExprPtr e, const Type* to, Location where, const char* context) {
    if (!e || !to) return e;
    const Type* from = e->type;
    if (from == to) return e;
    auto fail = [&]() -> ExprPtr {
        std::string from_name = from->name();
        if (from->kind == Type::Kind::IntLiteral) from_name = "int_const " + cpp_int(e->text).str();
        if (from->kind == Type::Kind::StringLiteral) from_name = "literal_string \"" + e->text + "\"";
        cx.error(where, std::string(context ? context : "") + "type " + from_name +
                            " is not implicitly convertible to expected type " + to->name());
        return nullptr;
    };
    auto retyped = [&](const Type* t) {
        auto c = std::make_unique<Expr>();
        c->kind = Expr::Kind::Convert;
        c->type = t;
        c->loc = e->loc;
        c->location = e->location;
        c->args.push_back(std::move(e));
        return c;
    };
    if (from->kind == Type::Kind::Function) {
        // Same parameters and returns; pure -> view -> non-payable, payable -> non-payable.
        const bool ok = to->kind == Type::Kind::Function && to->members == from->members &&
                        to->returns == from->returns &&
                        (to->mutability == 3 ? from->mutability == 3
                                             : from->mutability <= to->mutability || from->mutability == 3);
        return ok ? retyped(to) : fail();
    }
    switch (from->kind) {
        case Type::Kind::IntLiteral: {
            const cpp_int v = cpp_int(e->text);
            if (to->is_integer()) {
                if (!fits(v, to)) {
                    cx.error(where, "type int_const " + v.str() +
                                        " is not implicitly convertible to expected type " + to->name() +
                                        ": the literal does not fit");
                    return nullptr;
                }
                return constant(cx, v, to, e->loc);
            }
            if (to->kind == Type::Kind::FixedBytes && v == 0) return constant(cx, 0, to, e->loc);
            // A hex literal with exactly as many digits as the bytesN has (as solc requires).
            if (to->kind == Type::Kind::FixedBytes && e->hex_bytes == to->bits / 8)
                return constant(cx, v << (256 - to->bits), to, e->loc);
            return fail();
        }
        case Type::Kind::StringLiteral:
            if (to->is_byte_array()) {
                e->type = to;
                e->location = DataLocation::Memory;
                return e;
            }
            if (to->kind == Type::Kind::FixedBytes && e->text.size() <= to->bits / 8) {
                cpp_int v = 0;
                for (size_t i = 0; i < 32; ++i)
                    v = (v << 8) | (i < e->text.size() ? static_cast<unsigned char>(e->text[i]) : 0);
                return constant(cx, v, to, e->loc);
            }
            return fail();
        case Type::Kind::Uint:
            if ((to->kind == Type::Kind::Uint && to->bits >= from->bits) ||
                (to->kind == Type::Kind::Int && to->bits > from->bits))
                return retyped(to);
            return fail();
        case Type::Kind::Int:
            if (to->kind == Type::Kind::Int && to->bits >= from->bits) return retyped(to);
            return fail();
        case Type::Kind::FixedBytes:
            if (to->kind == Type::Kind::FixedBytes && to->bits >= from->bits) return retyped(to);
            return fail();
        case Type::Kind::Address:
            if (to->kind == Type::Kind::Address && !to->payable) return retyped(to);
            return fail();
        case Type::Kind::Contract:
            // A contract converts to each of its bases (and the interfaces it implements).
            if (to->kind == Type::Kind::Contract && from->contract->derives_from(to->contract))
                return retyped(to);
            return fail();
        case Type::Kind::Bytes:
        case Type::Kind::String:
            return fail();
        default:
            return fail();
    }
}

ExprPtr conversion(Context& cx, const Type* to, ExprPtr e, Location where) {
    if (!e) return nullptr;
    const Type* from = e->type;
    auto convert = [&](const Type* t) {
        auto c = std::make_unique<Expr>();
        c->kind = Expr::Kind::Convert;
        c->type = t;
        c->loc = where;
        c->location = e->location;
        c->args.push_back(std::move(e));
        return c;
    };
    auto fail = [&]() -> ExprPtr {
        std::string from_name = from->name();
        if (from->kind == Type::Kind::IntLiteral) from_name = "int_const " + cpp_int(e->text).str();
        cx.error(where,
                 "explicit type conversion not allowed from \"" + from_name + "\" to \"" + to->name() + "\"");
        return nullptr;
    };
    if (from == to) return e;
    if (from->kind == Type::Kind::IntLiteral) {
        const cpp_int v = cpp_int(e->text);
        if (to->is_integer()) {
            if (!fits(v, to)) return fail();
            return constant(cx, v, to, where);
        }
        if (to->kind == Type::Kind::Address && v >= 0 && v < (one << 160)) return constant(cx, v, to, where);
        if (to->kind == Type::Kind::Enum) {
            if (v < 0 || v >= cpp_int(to->enum_info->members.size())) {
                cx.error(where, "enum conversion is out of bounds: " + v.str() + " is not a member of " +
                                    to->name());
                return nullptr;
            }
            return constant(cx, v, to, where);
        }
        if (to->kind == Type::Kind::FixedBytes && v >= 0 && v < (one << to->bits))
            return constant(cx, v << (256 - to->bits), to, where);
        return fail();
    }
    if (from->kind == Type::Kind::StringLiteral) {
        if (to->is_byte_array() || to->kind == Type::Kind::FixedBytes)
            return implicit(cx, std::move(e), to, where);
        return fail();
    }
    switch (to->kind) {
        case Type::Kind::Enum:
            // From any integer (Panic 0x21 at run time when out of range), or the same enum.
            if (from->is_integer()) return convert(to);
            return fail();
        case Type::Kind::Uint:
        case Type::Kind::Int:
            if (from->is_integer() && (from->kind == to->kind || from->bits == to->bits)) return convert(to);
            if (from->kind == Type::Kind::Enum) return convert(to);
            if (from->kind == Type::Kind::FixedBytes && from->bits == to->bits &&
                to->kind == Type::Kind::Uint)
                return convert(to);
            if (from->kind == Type::Kind::Address && to->kind == Type::Kind::Uint && to->bits == 160)
                return convert(to);
            return fail();
        case Type::Kind::FixedBytes:
            if (from->kind == Type::Kind::FixedBytes) return convert(to);
            if (from->kind == Type::Kind::Uint && from->bits == to->bits) return convert(to);
            if (from->kind == Type::Kind::Address && to->bits == 160) return convert(to);
            return fail();
        case Type::Kind::Address:
            if (from->kind == Type::Kind::Address || from->kind == Type::Kind::Contract) return convert(to);
            if ((from->kind == Type::Kind::Uint || from->kind == Type::Kind::FixedBytes) && from->bits == 160)
                return convert(to);
            return fail();
        case Type::Kind::Contract:
            if (from->kind == Type::Kind::Address || from->kind == Type::Kind::Contract) return convert(to);
            return fail();
        case Type::Kind::String:
        case Type::Kind::Bytes:
            if (from->is_byte_array() && e->location != DataLocation::None) {
                const DataLocation where_it_is = e->location;  // bytes(s) of a storage string stays there
                auto c = convert(to);
                c->location = where_it_is;
                return c;
            }
            return fail();
        case Type::Kind::Bool:
        default:
            return fail();
    }
}

ExprPtr to_memory(ExprPtr e) {
    if (!e || e->location != DataLocation::Storage) return e;
    if (!e->type->is_reference() || e->type->kind == Type::Kind::Mapping) return e;
    auto c = std::make_unique<Expr>();
    c->kind = Expr::Kind::CopyToMemory;
    c->type = e->type;
    c->location = DataLocation::Memory;
    c->loc = e->loc;
    c->args.push_back(std::move(e));
    return c;
}

}  // namespace trainchain::compiler::analysis
