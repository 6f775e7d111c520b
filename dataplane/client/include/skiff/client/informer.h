// A shared informer: one reflector feeding one Store, and event handlers
// told of every change (add, update with old and new, delete). A relist that
// no longer finds an object reports its deletion with the last known state
// and final_state_unknown set (client-go's DeletedFinalStateUnknown).
//
// Handlers run in order on the informer's thread and must be quick (enqueue
// a key into a work queue, then return). A handler added after the start
// first receives an add for every object already cached.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "skiff/client/reflector.h"
#include "skiff/client/store.h"

namespace skiff::client {

struct DeletedObject {
  std::string key;
  ObjectPtr object;                   // the last state the informer knew
  bool final_state_unknown = false;   // deletion noticed by a relist, not by a watch event
};

struct EventHandler {
  std::function<void(const ObjectPtr& object)> on_add;
  std::function<void(const ObjectPtr& old_object, const ObjectPtr& new_object)> on_update;
  std::function<void(const DeletedObject& deleted)> on_delete;
};

struct InformerOptions {
  // Every period, every cached object is delivered as an update (old == new)
  // so controllers re-check their work. Zero: never.
  std::chrono::milliseconds resync_period{0};
  ReflectorOptions reflector;
  // Applied to every object before it is cached, e.g. to drop fields the
  // consumer never reads. The default drops metadata.managedFields, which is
  // often the largest part of an object and read by nobody on the node.
  std::function<void(nlohmann::json&)> transform = drop_managed_fields;
  static void drop_managed_fields(nlohmann::json& object);
};

class SharedInformer final : private ReflectorSink {
 public:
  SharedInformer(std::unique_ptr<ListerWatcher> lister_watcher, InformerOptions options = {});
  ~SharedInformer() override;

  void add_indexer(const std::string& name, IndexFunc fn) { store_.add_indexer(name, std::move(fn)); }
  // Returns an id for remove_event_handler.
  size_t add_event_handler(EventHandler handler);
  void remove_event_handler(size_t id);

  // Runs the reflector (and resync) on the informer's own thread until stop().
  void start();
  void stop();
  // Blocking form of start(): runs on the calling thread until `stop` fires.
  void run(std::stop_token stop);

  // True once the first complete listing is in the store.
  bool has_synced() const;
  // Waits for has_synced(); false if `stop` fired first.
  bool wait_for_sync(std::stop_token stop) const;

  const Store& store() const { return store_; }
  const Reflector& reflector() const { return reflector_; }

 private:
  void replace(std::vector<nlohmann::json>&& items, const std::string& resource_version) override;
  void apply(WatchEvent&& event) override;
  void resync();
  void resync_loop(std::stop_token stop);
  ObjectPtr prepare(nlohmann::json&& object) const;

  std::unique_ptr<ListerWatcher> lw_;
  InformerOptions options_;
  Store store_;
  Reflector reflector_;

  // Held while the store changes and handlers run, so handlers see changes
  // in order and a new handler's catch-up adds do not interleave with them.
  std::mutex delivery_mu_;
  std::vector<std::pair<size_t, EventHandler>> handlers_;
  size_t next_handler_id_ = 1;

  mutable std::mutex sync_mu_;
  mutable std::condition_variable_any sync_cv_;
  bool synced_ = false;

  std::jthread thread_;
};

// Several consumers share one informer (one watch) per resource.
class SharedInformerFactory {
 public:
  using ListerWatcherFactory = std::function<std::unique_ptr<ListerWatcher>(const GroupVersionResource&)>;
  explicit SharedInformerFactory(ListerWatcherFactory make, InformerOptions defaults = {});
  // Watches through `client`, in one namespace or (empty) all of them.
  static std::unique_ptr<SharedInformerFactory> for_client(Client& client, std::string namespace_ = "",
                                                           InformerOptions defaults = {});
  ~SharedInformerFactory();

  // The informer of this resource, created on first request.
  std::shared_ptr<SharedInformer> informer(const GroupVersionResource& gvr);
  // Starts the informers not started yet (safe to call again after adding more).
  void start();
  // Waits until every started informer has synced; false if `stop` fired first.
  bool wait_for_cache_sync(std::stop_token stop);
  void shutdown();

 private:
  ListerWatcherFactory make_;
  InformerOptions defaults_;
  std::mutex mu_;
  std::map<GroupVersionResource, std::shared_ptr<SharedInformer>> informers_;
  std::set<GroupVersionResource> started_;
};

}  // namespace skiff::client
