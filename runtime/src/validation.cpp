// runtime/src/validation.cpp - looking up the reject table: a token's code, a result kind's name.
#include "trainchain/runtime/validation.hpp"

namespace trainchain::runtime {

std::optional<Reject> reject_from_token(std::string_view token) noexcept {
    for (const auto& row : reject_table)
        if (row.token == token) return row.code;
    return std::nullopt;
}

std::string_view result_name(ValidationResult result) noexcept {
    switch (result) {
        case ValidationResult::Valid:
            return "valid";
        case ValidationResult::Request:
            return "request";
        case ValidationResult::Claim:
            return "claim";
        case ValidationResult::Header:
            return "header";
        case ValidationResult::Link:
            return "link";
        case ValidationResult::Mutated:
            return "mutated";
        case ValidationResult::Pow:
            return "pow";
        case ValidationResult::Consensus:
            return "consensus";
        case ValidationResult::Votes:
            return "votes";
        case ValidationResult::Proposals:
            return "proposals";
        case ValidationResult::Checkpoint:
            return "checkpoint";
        case ValidationResult::Store:
            return "store";
        case ValidationResult::State:
            return "state";
        case ValidationResult::Training:
            return "training";
    }
    return "unknown";
}

}  // namespace trainchain::runtime
