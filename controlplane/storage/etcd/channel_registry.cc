#include "storage/etcd/channel_registry.h"

#include <map>
#include <mutex>

namespace skiff::storage::etcd {

std::shared_ptr<grpc::Channel> channel_for(const std::string& endpoint) {
  static std::mutex mutex;
  // Leaked on purpose: outlives every store, also during static destruction.
  static auto* channels = new std::map<std::string, std::shared_ptr<grpc::Channel>>();
  std::lock_guard lock(mutex);
  auto& channel = (*channels)[endpoint];
  if (!channel) {
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(-1);  // LIST of many objects exceeds the 4 MB default
    arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
    channel = grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), arguments);
  }
  return channel;
}

}  // namespace skiff::storage::etcd
