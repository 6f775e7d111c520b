#include "cni/lib/netns.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace skiff::cni {

Result<Netns> Netns::open(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    int err = errno;
    if (err == ENOENT)
      return fail(ErrorCode::kUnknownContainer, "network namespace " + path + " does not exist",
                  "the container is gone or CNI_NETNS is wrong");
    return fail(ErrorCode::kInvalidEnvironment, "cannot open CNI_NETNS " + path + ": " + std::strerror(err));
  }
  int type = ::ioctl(fd.get(), NS_GET_NSTYPE);
  if (type != CLONE_NEWNET)
    return fail(ErrorCode::kInvalidEnvironment, "CNI_NETNS " + path + " is not a network namespace");
  return Netns(path, std::move(fd));
}

Status run_in_netns(int netns_fd, const std::function<void()>& fn) {
  int setns_errno = 0;
  std::thread worker([&] {
    // The thread exits afterwards, so it never has to switch back.
    if (::setns(netns_fd, CLONE_NEWNET) != 0) {
      setns_errno = errno;
      return;
    }
    fn();
  });
  worker.join();
  if (setns_errno != 0)
    return fail(ErrorCode::kInvalidEnvironment, std::string("cannot enter network namespace: ") + std::strerror(setns_errno));
  return {};
}

}  // namespace skiff::cni
