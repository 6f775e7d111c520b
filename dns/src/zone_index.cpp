#include "skiff/dns/zone_index.h"

#include <algorithm>

#include "skiff/dns/message_builder.h"
#include "skiff/dns/name.h"

namespace skiff::dns {

namespace {

uint16_t rd16(const char* p) { return static_cast<uint16_t>(uint8_t(p[0]) << 8 | uint8_t(p[1])); }
void wr16(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v));
}
void set16(char* p, uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}

// Visits the packed records of an entry: f(offset, type, refs, rdata).
template <typename F>
void each_rec(const std::string& recs, F&& f) {
  size_t i = 0;
  while (i + 6 <= recs.size()) {
    const uint16_t type = rd16(&recs[i]), refs = rd16(&recs[i + 2]), len = rd16(&recs[i + 4]);
    if (!f(i, type, refs, std::string_view(recs).substr(i + 6, len))) return;
    i += 6 + len;
  }
}

size_t find_rec(const std::string& recs, uint16_t type, std::string_view rdata) {
  size_t found = std::string::npos;
  each_rec(recs, [&](size_t at, uint16_t t, uint16_t, std::string_view rd) {
    if (t == type && rd == rdata) found = at;
    return found == std::string::npos;
  });
  return found;
}

std::string pack_records(const std::vector<ZoneRecord>& rs) {
  std::string out;
  for (const auto& r : rs) {
    out.push_back(static_cast<char>(r.name.size()));
    out.append(r.name);
    wr16(out, r.type);
    wr16(out, static_cast<uint16_t>(r.rdata.size()));
    out.append(r.rdata);
  }
  out.shrink_to_fit();
  return out;
}

std::vector<ZoneRecord> unpack_records(std::string_view s) {
  std::vector<ZoneRecord> out;
  size_t i = 0;
  while (i < s.size()) {
    ZoneRecord r;
    const size_t nlen = static_cast<uint8_t>(s[i]);
    r.name = s.substr(i + 1, nlen);
    i += 1 + nlen;
    r.type = rd16(&s[i]);
    const size_t rlen = rd16(&s[i + 2]);
    r.rdata = s.substr(i + 4, rlen);
    i += 4 + rlen;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

ZoneIndex::ZoneIndex(std::string zone, uint32_t ttl, uint32_t soa_serial) : zone_(std::move(zone)), ttl_(ttl) {
  const std::string ns = *prepend_label("dns", zone_);
  soa_rdata_ = rdata_soa(*prepend_label("ns", ns), *prepend_label("hostmaster", zone_), soa_serial, 7200, 1800,
                         86400, ttl_);
  apexes_ = {zone_, *name_from_text("in-addr.arpa"), *name_from_text("ip6.arpa")};
  for (const auto& a : apexes_) pin(a);
  pin(*prepend_label("svc", zone_));
  pin(*prepend_label("pod", zone_));
  // The zone's own SOA and NS, as CoreDNS serves them at the apex.
  set_records("zone:apex", {{zone_, rrtype::SOA, soa_rdata_},
                            {zone_, rrtype::NS, *prepend_label("ns", ns)}});
}

bool ZoneIndex::is_apex(std::string_view name) const {
  return std::find(apexes_.begin(), apexes_.end(), name) != apexes_.end();
}

std::string_view ZoneIndex::apex_of(std::string_view name) const {
  for (const auto& a : apexes_)
    if (name_in_zone(name, a)) return a;
  return {};
}

bool ZoneIndex::in_cluster_zone(std::string_view name) const { return name_in_zone(name, zone_); }

bool ZoneIndex::exists(std::string_view name) const {
  auto it = names_.find(name);
  return it != names_.end() && it->second.exists();
}

void ZoneIndex::existence_changed(const std::string& name, bool existed) {
  auto it = names_.find(name);
  const bool now = it != names_.end() && it->second.exists();
  if (now == existed) return;
  if (!now && it != names_.end()) names_.erase(it);
  if (is_apex(name) || name.size() <= 1) return;
  std::string parent(parent_name(name));
  const bool parent_existed = exists(parent);
  Entry& p = names_[parent];
  if (now) {
    ++p.children;
  } else if (p.children > 0) {
    --p.children;
  }
  existence_changed(parent, parent_existed);
}

void ZoneIndex::pin(const std::string& name) {
  const bool was = exists(name);
  ++names_[name].pins;
  existence_changed(name, was);
}

void ZoneIndex::unpin(const std::string& name) {
  auto it = names_.find(name);
  if (it == names_.end() || it->second.pins == 0) return;
  const bool was = it->second.exists();
  --it->second.pins;
  existence_changed(name, was);
}

void ZoneIndex::add_record(const ZoneRecord& r) {
  const bool was = exists(r.name);
  Entry& e = names_[r.name];
  if (size_t at = find_rec(e.recs, r.type, r.rdata); at != std::string::npos) {
    set16(&e.recs[at + 2], static_cast<uint16_t>(rd16(&e.recs[at + 2]) + 1));
    return;
  }
  if (r.rdata.size() > 65535) return;
  wr16(e.recs, r.type);
  wr16(e.recs, 1);
  wr16(e.recs, static_cast<uint16_t>(r.rdata.size()));
  e.recs.append(r.rdata);
  ++record_count_;
  existence_changed(r.name, was);
}

void ZoneIndex::remove_record(const ZoneRecord& r) {
  auto eit = names_.find(r.name);
  if (eit == names_.end()) return;
  Entry& e = eit->second;
  const size_t at = find_rec(e.recs, r.type, r.rdata);
  if (at == std::string::npos) return;
  const uint16_t refs = rd16(&e.recs[at + 2]);
  if (refs > 1) {
    set16(&e.recs[at + 2], static_cast<uint16_t>(refs - 1));
    return;
  }
  e.recs.erase(at, 6 + r.rdata.size());
  if (e.recs.capacity() > 2 * e.recs.size() + 16) e.recs.shrink_to_fit();
  --record_count_;
  existence_changed(r.name, true);
}

void ZoneIndex::set_records(const std::string& owner, std::vector<ZoneRecord> records) {
  std::sort(records.begin(), records.end());
  records.erase(std::unique(records.begin(), records.end()), records.end());
  auto oit = owners_.find(owner);
  const std::vector<ZoneRecord> old = oit == owners_.end() ? std::vector<ZoneRecord>{} : unpack_records(oit->second);
  if (old == records) return;

  std::vector<ZoneRecord> removed, added;
  std::set_difference(old.begin(), old.end(), records.begin(), records.end(), std::back_inserter(removed));
  std::set_difference(records.begin(), records.end(), old.begin(), old.end(), std::back_inserter(added));
  for (const auto& r : removed) remove_record(r);
  for (const auto& r : added) add_record(r);
  // Prepared answers of every name of this owner may embed changed data
  // (e.g. SRV additional records), so drop them; other owners keep theirs.
  auto drop = [&](const std::vector<ZoneRecord>& rs) {
    for (const auto& r : rs) {
      if (auto it = names_.find(r.name); it != names_.end()) it->second.prepared.reset();
    }
  };
  drop(old);
  drop(records);
  if (records.empty()) {
    if (oit != owners_.end()) owners_.erase(oit);
  } else if (oit != owners_.end()) {
    oit->second = pack_records(records);
  } else {
    owners_.emplace(owner, pack_records(records));
  }
}

ZoneIndex::Result ZoneIndex::lookup(std::string_view name, uint16_t qtype) {
  auto it = names_.find(name);
  if (it == names_.end() || !it->second.exists()) return {Kind::NxDomain};
  Entry& e = it->second;
  if (e.prepared)
    for (auto& [t, resp] : *e.prepared)
      if (t == qtype) return {Kind::Answer, resp.get()};
  const EncodedResponse* r = prepare(name, e, qtype);
  return r ? Result{Kind::Answer, r} : Result{Kind::NoData};
}

const EncodedResponse* ZoneIndex::prepare(std::string_view name, Entry& e, uint16_t qtype) {
  auto has = [&](const Entry& x, uint16_t t) {
    bool found = false;
    each_rec(x.recs, [&](size_t, uint16_t type, uint16_t, std::string_view) { return !(found = type == t); });
    return found;
  };
  uint16_t answer_type = qtype;
  if (qtype == rrtype::ANY || qtype == rrtype::OPT) return nullptr;  // NODATA, as CoreDNS does
  if (!has(e, qtype)) {
    if (qtype == rrtype::CNAME || !has(e, rrtype::CNAME)) return nullptr;
    answer_type = rrtype::CNAME;
  }
  MessageBuilder b(name, qtype, rrclass::IN, flag::AA);
  std::vector<std::string_view> targets;
  each_rec(e.recs, [&](size_t, uint16_t type, uint16_t, std::string_view rdata) {
    if (type != answer_type) return true;
    b.add(Section::Answer, name, type, rrclass::IN, ttl_, rdata);
    if (type == rrtype::SRV && rdata.size() > 6) targets.push_back(rdata.substr(6));
    if (type == rrtype::CNAME) targets.push_back(rdata);
    return true;
  });
  std::string chase;
  bool keep = true;
  if (answer_type == rrtype::CNAME && qtype != rrtype::CNAME) {
    // One CNAME per name; follow it inside the zone, or let the server chase it.
    const std::string_view target = targets.empty() ? std::string_view{} : targets.front();
    auto t = names_.find(target);
    if (t != names_.end()) {
      each_rec(t->second.recs, [&](size_t, uint16_t type, uint16_t, std::string_view rdata) {
        if (type == qtype) b.add(Section::Answer, target, type, rrclass::IN, ttl_, rdata);
        return true;
      });
      keep = false;  // embeds another owner's records: rebuild on every query
    } else if (!apex_of(target).size()) {
      chase = std::string(target);
    }
  } else if (answer_type == rrtype::SRV) {
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    for (auto target : targets) {
      auto t = names_.find(target);
      if (t == names_.end()) continue;
      each_rec(t->second.recs, [&](size_t, uint16_t type, uint16_t, std::string_view rdata) {
        if (type == rrtype::A || type == rrtype::AAAA) b.add(Section::Additional, target, type, rrclass::IN, ttl_, rdata);
        return true;
      });
    }
  }
  auto resp = std::make_unique<EncodedResponse>(std::move(b).finish());
  resp->chase_target = std::move(chase);
  if (!keep) {
    transient_ = std::move(resp);
    return transient_.get();
  }
  if (!e.prepared) e.prepared = std::make_unique<std::vector<std::pair<uint16_t, std::unique_ptr<EncodedResponse>>>>();
  e.prepared->emplace_back(qtype, std::move(resp));
  return e.prepared->back().second.get();
}

}  // namespace skiff::dns
