#include "cni/lib/lease_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

namespace skiff::cni {
namespace {

constexpr const char* kLockName = "lock";
constexpr const char* kLastReservedName = "last_reserved";
constexpr const char* kTempPrefix = ".tmp-";

std::unexpected<Error> io_error(const std::string& what, int err) {
  return fail(ErrorCode::kIoFailure, what + ": " + std::strerror(err));
}

Status mkdir_parents(const std::string& path) {
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return io_error("cannot create " + prefix, errno);
  }
  return {};
}

Result<std::string> read_all(int dir_fd, const std::string& name) {
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return io_error("cannot open " + name, errno);
  std::string out;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("cannot read " + name, errno);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Unique among threads and processes sharing the store.
std::string temp_name(const std::string& final_name) {
  static std::atomic<unsigned> counter{0};
  return std::string(kTempPrefix) + final_name + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()) % 100000) + "-" +
         std::to_string(counter++);
}

}  // namespace

Result<LeaseStore> LeaseStore::open(std::string dir) {
  if (auto s = mkdir_parents(dir); !s) return std::unexpected(s.error());
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return io_error("cannot open lease directory " + dir, errno);
  return LeaseStore(std::move(dir), std::move(fd));
}

Result<LeaseStore::Lock> LeaseStore::lock() const {
  UniqueFd fd(::openat(dir_fd_.get(), kLockName, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return io_error("cannot open " + dir_ + "/" + kLockName, errno);
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return io_error("cannot lock " + dir_ + "/" + kLockName, errno);
  }
  return Lock(std::move(fd));
}

Result<std::vector<Lease>> LeaseStore::list() const {
  // A fresh descriptor per listing: readdir state is per open file.
  int dup_fd = ::openat(dir_fd_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup_fd < 0) return io_error("cannot list " + dir_, errno);
  DIR* d = ::fdopendir(dup_fd);
  if (!d) {
    ::close(dup_fd);
    return io_error("cannot list " + dir_, errno);
  }
  std::vector<Lease> out;
  while (dirent* e = ::readdir(d)) {
    auto ip = Ipv4::parse(e->d_name);
    if (!ip) continue;  // lock, last_reserved, temporaries
    Lease lease{*ip, {}, {}, false};
    auto content = read_all(dir_fd_.get(), e->d_name);
    if (!content) {
      ::closedir(d);
      return std::unexpected(content.error());
    }
    auto nl = content->find('\n');
    auto nl2 = nl == std::string::npos ? std::string::npos : content->find('\n', nl + 1);
    if (nl == std::string::npos || nl == 0 || nl2 == std::string::npos || nl2 == nl + 1) {
      lease.corrupt = true;
    } else {
      lease.container_id = content->substr(0, nl);
      lease.ifname = content->substr(nl + 1, nl2 - nl - 1);
    }
    out.push_back(std::move(lease));
  }
  ::closedir(d);
  return out;
}

Result<bool> LeaseStore::write_file_atomically(const std::string& name, const std::string& content, bool replace) const {
  std::string tmp = temp_name(name);
  UniqueFd fd(::openat(dir_fd_.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return io_error("cannot create " + dir_ + "/" + tmp, errno);
  auto cleanup = [&] { ::unlinkat(dir_fd_.get(), tmp.c_str(), 0); };
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      cleanup();
      return io_error("cannot write " + dir_ + "/" + tmp, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) {
    int err = errno;
    cleanup();
    return io_error("cannot sync " + dir_ + "/" + tmp, err);
  }
  fd.reset();
  int rc = replace ? ::renameat(dir_fd_.get(), tmp.c_str(), dir_fd_.get(), name.c_str())
                   : ::linkat(dir_fd_.get(), tmp.c_str(), dir_fd_.get(), name.c_str(), 0);
  int err = errno;
  if (!replace || rc != 0) cleanup();
  if (rc != 0) {
    if (err == EEXIST && !replace) return false;
    return io_error("cannot publish " + dir_ + "/" + name, err);
  }
  ::fsync(dir_fd_.get());  // make the new name durable before we report the address
  return true;
}

Result<bool> LeaseStore::create(const Lease& lease) const {
  return write_file_atomically(lease.ip.str(), lease.container_id + "\n" + lease.ifname + "\n", false);
}

Status LeaseStore::remove(Ipv4 ip) const {
  std::string name = ip.str();
  if (::unlinkat(dir_fd_.get(), name.c_str(), 0) != 0 && errno != ENOENT)
    return io_error("cannot remove lease " + dir_ + "/" + name, errno);
  ::fsync(dir_fd_.get());
  return {};
}

std::optional<Ipv4> LeaseStore::last_reserved() const {
  auto content = read_all(dir_fd_.get(), kLastReservedName);
  if (!content) return std::nullopt;
  while (!content->empty() && (content->back() == '\n' || content->back() == ' ')) content->pop_back();
  return Ipv4::parse(*content);  // garbage is treated as "none": round-robin restarts, nothing breaks
}

Status LeaseStore::set_last_reserved(Ipv4 ip) const {
  auto s = write_file_atomically(kLastReservedName, ip.str() + "\n", true);
  if (!s) return std::unexpected(s.error());
  return {};
}

void LeaseStore::sweep_temporaries() const {
  int dup_fd = ::openat(dir_fd_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup_fd < 0) return;
  DIR* d = ::fdopendir(dup_fd);
  if (!d) {
    ::close(dup_fd);
    return;
  }
  std::vector<std::string> stale;
  while (dirent* e = ::readdir(d))
    if (std::strncmp(e->d_name, kTempPrefix, std::strlen(kTempPrefix)) == 0) stale.emplace_back(e->d_name);
  ::closedir(d);
  // Every writer holds the lock, so under it any temporary belongs to a process that died mid-write.
  for (const auto& name : stale) ::unlinkat(dir_fd_.get(), name.c_str(), 0);
}

}  // namespace skiff::cni
