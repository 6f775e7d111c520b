#include <arpa/inet.h>

#include "skiff/bpf/abi.h"
#include "skiff/lb/frontends.h"
#include "skiff/net/ip.h"

namespace skiff::lb {

std::string L4Addr::str() const {
  std::string out = net::IpAddr::v4(addr_be).str();
  out += ":" + std::to_string(ntohs(port_be)) + "/";
  switch (proto) {
    case SKIFF_PROTO_TCP: return out + "tcp";
    case SKIFF_PROTO_UDP: return out + "udp";
    default: return out + std::to_string(proto);
  }
}

}  // namespace skiff::lb
