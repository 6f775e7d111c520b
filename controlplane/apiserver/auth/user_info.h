// Who made a request, as the authenticators establish it (kube's user.Info).
#pragma once

#include <string>
#include <vector>

namespace skiff::apiserver {

struct UserInfo {
  std::string name;                 // "admin", "system:serviceaccount:ns:sa", "system:anonymous"
  std::string uid;
  std::vector<std::string> groups;  // "system:masters", "system:authenticated", ...
  bool authenticated() const { return !name.empty() && name != "system:anonymous"; }
  bool in_group(const std::string& group) const {
    for (const auto& g : groups)
      if (g == group) return true;
    return false;
  }
};

}  // namespace skiff::apiserver
