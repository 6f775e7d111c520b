// The cluster zone as a hash map from lowercased wire name to the records
// at that name. Records come from owners (one Service with its slices, one
// Pod, ...); replacing an owner's records applies only the difference, so a
// single endpoint change touches that service's names and nothing else.
// Answers are encoded on first use per (name, type) and kept until one of
// the owner's names changes, so the hot path is one hash lookup.
// Single-threaded, like the ObjectCache that feeds it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "skiff/dns/encoded_response.h"

namespace skiff::dns {

struct ZoneRecord {
  std::string name;  // lowercase wire form
  uint16_t type = 0;
  std::string rdata;  // uncompressed wire form
  auto operator<=>(const ZoneRecord&) const = default;
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

class ZoneIndex {
 public:
  // `zone`: lowercase wire form of the cluster domain. Apexes (the zone,
  // svc.<zone>, pod.<zone>, in-addr.arpa, ip6.arpa) always exist.
  ZoneIndex(std::string zone, uint32_t ttl, uint32_t soa_serial);

  void set_records(const std::string& owner, std::vector<ZoneRecord> records);
  // Names that exist without records of their own (e.g. <ns>.svc.<zone>).
  void pin(const std::string& name);
  void unpin(const std::string& name);

  enum class Kind : uint8_t { Answer, NoData, NxDomain };
  struct Result {
    Kind kind;
    const EncodedResponse* response = nullptr;  // for Answer
  };
  // `name` lowercase wire form, inside one of the apexes.
  Result lookup(std::string_view name, uint16_t qtype);
  bool exists(std::string_view name) const;

  // The apex whose SOA answers negatively for `name` (a suffix of it), or
  // empty when the name is outside every apex this index serves.
  std::string_view apex_of(std::string_view name) const;
  bool in_cluster_zone(std::string_view name) const;
  const std::string& zone() const { return zone_; }
  uint32_t ttl() const { return ttl_; }
  const std::string& soa_rdata() const { return soa_rdata_; }

  size_t name_count() const { return names_.size(); }
  size_t record_count() const { return record_count_; }

 private:
  // Records packed into one string per name ([type u16][refs u16][len u16]
  // [rdata]...): most names hold one record, which then fits the string's
  // inline buffer, and 100k endpoints cost no allocation per record.
  struct Entry {
    std::string recs;
    uint32_t children = 0;  // existing names directly below
    uint32_t pins = 0;
    std::unique_ptr<std::vector<std::pair<uint16_t, std::unique_ptr<EncodedResponse>>>> prepared;
    bool exists() const { return !recs.empty() || children || pins; }
  };
  using Map = std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>;

  void add_record(const ZoneRecord& r);
  void remove_record(const ZoneRecord& r);
  void existence_changed(const std::string& name, bool existed);
  bool is_apex(std::string_view name) const;
  const EncodedResponse* prepare(std::string_view name, Entry& e, uint16_t qtype);

  std::string zone_;
  uint32_t ttl_;
  std::string soa_rdata_;
  std::vector<std::string> apexes_;
  Map names_;
  // Each owner's records, sorted and packed ([name len u8][name][type u16]
  // [rdata len u16][rdata]...), to diff the next update against.
  std::unordered_map<std::string, std::string> owners_;
  size_t record_count_ = 0;
  std::unique_ptr<EncodedResponse> transient_;  // last answer not worth keeping
};

}  // namespace skiff::dns
