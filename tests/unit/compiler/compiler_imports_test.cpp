// tests/unit/compiler/compiler_imports_test.cpp - import resolution as solc does it: relative paths
// against the importer's source unit name, the base path, include paths in order, ambiguity, missing
// files, cycles, aliases, and diagnostics that name the imported file they are in.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "shared_support.hpp"
#include "trainchain/compiler/compiler.hpp"

namespace compiler = trainchain::compiler;
namespace fs = std::filesystem;
using trainchain::test::TempDir;

namespace {

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

std::string errors(const compiler::CompileResult& r) {
    std::string out;
    for (const auto& d : r.diagnostics) out += d.format();
    return out;
}

/// Compiles the file at `rel` (a path relative to `dir`, as given on a command line run in `dir`).
compiler::CompileResult compile_at(const TempDir& dir, const std::string& rel,
                                   compiler::Options options = {}) {
    std::ifstream in(dir.path / rel);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto cwd = fs::current_path();
    fs::current_path(dir.path);
    auto r = compiler::compile(text, rel, options);
    fs::current_path(cwd);
    return r;
}

const std::string base_sol =
    "pragma solidity ^0.8.0;\nabstract contract Base { function v() public pure virtual returns (uint256) { "
    "return 1; } }\n";

}  // namespace

TEST_CASE("relative imports resolve against the importer's source unit name") {
    TempDir dir;
    write(dir / "src/lib/Base.sol", base_sol);
    write(dir / "src/lib/Mid.sol",
          "import \"./Base.sol\";\nabstract contract Mid is Base { function v() public pure virtual override "
          "returns (uint256) { return 2; } }\n");
    write(dir / "src/app/Top.sol",
          "import {Mid} from \"../lib/Mid.sol\";\nimport \"../lib/./Base.sol\";\ncontract Top is Mid {}\n");
    const auto r = compile_at(dir, "src/app/Top.sol");
    INFO(errors(r));
    REQUIRE(r.ok());
    // Abstract contracts produce no code: only Top is compiled, once, though Base is imported twice.
    REQUIRE(r.contracts.size() == 1);
    CHECK(r.contracts[0].name == "Top");
}

TEST_CASE("non-relative imports: the base path, then the include paths in order; ambiguity is an error") {
    TempDir dir;
    write(dir / "node_modules/@lib/pkg/Base.sol", base_sol);
    write(dir / "main/Top.sol", "import \"@lib/pkg/Base.sol\";\ncontract Top is Base {}\n");
    compiler::Options options;
    {
        const auto r = compile_at(dir, "main/Top.sol", options);
        REQUIRE_FALSE(r.ok());
        CHECK(errors(r).find("main/Top.sol:1:8: error: source \"@lib/pkg/Base.sol\" not found (tried "
                             "./@lib/pkg/Base.sol)") != std::string::npos);
    }
    options.include_paths = {"elsewhere", "node_modules"};
    {
        const auto r = compile_at(dir, "main/Top.sol", options);
        INFO(errors(r));
        CHECK(r.ok());
    }
    write(dir / "elsewhere/@lib/pkg/Base.sol", base_sol);
    {
        const auto r = compile_at(dir, "main/Top.sol", options);
        REQUIRE_FALSE(r.ok());
        CHECK(errors(r).find(
                  "ambiguous import: source \"@lib/pkg/Base.sol\" exists as elsewhere/@lib/pkg/Base.sol and "
                  "node_modules/@lib/pkg/Base.sol") != std::string::npos);
    }
    // The base path: the main file's unit name is relative to it, and imports are found under it.
    options.include_paths.clear();
    options.base_path = "node_modules";
    write(dir / "node_modules/Top.sol", "import \"@lib/pkg/Base.sol\";\ncontract Top is Base {}\n");
    {
        const auto r = compile_at(dir, "node_modules/Top.sol", options);
        INFO(errors(r));
        CHECK(r.ok());
    }
}

TEST_CASE("import cycles load each file once; aliases name the same contract") {
    TempDir dir;
    write(dir / "A.sol",
          "import \"./B.sol\";\nabstract contract A { function a() public pure returns (uint256) { return 1; "
          "} }\n");
    write(dir / "B.sol", "import {A as Renamed} from \"./A.sol\";\ncontract B is Renamed {}\n");
    const auto r = compile_at(dir, "B.sol");
    INFO(errors(r));
    REQUIRE(r.ok());
    REQUIRE(r.contracts.size() == 1);
    CHECK(r.contracts[0].name == "B");
}

TEST_CASE("diagnostics in an imported file name that file; unit aliases are refused") {
    TempDir dir;
    write(dir / "lib/Bad.sol", "contract Bad {\n    function f() public { undefinedName = 1; }\n}\n");
    write(dir / "Top.sol",
          "import \"./lib/Bad.sol\";\nimport \"./lib/Bad.sol\" as Whole;\ncontract Top {}\n");
    const auto r = compile_at(dir, "Top.sol");
    REQUIRE_FALSE(r.ok());
    const std::string e = errors(r);
    CHECK(e.find("lib/Bad.sol:2:27: error: undeclared identifier 'undefinedName'") != std::string::npos);
    CHECK(e.find("Top.sol:2:27: error: importing a file as a name ('as Whole') is not supported") !=
          std::string::npos);
}

TEST_CASE("a file that imports a missing file, a folder, a FIFO or itself") {
    TempDir dir;
    fs::create_directories(dir / "folder.sol");
    REQUIRE(::mkfifo((dir / "pipe.sol").c_str(), 0600) == 0);  // reading it would block forever
    write(dir / "Top.sol",
          "import \"./Top.sol\";\nimport \"./folder.sol\";\nimport \"./none.sol\";\nimport \"./pipe.sol\";\n"
          "contract Top {}\n");
    const auto r = compile_at(dir, "Top.sol");
    REQUIRE_FALSE(r.ok());
    const std::string e = errors(r);
    CHECK(e.find("Top.sol:2:8: error: source \"folder.sol\" not found") != std::string::npos);
    CHECK(e.find("Top.sol:3:8: error: source \"none.sol\" not found") != std::string::npos);
    CHECK(e.find("Top.sol:4:8: error: source \"pipe.sol\" not found") != std::string::npos);
}
