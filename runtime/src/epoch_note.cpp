// runtime/src/epoch_note.cpp - reading the JSON note an epoch block carries.
#include "trainchain/runtime/epoch_note.hpp"

#include <algorithm>
#include <cctype>
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
                out.test_loss = std::numeric_limits<double>::quiet_NaN();  // nlohmann::json writes NaN and infinities as null
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
    } catch (const std::exception&) {
        return EpochNote{};
    }
    return out;
}

}  // namespace trainchain::runtime
