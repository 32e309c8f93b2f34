// runtime/src/epoch_note.cpp - writing and reading the JSON notes of epoch and rollback blocks.
#include "trainchain/runtime/epoch_note.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

namespace trainchain::runtime {

EpochNote parse_epoch_note(std::string_view note) {
    EpochNote out;
    if (note.empty() || note.front() != '{') return out;
    try {
        const auto j = nlohmann::json::parse(note.begin(), note.end(), nullptr, /*allow_exceptions=*/false);
        if (!j.is_object()) return out;
        out.json = true;
        if (const auto it = j.find("test_loss"); it != j.end()) {
            if (it->is_number()) {
                out.test_loss = it->get<double>();
            } else if (it->is_null()) {
                out.test_loss = std::numeric_limits<double>::quiet_NaN();  // nlohmann::json writes NaN and
                                                                           // infinities as null
            } else if (it->is_string()) {
                std::string s = it->get<std::string>();
                std::transform(s.begin(), s.end(), s.begin(), [](char c) {
                    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                });
                if (s == "nan")
                    out.test_loss = std::numeric_limits<double>::quiet_NaN();
                else if (s == "inf" || s == "+inf" || s == "infinity")
                    out.test_loss = std::numeric_limits<double>::infinity();
                else if (s == "-inf" || s == "-infinity")
                    out.test_loss = -std::numeric_limits<double>::infinity();
            }
        }
        if (const auto it = j.find("lr"); it != j.end() && it->is_number()) out.lr = it->get<double>();
        if (const auto it = j.find("inject"); it != j.end() && !it->is_null())
            out.inject = it->is_string() ? it->get<std::string>() : it->dump();
        if (const auto it = j.find("rollbacks"); it != j.end() && it->is_number_integer())
            out.rollbacks = it->get<int64_t>();
        if (const auto it = j.find("source"); it != j.end() && it->is_string())
            out.source = it->get<std::string>();
    } catch (const std::exception&) {
        return EpochNote{};
    }
    return out;
}

std::string write_epoch_note(const EpochNote& note) {
    nlohmann::json j = nlohmann::json::object();  // keys in order: inject, lr, rollbacks, source, test_loss
    if (note.test_loss) {
        const double v = *note.test_loss;
        j["test_loss"] = std::isfinite(v) ? nlohmann::json(v)
                                          : nlohmann::json(std::isnan(v) ? "nan"
                                                           : v > 0       ? "inf"
                                                                         : "-inf");
    }
    if (note.lr) j["lr"] = *note.lr;
    if (note.rollbacks) j["rollbacks"] = *note.rollbacks;
    if (note.inject) j["inject"] = *note.inject;
    if (note.source) j["source"] = *note.source;
    return j.dump();
}

const char* rollback_kind_name(RollbackKind kind) noexcept {
    return kind == RollbackKind::Detected ? "detected" : "requested";
}

std::string contract_text(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (out.size() >= 200) break;
        out += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '?';
    }
    return out;
}

RollbackNote detected_rollback(uint64_t epoch, std::string rule, std::string_view message) {
    RollbackNote n;
    n.json = true;
    n.kind = RollbackKind::Detected;
    n.epoch = epoch;
    n.rule = std::move(rule);
    n.reason = contract_text("epoch " + std::to_string(epoch) + ": " + std::string(message));
    return n;
}

RollbackNote requested_rollback(std::string_view reason) {
    RollbackNote n;
    n.json = true;
    n.reason = contract_text(reason);
    return n;
}

std::string write_rollback_note(const RollbackNote& note) {
    nlohmann::json j = nlohmann::json::object();  // keys in order: epoch, kind, reason, rule
    j["kind"] = rollback_kind_name(note.kind);
    if (note.epoch) j["epoch"] = *note.epoch;
    if (!note.rule.empty()) j["rule"] = note.rule;
    j["reason"] = note.reason;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

/// The epoch number of an older note "PREFIX<digits>: ...", if `text` has that form.
std::optional<uint64_t> epoch_after(std::string_view text, std::string_view prefix) {
    if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
    text.remove_prefix(prefix.size());
    uint64_t epoch = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), epoch);
    const std::string_view rest = text.substr(static_cast<size_t>(end - text.data()));
    if (ec != std::errc{} || end == text.data() || rest.substr(0, 2) != ": ") return std::nullopt;
    return epoch;
}

}  // namespace

RollbackNote parse_rollback_note(std::string_view note) {
    RollbackNote out;
    out.reason = std::string(note);
    if (!note.empty() && note.front() == '{') {
        const auto j = nlohmann::json::parse(note.begin(), note.end(), nullptr, /*allow_exceptions=*/false);
        if (j.is_object() && j.contains("kind") && j["kind"].is_string()) {
            out.json = true;
            out.kind = j["kind"] == rollback_kind_name(RollbackKind::Detected) ? RollbackKind::Detected
                                                                               : RollbackKind::Requested;
            if (const auto it = j.find("epoch"); it != j.end() && it->is_number_unsigned())
                out.epoch = it->get<uint64_t>();
            if (const auto it = j.find("rule"); it != j.end() && it->is_string())
                out.rule = it->get<std::string>();
            out.reason =
                j.contains("reason") && j["reason"].is_string() ? j["reason"].get<std::string>() : "";
            return out;
        }
    }
    // An older chain's text: the API's detector wrote "detected at epoch E: ", train "epoch E: ".
    for (const std::string_view prefix : {"detected at epoch ", "epoch "})
        if (const auto epoch = epoch_after(note, prefix)) {
            out.kind = RollbackKind::Detected;
            out.epoch = epoch;
            return out;
        }
    return out;
}

}  // namespace trainchain::runtime
