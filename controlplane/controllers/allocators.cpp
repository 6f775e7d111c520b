#include "controllers/allocators.h"

#include <arpa/inet.h>

#include "controllers/object_util.h"

namespace skiff::controllers {
namespace {
std::optional<uint32_t> parse_ipv4(const std::string& s) {
  in_addr a{};
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}
std::string format_ipv4(uint32_t v) {
  in_addr a{htonl(v)};
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}
}  // namespace

bool BitmapAllocator::claim(uint64_t offset) {
  if (offset >= used_.size() || used_[offset]) return false;
  used_[offset] = true;
  ++count_;
  return true;
}

std::optional<uint64_t> BitmapAllocator::allocate_next() {
  for (uint64_t i = 0; i < used_.size(); ++i) {
    uint64_t o = (cursor_ + i) % used_.size();
    if (!used_[o]) {
      used_[o] = true;
      ++count_;
      cursor_ = (o + 1) % used_.size();
      return o;
    }
  }
  return std::nullopt;
}

void BitmapAllocator::release(uint64_t offset) {
  if (offset < used_.size() && used_[offset]) {
    used_[offset] = false;
    --count_;
  }
}

Result<ServiceIpAllocator> ServiceIpAllocator::create(const std::string& cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string::npos) return fail("service CIDR \"" + cidr + "\" has no prefix length");
  auto base = parse_ipv4(cidr.substr(0, slash));
  std::string len_text = cidr.substr(slash + 1);
  if (!base || len_text.empty() || len_text.find_first_not_of("0123456789") != std::string::npos)
    return fail("service CIDR \"" + cidr + "\" is not an IPv4 CIDR");
  int len = std::stoi(len_text);
  if (len < 8 || len > 30) return fail("service CIDR \"" + cidr + "\": prefix length must be 8..30");
  uint32_t mask = len == 0 ? 0 : ~0u << (32 - len);
  uint32_t network = *base & mask;
  uint64_t total = 1ull << (32 - len);
  // Network and broadcast addresses are never handed out.
  return ServiceIpAllocator(network + 1, total - 2);
}

std::optional<uint64_t> ServiceIpAllocator::offset_of(const std::string& ip) const {
  auto v = parse_ipv4(ip);
  if (!v || *v < base_ || *v - base_ >= bits_.size()) return std::nullopt;
  return *v - base_;
}

std::string ServiceIpAllocator::first_address() const { return format_ipv4(base_); }

void ServiceIpAllocator::recover(const ObjectStore& store) {
  for (const Json* s : store.list("Service", "")) {
    const Json& ips = path(*s, {"spec", "clusterIPs"});
    if (ips.is_array()) {
      for (const auto& ip : ips)
        if (auto o = offset_of(str(ip))) bits_.claim(*o);
    } else if (auto o = offset_of(str(path(*s, {"spec", "clusterIP"})))) {
      bits_.claim(*o);
    }
  }
}

Result<std::string> ServiceIpAllocator::allocate(const std::string& requested) {
  if (!requested.empty()) {
    auto o = offset_of(requested);
    if (!o) return fail("the provided IP (" + requested + ") is not in the valid range");
    if (!bits_.claim(*o)) return fail("provided IP is already allocated");
    return requested;
  }
  // The first address is kept for the `kubernetes` service (asked for by name).
  if (!bits_.allocated(0)) bits_.claim(0);
  auto o = bits_.allocate_next();
  if (!o) return fail("range is full: no more service IPs");
  return format_ipv4(base_ + static_cast<uint32_t>(*o));
}

void ServiceIpAllocator::release(const std::string& ip) {
  if (auto o = offset_of(ip)) bits_.release(*o);
}

void NodePortAllocator::recover(const ObjectStore& store) {
  for (const Json* s : store.list("Service", "")) {
    const Json& ports = path(*s, {"spec", "ports"});
    if (!ports.is_array()) continue;
    for (const auto& p : ports) {
      int64_t n = integer(field(p, "nodePort"), 0);
      if (n >= first_) bits_.claim(static_cast<uint64_t>(n - first_));
    }
    int64_t hc = integer(path(*s, {"spec", "healthCheckNodePort"}), 0);
    if (hc >= first_) bits_.claim(static_cast<uint64_t>(hc - first_));
  }
}

Result<int> NodePortAllocator::allocate(int requested) {
  if (requested) {
    if (requested < first_ || static_cast<uint64_t>(requested - first_) >= bits_.size())
      return fail("provided port " + std::to_string(requested) + " is not in the valid range. The range of valid ports is " +
                  std::to_string(first_) + "-" + std::to_string(first_ + static_cast<int>(bits_.size()) - 1));
    if (!bits_.claim(static_cast<uint64_t>(requested - first_)))
      return fail("provided port " + std::to_string(requested) + " is already allocated");
    return requested;
  }
  auto o = bits_.allocate_next();
  if (!o) return fail("range is full: no more node ports");
  return first_ + static_cast<int>(*o);
}

void NodePortAllocator::release(int port) {
  if (port >= first_) bits_.release(static_cast<uint64_t>(port - first_));
}

Result<LoadBalancerPool> LoadBalancerPool::create(const std::vector<std::string>& specs) {
  std::vector<Range> ranges;
  uint64_t total = 0;
  for (const auto& s : specs) {
    uint32_t first, last;
    if (auto dash = s.find('-'); dash != std::string::npos) {
      auto a = parse_ipv4(s.substr(0, dash)), b = parse_ipv4(s.substr(dash + 1));
      if (!a || !b || *a > *b) return fail("load balancer pool range \"" + s + "\" is not first-last IPv4");
      first = *a;
      last = *b;
    } else if (auto slash = s.find('/'); slash != std::string::npos) {
      auto a = parse_ipv4(s.substr(0, slash));
      std::string len_text = s.substr(slash + 1);
      if (!a || len_text.empty() || len_text.find_first_not_of("0123456789") != std::string::npos || std::stoi(len_text) > 32 ||
          std::stoi(len_text) < 16)
        return fail("load balancer pool \"" + s + "\" is not an IPv4 CIDR of /16 to /32");
      int len = std::stoi(len_text);
      uint32_t mask = len == 32 ? ~0u : ~0u << (32 - len);
      first = *a & mask;
      last = first | ~mask;
    } else if (auto a = parse_ipv4(s)) {
      first = last = *a;
    } else {
      return fail("load balancer pool entry \"" + s + "\" is not an address, range or CIDR");
    }
    for (const auto& r : ranges)
      if (!(last < r.first || first > r.last)) return fail("load balancer pool entry \"" + s + "\" overlaps another");
    ranges.push_back({first, last, total});
    total += static_cast<uint64_t>(last - first) + 1;
  }
  if (total == 0) return fail("load balancer pool is empty");
  return LoadBalancerPool(std::move(ranges), total);
}

std::optional<uint64_t> LoadBalancerPool::offset_of(const std::string& ip) const {
  auto v = parse_ipv4(ip);
  if (!v) return std::nullopt;
  for (const auto& r : ranges_)
    if (*v >= r.first && *v <= r.last) return r.offset + (*v - r.first);
  return std::nullopt;
}

std::string LoadBalancerPool::ip_at(uint64_t offset) const {
  for (const auto& r : ranges_)
    if (offset >= r.offset && offset - r.offset <= static_cast<uint64_t>(r.last - r.first))
      return format_ipv4(r.first + static_cast<uint32_t>(offset - r.offset));
  return "";
}

void LoadBalancerPool::recover(const ObjectStore& store) {
  for (const Json* s : store.list("Service", "")) {
    const Json& ingress = path(*s, {"status", "loadBalancer", "ingress"});
    if (ingress.is_array())
      for (const auto& i : ingress)
        if (auto o = offset_of(str(field(i, "ip")))) bits_.claim(*o);
  }
}

Result<std::string> LoadBalancerPool::allocate(const std::string& requested) {
  if (!requested.empty()) {
    auto o = offset_of(requested);
    if (!o) return fail("requested load balancer IP " + requested + " is not in the pool");
    if (!bits_.claim(*o)) return fail("requested load balancer IP " + requested + " is already in use");
    return requested;
  }
  auto o = bits_.allocate_next();
  if (!o) return fail("load balancer pool exhausted");
  return ip_at(*o);
}

void LoadBalancerPool::release(const std::string& ip) {
  if (auto o = offset_of(ip)) bits_.release(*o);
}

Result<Json> allocate_service(const Json& service, ServiceIpAllocator& ips, NodePortAllocator& ports) {
  Json spec = field(service, "spec").is_object() ? service["spec"] : Json::object();
  std::string type = str(field(spec, "type"), "ClusterIP");
  if (type == "ExternalName") return spec;
  std::vector<std::string> claimed_ips;
  std::vector<int> claimed_ports;
  auto undo = [&] {
    for (const auto& ip : claimed_ips) ips.release(ip);
    for (int p : claimed_ports) ports.release(p);
  };
  std::string cluster_ip = str(field(spec, "clusterIP"));
  if (cluster_ip != "None") {
    auto ip = ips.allocate(cluster_ip);
    if (!ip) return fail("spec.clusterIP: Invalid value: \"" + cluster_ip + "\": " + ip.error().message);
    claimed_ips.push_back(*ip);
    spec["clusterIP"] = *ip;
    spec["clusterIPs"] = Json::array({*ip});
  }
  if (type == "NodePort" || type == "LoadBalancer") {
    if (spec["ports"].is_array())
      for (auto& p : spec["ports"]) {
        int requested = static_cast<int>(integer(field(p, "nodePort"), 0));
        auto port = ports.allocate(requested);
        if (!port) {
          undo();
          return fail("spec.ports[].nodePort: Invalid value: " + std::to_string(requested) + ": " + port.error().message);
        }
        claimed_ports.push_back(*port);
        p["nodePort"] = *port;
      }
  }
  return spec;
}

}  // namespace skiff::controllers
