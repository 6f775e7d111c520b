#pragma once
#include <string>

namespace skiff {
// "skiff <version>\n" plus build facts, one "key: value" per line.
std::string version_text();
}  // namespace skiff
