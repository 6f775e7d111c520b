#include "skiff/client/store.h"

#include <mutex>

namespace skiff::client {

namespace {
const nlohmann::json* metadata_field(const nlohmann::json& object, const char* name) {
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return nullptr;
  auto it = md->find(name);
  return it == md->end() ? nullptr : &*it;
}
}  // namespace

std::string object_key(const nlohmann::json& object) {
  std::string name;
  if (auto* n = metadata_field(object, "name"); n && n->is_string()) name = n->get<std::string>();
  if (auto* ns = metadata_field(object, "namespace"); ns && ns->is_string() && !ns->get_ref<const std::string&>().empty()) {
    return ns->get<std::string>() + "/" + name;
  }
  return name;
}

IndexFunc namespace_index() {
  return [](const nlohmann::json& object) -> std::vector<std::string> {
    auto* ns = metadata_field(object, "namespace");
    if (ns && ns->is_string()) return {ns->get<std::string>()};
    return {};
  };
}

IndexFunc label_index(std::string label_key) {
  return [key = std::move(label_key)](const nlohmann::json& object) -> std::vector<std::string> {
    auto* labels = metadata_field(object, "labels");
    if (!labels || !labels->is_object()) return {};
    auto it = labels->find(key);
    if (it == labels->end() || !it->is_string()) return {};
    return {it->get<std::string>()};
  };
}

IndexFunc labels_index() {
  return [](const nlohmann::json& object) -> std::vector<std::string> {
    std::vector<std::string> out;
    auto* labels = metadata_field(object, "labels");
    if (!labels || !labels->is_object()) return out;
    for (const auto& [k, v] : labels->items()) {
      if (v.is_string()) out.push_back(k + "=" + v.get<std::string>());
    }
    return out;
  };
}

void Store::index_add(const std::string& key, const nlohmann::json& object) {
  for (auto& [name, index] : indexes_) {
    for (auto& value : index.fn(object)) index.keys_by_value[value].insert(key);
  }
}

void Store::index_remove(const std::string& key, const nlohmann::json& object) {
  for (auto& [name, index] : indexes_) {
    for (auto& value : index.fn(object)) {
      auto it = index.keys_by_value.find(value);
      if (it == index.keys_by_value.end()) continue;
      it->second.erase(key);
      if (it->second.empty()) index.keys_by_value.erase(it);
    }
  }
}

void Store::add_indexer(const std::string& name, IndexFunc fn) {
  std::unique_lock lock(mu_);
  Index& index = indexes_[name];
  index.fn = std::move(fn);
  index.keys_by_value.clear();
  for (const auto& [key, object] : items_) {
    for (auto& value : index.fn(*object)) index.keys_by_value[value].insert(key);
  }
}

ObjectPtr Store::upsert(ObjectPtr object) {
  std::string key = object_key(*object);
  std::unique_lock lock(mu_);
  auto [it, inserted] = items_.try_emplace(key, nullptr);
  ObjectPtr previous = std::move(it->second);
  if (previous) index_remove(key, *previous);
  it->second = std::move(object);
  index_add(key, *it->second);
  return previous;
}

ObjectPtr Store::erase(const std::string& key) {
  std::unique_lock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  ObjectPtr previous = std::move(it->second);
  items_.erase(it);
  index_remove(key, *previous);
  return previous;
}

ObjectPtr Store::get(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Store::list() const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(items_.size());
  for (const auto& [key, object] : items_) out.push_back(object);
  return out;
}

std::vector<std::string> Store::keys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [key, object] : items_) out.push_back(key);
  return out;
}

size_t Store::size() const {
  std::shared_lock lock(mu_);
  return items_.size();
}

std::vector<ObjectPtr> Store::by_index(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mu_);
  std::vector<ObjectPtr> out;
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return out;
  auto keys = idx->second.keys_by_value.find(value);
  if (keys == idx->second.keys_by_value.end()) return out;
  for (const auto& key : keys->second) {
    if (auto it = items_.find(key); it != items_.end()) out.push_back(it->second);
  }
  return out;
}

std::vector<std::string> Store::index_values(const std::string& index) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return out;
  for (const auto& [value, keys] : idx->second.keys_by_value) out.push_back(value);
  return out;
}

}  // namespace skiff::client
