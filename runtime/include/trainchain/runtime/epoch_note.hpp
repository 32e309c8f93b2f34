// runtime/include/trainchain/runtime/epoch_note.hpp - the schema of the JSON notes the training
// server and the API write into blocks: an epoch block's note (test loss, learning rate, ...) and a
// rollback block's (who asked for it and why), with the one writer and the one reader of each.
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
    std::optional<std::string> source;  ///< who posted the epoch when not `train` ("api")
};

/// Reads an epoch note; anything that is not a JSON object (free text from `chain append`) gives
/// `json == false` and no fields, and fields of the wrong type are ignored. Never throws.
EpochNote parse_epoch_note(std::string_view note);

/// An epoch note as compact JSON with its keys in order, the fields that are set only; a
/// non-finite test loss is written "nan", "inf" or "-inf" (JSON has no numbers for them).
std::string write_epoch_note(const EpochNote& note);

/// Who asked for a rollback: the detection rules (counted against a run's rollback limit), or a
/// person or client (`trainchain rollback`, POST /api/runs/{run}/rollback).
enum class RollbackKind { Detected, Requested };

/// "detected" or "requested", as written in a rollback note.
const char* rollback_kind_name(RollbackKind kind) noexcept;

/// A rollback block's note: {"epoch":5,"kind":"detected","reason":"epoch 5: ...","rule":"nan"}.
struct RollbackNote {
    bool json = false;  ///< read from a JSON note (else from the text of an older chain's note)
    RollbackKind kind = RollbackKind::Requested;
    std::optional<uint64_t> epoch;  ///< Detected: the epoch that failed
    std::string rule;               ///< Detected: the rule that fired ("non_finite_loss", ...)
    std::string reason;             ///< the text the Rollback contract records
};

/// The note of an automatic rollback: kind Detected, the failing epoch, the rule, and the reason
/// "epoch E: MESSAGE" made contract-safe (see contract_text).
RollbackNote detected_rollback(uint64_t epoch, std::string rule, std::string_view message);

/// The note of a rollback asked for: kind Requested, the reason made contract-safe.
RollbackNote requested_rollback(std::string_view reason);

/// A rollback note as compact JSON with its keys in order (epoch and rule only when set).
std::string write_rollback_note(const RollbackNote& note);

/// Reads a rollback block's note. A JSON object with a "kind" gives its fields; any other note is
/// an older chain's text, read as it was written: "detected at epoch E: ..." (the API's detector)
/// and "epoch E: ..." (train's) are Detected at epoch E, anything else ("requested: ...", a
/// `trainchain rollback --reason`) is Requested; the reason is the whole text. Never throws.
RollbackNote parse_rollback_note(std::string_view note);

/// Text the Rollback contract can take as a string literal: printable ASCII without quotes or
/// backslashes (anything else becomes '?'), at most 200 characters.
std::string contract_text(std::string_view text);

}  // namespace trainchain::runtime
