// On-disk lease store, one directory per network (like host-local):
//   <dir>/<ip>            one file per leased address: "<container id>\n<ifname>\n"
//   <dir>/last_reserved   the last address handed out, for round-robin
//   <dir>/lock            flock()ed around every read-modify-write
// A lease file appears atomically with its full content (written to a
// temporary, fsynced, then link()ed into place, which fails if the address is
// taken), so a crash leaves either no lease or a complete one; stray
// temporaries are swept under the lock.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "cni/lib/error.h"
#include "cni/lib/ipv4.h"
#include "cni/lib/unique_fd.h"

namespace skiff::cni {

struct Lease {
  Ipv4 ip;
  std::string container_id;
  std::string ifname;
  bool corrupt = false;  // unreadable content: held, but owned by no one (GC reclaims it)
};

class LeaseStore {
 public:
  // Holds the store's flock until destroyed; released by the kernel if the process dies.
  class Lock {
   public:
    explicit Lock(UniqueFd fd) : fd_(std::move(fd)) {}

   private:
    UniqueFd fd_;
  };

  // Creates the directory (and parents) if needed.
  static Result<LeaseStore> open(std::string dir);

  Result<Lock> lock() const;

  // The calls below expect the caller to hold lock().
  Result<std::vector<Lease>> list() const;
  // false when the address is already leased.
  Result<bool> create(const Lease& lease) const;
  Status remove(Ipv4 ip) const;  // absent is fine
  std::optional<Ipv4> last_reserved() const;
  Status set_last_reserved(Ipv4 ip) const;
  void sweep_temporaries() const;

  const std::string& dir() const { return dir_; }

 private:
  explicit LeaseStore(std::string dir, UniqueFd dir_fd) : dir_(std::move(dir)), dir_fd_(std::move(dir_fd)) {}
  // false when !replace and the name exists.
  Result<bool> write_file_atomically(const std::string& name, const std::string& content, bool replace) const;

  std::string dir_;
  UniqueFd dir_fd_;
};

}  // namespace skiff::cni
