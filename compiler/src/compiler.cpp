// compiler/src/compiler.cpp - the pipeline: load the file and what it imports, parse, analyse, generate
// each contract (created contracts first), and the ABI JSON.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
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
        case Type::Kind::Struct:  // as solc: `struct C.S` for a struct contract C defines
            return "struct " + (t->struct_info->owner.empty() ? "" : t->struct_info->owner + ".") +
                   t->struct_info->name;
        case Type::Kind::Array:
            return internal_type(t->element) + "[" + (t->length ? std::to_string(*t->length) : "") + "]";
        default:
            return t->name();
    }
}

nlohmann::json abi_param(const std::string& name, const Type* t) {
    nlohmann::json p = {{"name", name}, {"type", t->abi_name()}, {"internalType", internal_type(t)}};
    // A struct is a `tuple` with its members as components, also as the element of (nested) arrays:
    // `tuple[]`, `tuple[2][]`.
    const Type* base = t;
    std::string suffix;
    while (base->kind == Type::Kind::Array) {
        suffix = "[" + (base->length ? std::to_string(*base->length) : std::string{}) + "]" + suffix;
        base = base->element;
    }
    if (base->kind == Type::Kind::Struct) {
        p["type"] = "tuple" + suffix;
        nlohmann::json components = nlohmann::json::array();
        for (const auto& m : base->struct_info->members) components.push_back(abi_param(m.name, m.type));
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
            f->externally_visible() && !f->overridden)
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

namespace {

/// solc's source unit name of an import `path` in the unit `importer`: a path starting with `./`
/// or `../` is joined to the importer's folder and its `.` and `..` segments removed, textually;
/// any other path is the name as written.
std::string unit_name_of(const std::string& importer, const std::string& path) {
    if (!path.starts_with("./") && !path.starts_with("../")) return path;
    std::vector<std::string> parts;
    auto push_segments = [&](std::string_view s) {
        size_t start = 0;
        while (start <= s.size()) {
            const size_t end = std::min(s.find('/', start), s.size());
            const std::string_view seg = s.substr(start, end - start);
            if (seg == "..") {
                if (!parts.empty() && parts.back() != "..")
                    parts.pop_back();
                else
                    parts.emplace_back("..");
            } else if (!seg.empty() && seg != ".") {
                parts.emplace_back(seg);
            }
            start = end + 1;
        }
    };
    const size_t slash = importer.rfind('/');
    if (slash != std::string::npos) push_segments(std::string_view(importer).substr(0, slash));
    push_segments(path);
    std::string out = importer.starts_with("/") ? "/" : "";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
    return out;
}

/// Every file of a compilation: the one given and those it imports, parsed, with their texts kept
/// alive for the diagnostics.
struct SourceSet {
    struct File {
        std::string unit_name;
        std::string text;
        std::unique_ptr<SourceFile> source;
        ast::source_unit unit;
        std::vector<size_t> imports;  ///< indices of the files it imports, in order
    };
    std::vector<std::unique_ptr<File>> files;
    std::map<std::string, size_t> by_name;

    /// Limits on what an import chain may load: more files or bytes are refused (bad input).
    static constexpr size_t max_files = 1000;
    static constexpr size_t max_bytes = 64u << 20;
    size_t bytes = 0;
};

/// Reads the source unit `name` from disk as solc's CLI does: under the base path (the current
/// folder when none is set), then under each include path; the first that exists is the file.
/// Several matches are an error (solc: "Ambiguous import"). Returns the text or why not.
std::optional<std::string> read_unit(const std::string& name, const Options& options, size_t budget,
                                     std::string& why) {
    namespace fs = std::filesystem;
    std::vector<fs::path> roots;
    roots.emplace_back(options.base_path.empty() ? fs::path(".") : fs::path(options.base_path));
    for (const auto& p : options.include_paths) roots.emplace_back(p);
    std::vector<fs::path> found;
    std::string tried;
    for (const auto& root : roots) {
        const fs::path candidate = fs::path(name).is_absolute() ? fs::path(name) : root / name;
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) {
            bool same = false;
            for (const auto& f : found) same = same || fs::equivalent(f, candidate, ec);
            if (!same) found.push_back(candidate);
        }
        tried += (tried.empty() ? "" : ", ") + candidate.string();
        if (fs::path(name).is_absolute()) break;
    }
    if (found.empty()) {
        why = "source \"" + name + "\" not found (tried " + tried + ")";
        return std::nullopt;
    }
    if (found.size() > 1) {
        why = "ambiguous import: source \"" + name + "\" exists as " + found[0].string() + " and " +
              found[1].string();
        return std::nullopt;
    }
    // Read without blocking (a FIFO or a device that looks like a file never hangs the compiler) and
    // never more than the compilation's budget.
    const int fd = ::open(found[0].c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) ::close(fd);
        why = "cannot read " + found[0].string();
        return std::nullopt;
    }
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            if (n < 0) why = "cannot read " + found[0].string();
            break;
        }
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > budget) {
            why = "source \"" + name + "\" is larger than the " + std::to_string(budget) +
                  " bytes of source the compilation may still load";
            break;
        }
    }
    ::close(fd);
    if (!why.empty()) return std::nullopt;
    return text;
}

/// Parses file `index` of `set`, then loads and parses what it imports (depth first).
void load_imports(SourceSet& set, size_t index, const Options& options, Diagnostics& diags) {
    auto& file = *set.files[index];
    std::vector<const ast::import_directive*> imports;
    for (const auto& el : file.unit.elements)
        if (const auto* imp = boost::get<ast::import_directive>(&el.get())) imports.push_back(imp);
    for (const auto* imp : imports) {
        const std::string name = unit_name_of(file.unit_name, imp->path.value);
        if (auto it = set.by_name.find(name); it != set.by_name.end()) {
            file.imports.push_back(it->second);
            continue;
        }
        const Location at = diags.location_of(imp->path);
        if (set.files.size() >= SourceSet::max_files) {
            diags.error(at,
                        "too many imported files (more than " + std::to_string(SourceSet::max_files) + ")");
            return;
        }
        std::string why;
        auto text =
            read_unit(name, options, SourceSet::max_bytes - std::min(set.bytes, SourceSet::max_bytes), why);
        if (!text) {
            diags.error(at, why);
            continue;
        }
        set.bytes += text->size();
        auto loaded = std::make_unique<SourceSet::File>();
        loaded->unit_name = name;
        loaded->text = std::move(*text);
        const size_t new_index = set.files.size();
        loaded->source = std::make_unique<SourceFile>(name, loaded->text, static_cast<uint32_t>(new_index));
        diags.add_file(*loaded->source);
        set.by_name[name] = new_index;
        file.imports.push_back(new_index);
        set.files.push_back(std::move(loaded));
        auto& added = *set.files[new_index];
        parse(*added.source, diags, added.unit);
        load_imports(set, new_index, options, diags);
    }
}

/// The source unit name of the file given to compile(): its path relative to the base path when it
/// lies under it, as solc names the files of its command line.
std::string main_unit_name(const std::string& file, const Options& options) {
    if (options.base_path.empty()) return file;
    std::string base = options.base_path;
    if (!base.ends_with("/")) base += "/";
    if (file.starts_with(base)) return file.substr(base.size());
    return file;
}

}  // namespace

CompileResult compile(std::string_view source, const std::string& file, const Options& options) {
    CompileResult result;
    SourceSet set;
    auto main = std::make_unique<SourceSet::File>();
    main->unit_name = main_unit_name(file, options);
    main->text = std::string(source);
    main->source = std::make_unique<SourceFile>(file, main->text, 0);
    Diagnostics diags(*main->source);
    set.by_name[main->unit_name] = 0;
    set.files.push_back(std::move(main));
    try {
        bool parsed = parse(*set.files[0]->source, diags, set.files[0]->unit);
        load_imports(set, 0, options, diags);
        parsed = parsed && !diags.has_errors();
        if (parsed) {
            // One unit: every file's elements, a file after the files it imports.
            ast::source_unit unit;
            std::vector<bool> placed(set.files.size(), false);
            std::function<void(size_t)> place = [&](size_t i) {
                if (placed[i]) return;
                placed[i] = true;
                for (size_t dep : set.files[i]->imports) place(dep);
                for (auto& el : set.files[i]->unit.elements) unit.elements.push_back(el);
            };
            place(0);
            Program program;
            if (analyze(unit, diags, program)) {
                // Contracts that others create are generated first; their init code is embedded.
                std::map<const ContractInfo*, vm::bytes> creation, runtime;
                std::set<const ContractInfo*> done;
                std::function<void(const ContractInfo*)> build = [&](const ContractInfo* c) {
                    if (done.count(c)) return;
                    done.insert(c);
                    for (const auto* dep : c->creates) build(dep);
                    ContractCode code;
                    if (!generate(*c, options, creation, runtime, diags, code)) return;
                    creation[c] = code.init;
                    runtime[c] = code.runtime;
                    CompiledContract out;
                    out.name = c->name;
                    out.init_code = std::move(code.init);
                    out.runtime_code = std::move(code.runtime);
                    out.abi_json = abi_json(*c);
                    out.assembly = std::move(code.listing);
                    result.contracts.push_back(std::move(out));
                };
                for (const auto& c : program.contracts)
                    if (c->deployable()) build(c.get());
                // Report in source order.
                std::vector<CompiledContract> ordered;
                for (const auto& c : program.contracts)
                    for (auto& r : result.contracts)
                        if (r.name == c->name && !r.name.empty()) {
                            ordered.push_back(std::move(r));
                            r.name.clear();
                        }
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
