// skiff-cni's own IPAM: hands out addresses of the configured ranges
// round-robin, one lease per (container id, ifname), in a LeaseStore.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "cni/lib/config.h"
#include "cni/lib/error.h"
#include "cni/lib/lease_store.h"

namespace skiff::cni {

struct Allocation {
  Lease lease;
  Range range;
  bool created = false;  // false: the attachment already held this lease (a retried ADD)
};

class Ipam {
 public:
  static Result<Ipam> open(std::vector<Range> ranges, std::string dir);

  // The attachment's existing lease, or the next free address after the last
  // one handed out. A full pool is code 11: addresses come back as pods are
  // deleted, so the runtime's retry can succeed without any config change.
  Result<Allocation> allocate(const std::string& container_id, const std::string& ifname);

  Result<std::optional<Lease>> find(const std::string& container_id, const std::string& ifname) const;

  // Releases every lease of the attachment; releasing nothing is success (DEL is idempotent).
  Result<std::vector<Lease>> release(const std::string& container_id, const std::string& ifname);

  // Releases leases whose attachment is not in `valid`, and corrupt ones.
  Result<std::vector<Lease>> gc(const std::vector<Attachment>& valid);

  // Addresses still free across all ranges (for STATUS).
  Result<size_t> free_count() const;

  const Range* range_of(Ipv4 ip) const;

 private:
  Ipam(std::vector<Range> ranges, LeaseStore store) : ranges_(std::move(ranges)), store_(std::move(store)) {}
  size_t pool_size() const;

  std::vector<Range> ranges_;
  LeaseStore store_;
};

}  // namespace skiff::cni
