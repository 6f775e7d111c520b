#include "skiff/kube/objects.h"

namespace skiff::kube {

const char* to_string(Protocol protocol) {
  switch (protocol) {
    case Protocol::TCP: return "TCP";
    case Protocol::UDP: return "UDP";
    case Protocol::SCTP: return "SCTP";
  }
  return "?";
}

}  // namespace skiff::kube
