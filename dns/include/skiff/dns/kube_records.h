// Pure functions from Kubernetes objects to the records of the cluster zone
// (Kubernetes DNS-based service discovery, schema 1.1.0, with CoreDNS's
// choices where the spec leaves room). No I/O; unit-testable as is.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/dns/zone_index.h"
#include "skiff/kube/objects.h"
#include "skiff/net/ip.h"

namespace skiff::dns {

// <svc>.<ns>.svc.<zone>: A/AAAA (ClusterIP) or one per ready endpoint
// (headless); CNAME (ExternalName); SRV per port (named ports also at
// _<port>._<proto>.<svc>...); <host>.<svc>... for ready endpoints (hostname,
// else the dashed IP); PTR for ClusterIPs and endpoint addresses.
std::vector<ZoneRecord> service_records(const kube::Service& svc,
                                        std::span<const kube::EndpointSlice* const> slices,
                                        std::string_view zone);

// <hostname>.<subdomain>.<ns>.svc.<zone> for a pod whose subdomain names a
// headless service in its namespace (`subdomain_svc`, null when none).
std::vector<ZoneRecord> pod_records(const kube::Pod& pod, const kube::Service* subdomain_svc,
                                    std::string_view zone);

// dns-version.<zone> TXT "1.1.0".
std::vector<ZoneRecord> schema_records(std::string_view zone);

std::string service_name(std::string_view name, std::string_view ns, std::string_view zone);
std::string reverse_name(const net::IpAddr& ip);  // d.c.b.a.in-addr.arpa / nibbles.ip6.arpa
std::string dashed_ip(const net::IpAddr& ip);     // "10-0-0-1", "fd00--1" (CoreDNS)
std::optional<net::IpAddr> parse_dashed_ip(std::string_view label);
// The address a reverse name denotes, when it is a complete one.
std::optional<net::IpAddr> parse_reverse_name(std::string_view lower_wire_name);

}  // namespace skiff::dns
