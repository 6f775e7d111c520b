// A network namespace opened by path (CNI_NETNS), and running code inside one.
#pragma once
#include <functional>
#include <string>

#include "cni/lib/error.h"
#include "cni/lib/unique_fd.h"

namespace skiff::cni {

class Netns {
 public:
  // A missing path is code 3 (the container is gone); a path that is not a
  // network namespace is code 4 (the runtime passed a bad CNI_NETNS).
  static Result<Netns> open(const std::string& path);

  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }

 private:
  Netns(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  UniqueFd fd_;
};

// Runs fn on a short-lived thread that has entered the namespace, so the
// caller's threads never change namespace (and gRPC's threads never see one).
Status run_in_netns(int netns_fd, const std::function<void()>& fn);

}  // namespace skiff::cni
