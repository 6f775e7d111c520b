#include "cni/lib/veth_name.h"

#include <openssl/sha.h>

#include <cstdio>

namespace skiff::cni {

std::string host_veth_name(const std::string& container_id, const std::string& ifname) {
  std::string input = container_id + '\0' + ifname;  // NUL cannot occur in either, so no ambiguity
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  char hex[2 * SHA256_DIGEST_LENGTH + 1];
  for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) std::snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  return "sk" + std::string(hex, 11);
}

}  // namespace skiff::cni
