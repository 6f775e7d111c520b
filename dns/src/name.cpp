#include "skiff/dns/name.h"

#include <cctype>

#include "skiff/dns/protocol.h"

namespace skiff::dns {

std::optional<std::string> name_from_text(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() + 2);
  while (!text.empty()) {
    size_t dot = text.find('.');
    std::string_view label = text.substr(0, dot);
    if (label.empty() || label.size() > kMaxLabelLength) return std::nullopt;
    out.push_back(static_cast<char>(label.size()));
    out.append(label);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
    if (text.empty()) return std::nullopt;  // "a..": empty label
  }
  out.push_back('\0');
  if (out.size() > kMaxNameLength) return std::nullopt;
  return out;
}

std::string name_to_text(std::string_view wire) {
  std::string out;
  size_t i = 0;
  while (i < wire.size()) {
    uint8_t len = static_cast<uint8_t>(wire[i]);
    if (len == 0 || i + 1 + len > wire.size()) break;
    for (char c : wire.substr(i + 1, len)) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u == '.' || u == '\\') {
        out.push_back('\\');
        out.push_back(c);
      } else if (u < 0x21 || u > 0x7e) {
        char buf[5];
        snprintf(buf, sizeof buf, "\\%03u", u);
        out.append(buf);
      } else {
        out.push_back(c);
      }
    }
    out.push_back('.');
    i += 1 + len;
  }
  if (out.empty()) return std::string(1, '.');
  return out;
}

void lowercase_in_place(std::span<uint8_t> w) {
  size_t i = 0;
  while (i < w.size()) {
    uint8_t len = w[i];
    if (len == 0) return;
    for (size_t j = i + 1; j <= i + len && j < w.size(); ++j) {
      if (w[j] >= 'A' && w[j] <= 'Z') w[j] = static_cast<uint8_t>(w[j] + 32);
    }
    i += 1 + len;
  }
}

std::string lowercase(std::string_view wire) {
  std::string s(wire);
  lowercase_in_place({reinterpret_cast<uint8_t*>(s.data()), s.size()});
  return s;
}

bool name_in_zone(std::string_view name, std::string_view zone) {
  if (zone.size() > name.size()) return false;
  // Walk label boundaries so "xcluster.local" is not taken for "cluster.local".
  size_t i = 0;
  while (i < name.size()) {
    if (name.size() - i == zone.size()) return name.substr(i) == zone;
    uint8_t len = static_cast<uint8_t>(name[i]);
    if (len == 0) return false;
    i += 1 + len;
  }
  return false;
}

std::string_view parent_name(std::string_view name) {
  if (name.empty() || name[0] == 0) return name;
  size_t skip = 1 + static_cast<uint8_t>(name[0]);
  return skip < name.size() ? name.substr(skip) : name.substr(name.size() - 1);
}

std::string_view first_label(std::string_view name) {
  if (name.empty()) return {};
  size_t len = static_cast<uint8_t>(name[0]);
  return name.substr(1, std::min(len, name.size() - 1));
}

int label_count(std::string_view name) {
  int n = 0;
  size_t i = 0;
  while (i < name.size() && name[i] != 0) {
    ++n;
    i += 1 + static_cast<uint8_t>(name[i]);
  }
  return n;
}

std::optional<std::string> prepend_label(std::string_view label, std::string_view name) {
  if (label.empty() || label.size() > kMaxLabelLength) return std::nullopt;
  if (1 + label.size() + name.size() > kMaxNameLength) return std::nullopt;
  std::string out;
  out.reserve(1 + label.size() + name.size());
  out.push_back(static_cast<char>(label.size()));
  out.append(label);
  out.append(name);
  return out;
}

}  // namespace skiff::dns
