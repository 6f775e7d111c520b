#include "skiff/kube/object_cache.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace skiff::kube {

namespace {

std::string service_key_of(const EndpointSlice& slice) {
  if (slice.service_name.empty()) return {};
  return slice.meta.ns + "/" + slice.service_name;
}

}  // namespace

void ObjectCache::upsert(Service service) {
  std::string key = service.meta.key();
  services_.insert_or_assign(key, std::move(service));
  // service_key repeats the key so consumers can group every event by service.
  pending_.push_back({Kind::Service, key, key});
}

void ObjectCache::upsert(EndpointSlice slice) {
  std::string key = slice.meta.key();
  std::string new_service = service_key_of(slice);
  std::string old_service;
  if (auto it = slices_.find(key); it != slices_.end()) old_service = service_key_of(it->second);

  if (old_service != new_service) {
    unlink_slice(old_service, key);
    if (!old_service.empty()) pending_.push_back({Kind::EndpointSlice, key, old_service});
  }
  if (!new_service.empty()) link_slice(new_service, key);
  slices_.insert_or_assign(key, std::move(slice));
  pending_.push_back({Kind::EndpointSlice, key, new_service});
}

void ObjectCache::upsert(Pod pod) {
  std::string key = pod.meta.key();
  pods_.insert_or_assign(key, std::move(pod));
  pending_.push_back({Kind::Pod, key, {}});
}

void ObjectCache::upsert(Namespace ns) {
  std::string key = ns.meta.key();
  namespaces_.insert_or_assign(key, std::move(ns));
  pending_.push_back({Kind::Namespace, key, {}});
}

void ObjectCache::erase(Kind kind, const std::string& key) {
  switch (kind) {
    case Kind::Service:
      if (services_.erase(key) > 0) pending_.push_back({Kind::Service, key, key});
      break;
    case Kind::EndpointSlice: {
      auto it = slices_.find(key);
      if (it == slices_.end()) break;
      std::string service = service_key_of(it->second);
      unlink_slice(service, key);
      slices_.erase(it);
      pending_.push_back({Kind::EndpointSlice, key, service});
      break;
    }
    case Kind::Pod:
      if (pods_.erase(key) > 0) pending_.push_back({Kind::Pod, key, {}});
      break;
    case Kind::Namespace:
      if (namespaces_.erase(key) > 0) pending_.push_back({Kind::Namespace, key, {}});
      break;
  }
}

void ObjectCache::link_slice(const std::string& service_key, const std::string& slice_key) {
  auto& keys = slices_by_service_[service_key];
  auto pos = std::lower_bound(keys.begin(), keys.end(), slice_key);
  if (pos == keys.end() || *pos != slice_key) keys.insert(pos, slice_key);
}

void ObjectCache::unlink_slice(const std::string& service_key, const std::string& slice_key) {
  auto entry = slices_by_service_.find(service_key);
  if (entry == slices_by_service_.end()) return;
  auto& keys = entry->second;
  auto pos = std::lower_bound(keys.begin(), keys.end(), slice_key);
  if (pos != keys.end() && *pos == slice_key) keys.erase(pos);
  if (keys.empty()) slices_by_service_.erase(entry);
}

void ObjectCache::commit() {
  if (pending_.empty()) return;
  // Detach the batch first: a listener that writes to the cache starts the
  // next batch instead of growing the one being delivered.
  std::vector<ObjectEvent> batch;
  batch.swap(pending_);
  std::set<std::tuple<Kind, std::string_view, std::string_view>> seen;
  std::vector<ObjectEvent> events;
  events.reserve(batch.size());
  for (const auto& event : batch) {
    if (seen.emplace(event.kind, event.key, event.service_key).second) events.push_back(event);
  }
  const auto listeners = listeners_;
  for (const auto& listener : listeners) listener(*this, events);
}

const Service* ObjectCache::service(const std::string& key) const {
  auto it = services_.find(key);
  return it == services_.end() ? nullptr : &it->second;
}

const Pod* ObjectCache::pod(const std::string& key) const {
  auto it = pods_.find(key);
  return it == pods_.end() ? nullptr : &it->second;
}

const Namespace* ObjectCache::ns(const std::string& name) const {
  auto it = namespaces_.find(name);
  return it == namespaces_.end() ? nullptr : &it->second;
}

std::vector<const EndpointSlice*> ObjectCache::slices_of(const std::string& service_key) const {
  std::vector<const EndpointSlice*> out;
  auto entry = slices_by_service_.find(service_key);
  if (entry == slices_by_service_.end()) return out;
  out.reserve(entry->second.size());
  for (const auto& key : entry->second) {
    if (auto it = slices_.find(key); it != slices_.end()) out.push_back(&it->second);
  }
  return out;
}

}  // namespace skiff::kube
