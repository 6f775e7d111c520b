// The informer's cache: objects keyed "namespace/name" (or "name" when
// cluster scoped), with named indexes (by namespace, by a label, custom).
// Thread-safe: one writer (the informer) and any number of readers. Objects
// are shared immutable JSON, so a reader's copy is a pointer, not a tree.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace skiff::client {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;
// The values an object is indexed under (none, one or several).
using IndexFunc = std::function<std::vector<std::string>(const nlohmann::json&)>;

// "namespace/name", or "name" for cluster-scoped objects.
std::string object_key(const nlohmann::json& object);

IndexFunc namespace_index();                     // metadata.namespace
IndexFunc label_index(std::string label_key);    // the value of one label, when present
IndexFunc labels_index();                        // every "key=value" label pair

class Store {
 public:
  // Indexes existing objects too.
  void add_indexer(const std::string& name, IndexFunc fn);

  // Insert or replace; returns the previous object (null when new).
  ObjectPtr upsert(ObjectPtr object);
  // Returns the removed object (null when absent).
  ObjectPtr erase(const std::string& key);

  ObjectPtr get(const std::string& key) const;
  std::vector<ObjectPtr> list() const;
  std::vector<std::string> keys() const;
  size_t size() const;
  // Objects indexed under `value` by the named index (empty for an unknown index).
  std::vector<ObjectPtr> by_index(const std::string& index, const std::string& value) const;
  std::vector<std::string> index_values(const std::string& index) const;

 private:
  struct Index {
    IndexFunc fn;
    std::unordered_map<std::string, std::set<std::string>> keys_by_value;
  };
  void index_add(const std::string& key, const nlohmann::json& object);
  void index_remove(const std::string& key, const nlohmann::json& object);

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, ObjectPtr> items_;
  std::map<std::string, Index> indexes_;
};

}  // namespace skiff::client
