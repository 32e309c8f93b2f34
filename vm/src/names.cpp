// vm/src/names.cpp - names of forks, opcodes and statuses, and lookups by name.
#include <algorithm>
#include <cctype>
#include <utility>

#include "trainchain/vm/fork.hpp"
#include "trainchain/vm/host.hpp"
#include "trainchain/vm/opcodes.hpp"

namespace trainchain::vm {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) ==
                      std::toupper(static_cast<unsigned char>(y));
           });
}

constexpr std::array<std::string_view, num_forks> fork_names = {
    "Frontier",       "Homestead",  "TangerineWhistle", "SpuriousDragon", "Byzantium",
    "Constantinople", "Petersburg", "Istanbul",         "Berlin",         "London",
    "Paris",          "Shanghai",   "Cancun",
};

}  // namespace

std::string_view fork_name(Fork fork) noexcept { return fork_names[static_cast<size_t>(fork)]; }

std::optional<Fork> parse_fork(std::string_view name) noexcept {
    // The names Ethereum's test files use for forks named after their headline EIP or renamed.
    static constexpr std::pair<std::string_view, Fork> aliases[] = {
        {"EIP150", Fork::TangerineWhistle},
        {"EIP158", Fork::SpuriousDragon},
        {"ConstantinopleFix", Fork::Petersburg},
        {"Merge", Fork::Paris},
    };
    for (const auto& [alias, fork] : aliases)
        if (iequals(name, alias)) return fork;
    for (size_t i = 0; i < fork_names.size(); ++i)
        if (iequals(name, fork_names[i])) return static_cast<Fork>(i);
    return std::nullopt;
}

std::optional<uint8_t> find_opcode(std::string_view mnemonic) noexcept {
    if (iequals(mnemonic, "SHA3")) return static_cast<uint8_t>(Opcode::KECCAK256);
    if (iequals(mnemonic, "SUICIDE")) return static_cast<uint8_t>(Opcode::SELFDESTRUCT);
    if (iequals(mnemonic, "DIFFICULTY")) return static_cast<uint8_t>(Opcode::PREVRANDAO);
    for (size_t op = 0; op < opcode_infos.size(); ++op)
        if (opcode_infos[op].defined() && iequals(mnemonic, opcode_infos[op].name))
            return static_cast<uint8_t>(op);
    return std::nullopt;
}

std::string_view status_name(Status status) noexcept {
    switch (status) {
        case Status::Success:
            return "success";
        case Status::Revert:
            return "revert";
        case Status::OutOfGas:
            return "out_of_gas";
        case Status::StackUnderflow:
            return "stack_underflow";
        case Status::StackOverflow:
            return "stack_overflow";
        case Status::BadJumpDestination:
            return "bad_jump_destination";
        case Status::InvalidInstruction:
            return "invalid_instruction";
        case Status::UndefinedInstruction:
            return "undefined_instruction";
        case Status::StaticModeViolation:
            return "static_mode_violation";
        case Status::InvalidMemoryAccess:
            return "invalid_memory_access";
        case Status::InsufficientBalance:
            return "insufficient_balance";
        case Status::ContractAddressCollision:
            return "contract_address_collision";
        case Status::Failure:
            return "failure";
    }
    return "failure";
}

}  // namespace trainchain::vm
