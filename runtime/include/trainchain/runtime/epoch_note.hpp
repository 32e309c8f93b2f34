// runtime/include/trainchain/runtime/epoch_note.hpp - the epoch note's schema: the fields the
// training server and the API write into an epoch block's note, and the one reader of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trainchain::runtime {

/// The fields the training server writes into an epoch block's note, a compact JSON object such
/// as {"test_loss":0.41,"lr":0.001,"inject":"nan","rollbacks":1}; every field is optional.
struct EpochNote {
    bool json = false;                ///< the note was a JSON object (else free text, or empty)
    std::optional<double> test_loss;  ///< null or "nan"/"inf"/"-inf" give NaN or an infinity
    std::optional<double> lr;
    std::optional<std::string> inject;  ///< the fault injected into that epoch, if any
    std::optional<int64_t> rollbacks;
};

/// Reads an epoch note; anything that is not a JSON object (free text from `chain append`) gives
/// `json == false` and no fields, and fields of the wrong type are ignored. Never throws.
EpochNote parse_epoch_note(std::string_view note);

}  // namespace trainchain::runtime
