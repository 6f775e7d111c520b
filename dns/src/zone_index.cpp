#include "skiff/dns/zone_index.h"

#include <algorithm>

#include "skiff/dns/message_builder.h"
#include "skiff/dns/name.h"

namespace skiff::dns {

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
  auto it = std::find_if(e.recs.begin(), e.recs.end(),
                         [&](const Entry::Rec& x) { return x.type == r.type && x.rdata == r.rdata; });
  if (it != e.recs.end()) {
    ++it->refs;
    return;
  }
  e.recs.push_back({r.type, 1, r.rdata});
  ++record_count_;
  existence_changed(r.name, was);
}

void ZoneIndex::remove_record(const ZoneRecord& r) {
  auto eit = names_.find(r.name);
  if (eit == names_.end()) return;
  Entry& e = eit->second;
  auto it = std::find_if(e.recs.begin(), e.recs.end(),
                         [&](const Entry::Rec& x) { return x.type == r.type && x.rdata == r.rdata; });
  if (it == e.recs.end() || --it->refs > 0) return;
  e.recs.erase(it);
  --record_count_;
  existence_changed(r.name, true);
}

void ZoneIndex::set_records(const std::string& owner, std::vector<ZoneRecord> records) {
  std::sort(records.begin(), records.end());
  records.erase(std::unique(records.begin(), records.end()), records.end());
  auto oit = owners_.find(owner);
  static const std::vector<ZoneRecord> kNone;
  const std::vector<ZoneRecord>& old = oit == owners_.end() ? kNone : oit->second;
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
      if (auto it = names_.find(r.name); it != names_.end()) it->second.prepared.clear();
    }
  };
  drop(old);
  drop(records);
  if (records.empty()) {
    if (oit != owners_.end()) owners_.erase(oit);
  } else if (oit != owners_.end()) {
    oit->second = std::move(records);
  } else {
    owners_.emplace(owner, std::move(records));
  }
}

ZoneIndex::Result ZoneIndex::lookup(std::string_view name, uint16_t qtype) {
  auto it = names_.find(name);
  if (it == names_.end() || !it->second.exists()) return {Kind::NxDomain};
  Entry& e = it->second;
  for (auto& [t, resp] : e.prepared)
    if (t == qtype) return {Kind::Answer, resp.get()};
  const EncodedResponse* r = prepare(name, e, qtype);
  return r ? Result{Kind::Answer, r} : Result{Kind::NoData};
}

const EncodedResponse* ZoneIndex::prepare(std::string_view name, Entry& e, uint16_t qtype) {
  auto has = [&](const Entry& x, uint16_t t) {
    return std::any_of(x.recs.begin(), x.recs.end(), [&](const Entry::Rec& r) { return r.type == t; });
  };
  uint16_t answer_type = qtype;
  if (qtype == rrtype::ANY || qtype == rrtype::OPT) return nullptr;  // NODATA, as CoreDNS does
  if (!has(e, qtype)) {
    if (qtype == rrtype::CNAME || !has(e, rrtype::CNAME)) return nullptr;
    answer_type = rrtype::CNAME;
  }
  MessageBuilder b(name, qtype, rrclass::IN, flag::AA);
  std::vector<std::string_view> targets;
  for (const auto& r : e.recs) {
    if (r.type != answer_type) continue;
    b.add(Section::Answer, name, r.type, rrclass::IN, ttl_, r.rdata);
    if (r.type == rrtype::SRV && r.rdata.size() > 6) targets.push_back(std::string_view(r.rdata).substr(6));
    if (r.type == rrtype::CNAME) targets.push_back(r.rdata);
  }
  std::string chase;
  if (answer_type == rrtype::CNAME && qtype != rrtype::CNAME) {
    // One CNAME per name; follow it inside the zone, or let the server chase it.
    const std::string_view target = targets.empty() ? std::string_view{} : targets.front();
    auto t = names_.find(target);
    if (t != names_.end()) {
      for (const auto& r : t->second.recs)
        if (r.type == qtype) b.add(Section::Answer, target, r.type, rrclass::IN, ttl_, r.rdata);
    } else if (!apex_of(target).size()) {
      chase = std::string(target);
    }
  } else if (answer_type == rrtype::SRV) {
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    for (auto target : targets) {
      auto t = names_.find(target);
      if (t == names_.end()) continue;
      for (const auto& r : t->second.recs)
        if (r.type == rrtype::A || r.type == rrtype::AAAA)
          b.add(Section::Additional, target, r.type, rrclass::IN, ttl_, r.rdata);
    }
  }
  auto resp = std::make_unique<EncodedResponse>(std::move(b).finish());
  resp->chase_target = std::move(chase);
  e.prepared.emplace_back(qtype, std::move(resp));
  return e.prepared.back().second.get();
}

}  // namespace skiff::dns
