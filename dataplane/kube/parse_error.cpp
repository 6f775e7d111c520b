#include "skiff/kube/parse.h"

namespace skiff::kube {

std::string ParseError::str() const {
  std::string out = object;
  if (!field.empty()) out += ": " + field;
  out += ": " + reason;
  return out;
}

}  // namespace skiff::kube
