// What a reflector needs from the API: list one page, watch from a version.
// The HTTP client implements it (ResourceListerWatcher); tests feed reflectors
// through doubles of this interface.
#pragma once
#include <functional>
#include <stop_token>

#include "skiff/client/client.h"

namespace skiff::client {

class ListerWatcher {
 public:
  virtual ~ListerWatcher() = default;
  virtual ApiResult<ObjectList> list(const ListOptions& options) = 0;
  // Blocks while the stream lasts, calling on_event per event on the calling
  // thread; returns success when the stream ends normally or `stop` fires.
  virtual ApiResult<void> watch(const WatchOptions& options, const std::function<void(WatchEvent&&)>& on_event,
                                std::stop_token stop) = 0;
};

// One resource (optionally one namespace and selectors) through a Client.
class ResourceListerWatcher final : public ListerWatcher {
 public:
  ResourceListerWatcher(Client& client, GroupVersionResource gvr, std::string namespace_ = "",
                        std::string label_selector = "", std::string field_selector = "");
  ApiResult<ObjectList> list(const ListOptions& options) override;
  ApiResult<void> watch(const WatchOptions& options, const std::function<void(WatchEvent&&)>& on_event,
                        std::stop_token stop) override;

 private:
  Client& client_;
  ResourceRef collection_;
  std::string label_selector_;
  std::string field_selector_;
};

}  // namespace skiff::client
