// Prefix arithmetic shared by the backends: a prefix is the half-open key
// range [prefix, prefix_end(prefix)) in byte-wise order, as in etcd.
#pragma once

#include <string>
#include <string_view>

namespace skiff::storage {

// The smallest key greater than every key starting with `prefix`; "" when
// there is none (empty prefix or all 0xff bytes), meaning "no upper bound".
std::string prefix_end(std::string_view prefix);

bool has_prefix(std::string_view key, std::string_view prefix);

// The key that follows `key` immediately: where the next page starts.
inline std::string key_successor(std::string_view key) { return std::string(key) + '\0'; }

}  // namespace skiff::storage
