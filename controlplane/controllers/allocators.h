// Service address and port allocation, as kube-apiserver's bitmap
// allocators: ClusterIPs from a CIDR (network, broadcast and — like the
// default service range — the first address reserved for the `kubernetes`
// service left to explicit requests), NodePorts from a range
// (30000-32767), and LoadBalancer ingress addresses from a configured pool.
// State is a bitmap rebuilt from the Services that exist (restart recovery:
// nothing is persisted elsewhere, so nothing can disagree), never handing out
// an address or port twice.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controllers/actions.h"
#include "skiff/util/result.h"

namespace skiff::controllers {

class BitmapAllocator {
 public:
  explicit BitmapAllocator(uint64_t size) : used_(size, false) {}
  uint64_t size() const { return used_.size(); }
  uint64_t free() const { return used_.size() - count_; }
  bool allocated(uint64_t offset) const { return offset < used_.size() && used_[offset]; }
  // Claims a specific offset; fails if taken or out of range.
  bool claim(uint64_t offset);
  // The next free offset at or after a rotating cursor (spreads reuse out,
  // like kube's random scan; deterministic for tests).
  std::optional<uint64_t> allocate_next();
  void release(uint64_t offset);

 private:
  std::vector<bool> used_;
  uint64_t count_ = 0;
  uint64_t cursor_ = 0;
};

class ServiceIpAllocator {
 public:
  // An IPv4 CIDR such as "10.96.0.0/12".
  static Result<ServiceIpAllocator> create(const std::string& cidr);
  // Rebuilds the bitmap from existing Services' spec.clusterIPs.
  void recover(const ObjectStore& store);
  Result<std::string> allocate(const std::string& requested = {});  // empty: any free
  void release(const std::string& ip);
  std::string first_address() const;  // what the `kubernetes` service gets
  uint64_t free() const { return bits_.free(); }

 private:
  ServiceIpAllocator(uint32_t base, uint64_t size) : base_(base), bits_(size) {}
  std::optional<uint64_t> offset_of(const std::string& ip) const;
  uint32_t base_;  // first usable address
  BitmapAllocator bits_;
};

class NodePortAllocator {
 public:
  explicit NodePortAllocator(int first = 30000, int last = 32767) : first_(first), bits_(static_cast<uint64_t>(last - first + 1)) {}
  void recover(const ObjectStore& store);
  Result<int> allocate(int requested = 0);  // 0: any free
  void release(int port);
  uint64_t free() const { return bits_.free(); }

 private:
  int first_;
  BitmapAllocator bits_;
};

// LoadBalancer addresses from a pool of ranges ("192.168.10.240-192.168.10.250"
// or CIDRs). recover() reads status.loadBalancer.ingress of existing Services.
class LoadBalancerPool {
 public:
  static Result<LoadBalancerPool> create(const std::vector<std::string>& ranges);
  void recover(const ObjectStore& store);
  Result<std::string> allocate(const std::string& requested = {});
  void release(const std::string& ip);
  uint64_t free() const { return bits_.free(); }

 private:
  struct Range {
    uint32_t first, last;
    uint64_t offset;
  };
  LoadBalancerPool(std::vector<Range> r, uint64_t size) : ranges_(std::move(r)), bits_(size) {}
  std::optional<uint64_t> offset_of(const std::string& ip) const;
  std::string ip_at(uint64_t offset) const;
  std::vector<Range> ranges_;
  BitmapAllocator bits_;
};

// Fills in what a Service needs allocated (clusterIP, nodePorts) and returns
// the spec changes, or why it cannot (duplicate, out of range, exhausted).
// Services of type ExternalName get nothing.
Result<Json> allocate_service(const Json& service, ServiceIpAllocator& ips, NodePortAllocator& ports);

}  // namespace skiff::controllers
