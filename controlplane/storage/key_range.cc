#include "storage/key_range.h"

namespace skiff::storage {

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();  // 0xff cannot be incremented: carry into the previous byte
  }
  return end;
}

bool has_prefix(std::string_view key, std::string_view prefix) { return key.starts_with(prefix); }

}  // namespace skiff::storage
