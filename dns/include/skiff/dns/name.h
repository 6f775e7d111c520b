// Domain names in wire form (length-prefixed labels ending with the root
// label), held in std::string. Lookups use the lowercased wire form so
// matching is case-insensitive (RFC 4343) with a plain byte comparison.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace skiff::dns {

// "web.default.svc.cluster.local" (trailing dot optional) -> wire form.
// nullopt for empty labels, labels over 63 bytes or names over 255 bytes.
std::optional<std::string> name_from_text(std::string_view text);
// Wire form -> "web.default.svc.cluster.local." ("." for the root).
std::string name_to_text(std::string_view wire);

void lowercase_in_place(std::span<uint8_t> wire_name);
std::string lowercase(std::string_view wire_name);

// True when `name` equals `zone` or lies below it (both lowercase wire form).
bool name_in_zone(std::string_view name, std::string_view zone);
// The name with its first label removed; the root stays the root.
std::string_view parent_name(std::string_view name);
// The first label's bytes (without its length byte).
std::string_view first_label(std::string_view name);
// Number of labels, not counting the root.
int label_count(std::string_view name);

// Prepend one label to a wire name; nullopt if the result is not a valid name.
std::optional<std::string> prepend_label(std::string_view label, std::string_view name);

}  // namespace skiff::dns
