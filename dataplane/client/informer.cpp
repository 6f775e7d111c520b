#include "skiff/client/informer.h"

#include <unordered_set>

#include <spdlog/spdlog.h>

namespace skiff::client {

namespace {
std::string resource_version_of(const nlohmann::json& object) {
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return {};
  auto rv = md->find("resourceVersion");
  return rv != md->end() && rv->is_string() ? rv->get<std::string>() : std::string();
}

// A handler that throws must not take the informer down with it.
template <class F>
void guarded(const char* what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    spdlog::error("informer: {} handler threw: {}", what, e.what());
  }
}
}  // namespace

void InformerOptions::drop_managed_fields(nlohmann::json& object) {
  if (auto md = object.find("metadata"); md != object.end() && md->is_object()) md->erase("managedFields");
}

SharedInformer::SharedInformer(std::unique_ptr<ListerWatcher> lister_watcher, InformerOptions options)
    : lw_(std::move(lister_watcher)), options_(std::move(options)), reflector_(*lw_, *this, options_.reflector) {}

SharedInformer::~SharedInformer() { stop(); }

ObjectPtr SharedInformer::prepare(nlohmann::json&& object) const {
  if (options_.transform) options_.transform(object);
  return std::make_shared<const nlohmann::json>(std::move(object));
}

size_t SharedInformer::add_event_handler(EventHandler handler) {
  std::lock_guard lock(delivery_mu_);
  if (handler.on_add) {
    for (const auto& object : store_.list()) guarded("add", [&] { handler.on_add(object); });
  }
  size_t id = next_handler_id_++;
  handlers_.emplace_back(id, std::move(handler));
  return id;
}

void SharedInformer::remove_event_handler(size_t id) {
  std::lock_guard lock(delivery_mu_);
  std::erase_if(handlers_, [id](const auto& h) { return h.first == id; });
}

void SharedInformer::replace(std::vector<nlohmann::json>&& items, const std::string& /*resource_version*/) {
  std::lock_guard lock(delivery_mu_);
  std::unordered_set<std::string> listed;
  listed.reserve(items.size());
  for (auto& item : items) {
    ObjectPtr object = prepare(std::move(item));
    std::string key = object_key(*object);
    listed.insert(key);
    ObjectPtr old = store_.upsert(object);
    for (auto& [id, h] : handlers_) {
      if (!old) {
        if (h.on_add) guarded("add", [&] { h.on_add(object); });
      } else if (resource_version_of(*old) != resource_version_of(*object)) {
        // Same version: nothing changed while the watch was down; stay quiet.
        if (h.on_update) guarded("update", [&] { h.on_update(old, object); });
      }
    }
  }
  items.clear();
  // Gone while we were not watching: the final state is unknown.
  for (const auto& key : store_.keys()) {
    if (listed.contains(key)) continue;
    ObjectPtr old = store_.erase(key);
    DeletedObject deleted{key, old, true};
    for (auto& [id, h] : handlers_) {
      if (h.on_delete) guarded("delete", [&] { h.on_delete(deleted); });
    }
  }
  std::lock_guard sync_lock(sync_mu_);
  if (!synced_) {
    synced_ = true;
    sync_cv_.notify_all();
  }
}

void SharedInformer::apply(WatchEvent&& event) {
  std::lock_guard lock(delivery_mu_);
  if (event.type == WatchEventType::Deleted) {
    ObjectPtr last = prepare(std::move(event.object));
    std::string key = object_key(*last);
    store_.erase(key);
    DeletedObject deleted{key, last, false};
    for (auto& [id, h] : handlers_) {
      if (h.on_delete) guarded("delete", [&] { h.on_delete(deleted); });
    }
    return;
  }
  ObjectPtr object = prepare(std::move(event.object));
  ObjectPtr old = store_.upsert(object);
  for (auto& [id, h] : handlers_) {
    if (old) {
      if (h.on_update) guarded("update", [&] { h.on_update(old, object); });
    } else if (h.on_add) {
      guarded("add", [&] { h.on_add(object); });
    }
  }
}

void SharedInformer::resync() {
  std::lock_guard lock(delivery_mu_);
  for (const auto& object : store_.list()) {
    for (auto& [id, h] : handlers_) {
      if (h.on_update) guarded("update", [&] { h.on_update(object, object); });
    }
  }
}

void SharedInformer::resync_loop(std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  while (!cv.wait_for(lock, stop, options_.resync_period, [] { return false; })) {
    if (stop.stop_requested()) return;
    if (has_synced()) resync();
  }
}

void SharedInformer::run(std::stop_token stop) {
  std::jthread resync_thread;
  if (options_.resync_period.count() > 0) {
    resync_thread = std::jthread([this, stop](std::stop_token) { resync_loop(stop); });
  }
  reflector_.run(stop);
}

void SharedInformer::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void SharedInformer::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

bool SharedInformer::has_synced() const {
  std::lock_guard lock(sync_mu_);
  return synced_;
}

bool SharedInformer::wait_for_sync(std::stop_token stop) const {
  std::unique_lock lock(sync_mu_);
  sync_cv_.wait(lock, stop, [this] { return synced_; });
  return synced_;
}

// --- factory -----------------------------------------------------------------

SharedInformerFactory::SharedInformerFactory(ListerWatcherFactory make, InformerOptions defaults)
    : make_(std::move(make)), defaults_(std::move(defaults)) {}

std::unique_ptr<SharedInformerFactory> SharedInformerFactory::for_client(Client& client, std::string namespace_,
                                                                         InformerOptions defaults) {
  return std::make_unique<SharedInformerFactory>(
      [&client, namespace_](const GroupVersionResource& gvr) -> std::unique_ptr<ListerWatcher> {
        return std::make_unique<ResourceListerWatcher>(client, gvr, namespace_);
      },
      std::move(defaults));
}

SharedInformerFactory::~SharedInformerFactory() { shutdown(); }

std::shared_ptr<SharedInformer> SharedInformerFactory::informer(const GroupVersionResource& gvr) {
  std::lock_guard lock(mu_);
  auto& slot = informers_[gvr];
  if (!slot) {
    InformerOptions options = defaults_;
    if (options.reflector.name.empty()) options.reflector.name = gvr.str();
    slot = std::make_shared<SharedInformer>(make_(gvr), std::move(options));
  }
  return slot;
}

void SharedInformerFactory::start() {
  std::lock_guard lock(mu_);
  for (auto& [gvr, informer] : informers_) {
    if (started_.insert(gvr).second) informer->start();
  }
}

bool SharedInformerFactory::wait_for_cache_sync(std::stop_token stop) {
  std::vector<std::shared_ptr<SharedInformer>> started;
  {
    std::lock_guard lock(mu_);
    for (auto& [gvr, informer] : informers_) {
      if (started_.contains(gvr)) started.push_back(informer);
    }
  }
  for (auto& informer : started) {
    if (!informer->wait_for_sync(stop)) return false;
  }
  return true;
}

void SharedInformerFactory::shutdown() {
  std::map<GroupVersionResource, std::shared_ptr<SharedInformer>> informers;
  {
    std::lock_guard lock(mu_);
    informers = informers_;
  }
  for (auto& [gvr, informer] : informers) informer->stop();
}

}  // namespace skiff::client
