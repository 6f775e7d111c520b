// JSON literals for the parser tests.
#pragma once
#include <nlohmann/json.hpp>
#include <string_view>

inline nlohmann::json J(std::string_view text) { return nlohmann::json::parse(text); }
