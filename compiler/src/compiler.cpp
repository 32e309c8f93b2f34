// compiler/src/compiler.cpp - the pipeline: parse, analyse, generate each contract (created
// contracts first), and the ABI JSON.
#include <nlohmann/json.hpp>
#include <set>

#include "codegen.hpp"
#include "parser.hpp"
#include "sema.hpp"
#include "trainchain/compiler/compiler.hpp"

namespace trainchain::compiler {
namespace {

std::string internal_type(const Type* t) {
    switch (t->kind) {
        case Type::Kind::Contract:
            return "contract " + t->contract->name;
        case Type::Kind::Struct:
            return "struct " + t->struct_info->name;
        case Type::Kind::Array:
            return internal_type(t->element) + "[" + (t->length ? std::to_string(*t->length) : "") + "]";
        default:
            return t->name();
    }
}

nlohmann::json abi_param(const std::string& name, const Type* t) {
    nlohmann::json p = {{"name", name}, {"type", t->abi_name()}, {"internalType", internal_type(t)}};
    if (t->kind == Type::Kind::Struct) {
        p["type"] = "tuple";
        nlohmann::json components = nlohmann::json::array();
        for (const auto& m : t->struct_info->members) components.push_back(abi_param(m.name, m.type));
        p["components"] = components;
    }
    return p;
}

std::string mutability_name(Mutability m) {
    switch (m) {
        case Mutability::Pure:
            return "pure";
        case Mutability::View:
            return "view";
        case Mutability::Payable:
            return "payable";
        default:
            return "nonpayable";
    }
}

std::string abi_json(const ContractInfo& c) {
    nlohmann::json out = nlohmann::json::array();
    auto params = [](const std::vector<VarInfo*>& vars) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto* v : vars) a.push_back(abi_param(v->name, v->type));
        return a;
    };
    if (c.constructor)
        out.push_back({{"type", "constructor"},
                       {"inputs", params(c.constructor->params)},
                       {"stateMutability", mutability_name(c.constructor->mutability)}});
    std::vector<const FunctionInfo*> functions;
    for (const auto& f : c.functions)
        if ((f->kind == FunctionInfo::Kind::Function || f->kind == FunctionInfo::Kind::Getter) &&
            f->externally_visible())
            functions.push_back(f.get());
    std::sort(functions.begin(), functions.end(),
              [](const FunctionInfo* a, const FunctionInfo* b) { return a->name < b->name; });
    for (const auto* f : functions)
        out.push_back({{"type", "function"},
                       {"name", f->name},
                       {"inputs", params(f->params)},
                       {"outputs", params(f->returns)},
                       {"stateMutability", mutability_name(f->mutability)}});
    std::vector<const EventInfo*> events;
    for (const auto& e : c.events) events.push_back(e.get());
    events.insert(events.end(), c.used_events.begin(), c.used_events.end());
    for (const auto* e : events) {
        nlohmann::json inputs = nlohmann::json::array();
        for (const auto& p : e->params) {
            auto j = abi_param(p.name, p.type);
            j["indexed"] = p.indexed;
            inputs.push_back(j);
        }
        out.push_back(
            {{"type", "event"}, {"name", e->name}, {"inputs", inputs}, {"anonymous", e->anonymous}});
    }
    std::vector<const ErrorInfo*> errors;
    for (const auto& e : c.errors) errors.push_back(e.get());
    errors.insert(errors.end(), c.used_errors.begin(), c.used_errors.end());
    for (const auto* e : errors) {
        nlohmann::json inputs = nlohmann::json::array();
        for (const auto& p : e->params) inputs.push_back(abi_param(p.name, p.type));
        out.push_back({{"type", "error"}, {"name", e->name}, {"inputs", inputs}});
    }
    if (c.receive) out.push_back({{"type", "receive"}, {"stateMutability", "payable"}});
    if (c.fallback)
        out.push_back({{"type", "fallback"}, {"stateMutability", mutability_name(c.fallback->mutability)}});
    return out.dump();
}

}  // namespace

bool CompileResult::ok() const noexcept {
    for (const auto& d : diagnostics)
        if (d.severity == Diagnostic::Severity::Error) return false;
    return true;
}

const CompiledContract* CompileResult::find(std::string_view name) const noexcept {
    for (const auto& c : contracts)
        if (c.name == name) return &c;
    return nullptr;
}

CompileResult compile(std::string_view source, const std::string& file, const Options& options) {
    CompileResult result;
    const SourceFile sf(file, source);
    Diagnostics diags(sf);
    try {
        ast::source_unit unit;
        if (parse(sf, diags, unit)) {
            Program program;
            if (analyze(unit, diags, program)) {
                // Contracts that others create are generated first; their init code is embedded.
                std::map<const ContractInfo*, vm::bytes> creation;
                std::set<const ContractInfo*> done;
                std::function<void(const ContractInfo*)> build = [&](const ContractInfo* c) {
                    if (done.count(c)) return;
                    done.insert(c);
                    for (const auto* dep : c->creates) build(dep);
                    ContractCode code;
                    if (!generate(*c, options, creation, diags, code)) return;
                    creation[c] = code.init;
                    CompiledContract out;
                    out.name = c->name;
                    out.init_code = std::move(code.init);
                    out.runtime_code = std::move(code.runtime);
                    out.abi_json = abi_json(*c);
                    out.assembly = std::move(code.listing);
                    result.contracts.push_back(std::move(out));
                };
                for (const auto& c : program.contracts) build(c.get());
                // Report in source order.
                std::vector<CompiledContract> ordered;
                for (const auto& c : program.contracts)
                    for (auto& r : result.contracts)
                        if (r.name == c->name) ordered.push_back(std::move(r));
                result.contracts = std::move(ordered);
            }
        }
    } catch (const std::exception& e) {
        diags.error(Location{}, std::string("internal compiler error: ") + e.what());
    }
    result.diagnostics = diags.sorted();
    if (!result.ok()) result.contracts.clear();
    return result;
}

}  // namespace trainchain::compiler
