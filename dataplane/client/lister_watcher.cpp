#include "skiff/client/lister_watcher.h"

namespace skiff::client {

ResourceListerWatcher::ResourceListerWatcher(Client& client, GroupVersionResource gvr, std::string namespace_,
                                             std::string label_selector, std::string field_selector)
    : client_(client),
      collection_{std::move(gvr), std::move(namespace_), "", ""},
      label_selector_(std::move(label_selector)),
      field_selector_(std::move(field_selector)) {}

ApiResult<ObjectList> ResourceListerWatcher::list(const ListOptions& options) {
  ListOptions o = options;
  if (o.label_selector.empty()) o.label_selector = label_selector_;
  if (o.field_selector.empty()) o.field_selector = field_selector_;
  return client_.list(collection_, o);
}

ApiResult<void> ResourceListerWatcher::watch(const WatchOptions& options,
                                             const std::function<void(WatchEvent&&)>& on_event, std::stop_token stop) {
  WatchOptions o = options;
  if (o.label_selector.empty()) o.label_selector = label_selector_;
  if (o.field_selector.empty()) o.field_selector = field_selector_;
  return client_.watch(collection_, o, on_event, std::move(stop));
}

}  // namespace skiff::client
