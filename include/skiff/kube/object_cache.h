// The node side's view of the cluster: the latest Services, EndpointSlices,
// Pods and Namespaces, written by a source (the static manifest directory or
// the API server's informers) and read by consumers (the load balancer, DNS).
// Single-threaded: sources and consumers run on the agent's event loop.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "skiff/kube/objects.h"

namespace skiff::kube {

enum class Kind : uint8_t { Service, EndpointSlice, Pod, Namespace };

struct ObjectEvent {
  Kind kind;
  std::string key;  // "ns/name" of the object that changed or went away
  // EndpointSlice events: the service ("ns/name") the slice belongs or
  // belonged to (both, as two events, when its service label changed).
  std::string service_key;
};

class ObjectCache {
 public:
  // Called once per commit() with the objects that changed since the last one
  // (not called when nothing changed). Service events carry the service's own
  // key in service_key too; Pod and Namespace events leave it empty.
  using Listener = std::function<void(const ObjectCache&, const std::vector<ObjectEvent>&)>;

  void upsert(Service);
  void upsert(EndpointSlice);
  void upsert(Pod);
  void upsert(Namespace);
  void erase(Kind, const std::string& key);

  // Delivers pending events to listeners. `synced` marks that the source has
  // delivered a complete initial state (DNS answers SERVFAIL before that).
  void commit();
  void mark_synced() { synced_ = true; }
  bool synced() const { return synced_; }

  void subscribe(Listener listener) { listeners_.push_back(std::move(listener)); }

  const Service* service(const std::string& key) const;
  const Pod* pod(const std::string& key) const;
  const Namespace* ns(const std::string& name) const;
  // The slices labelled with this service (key "ns/name"), in name order.
  std::vector<const EndpointSlice*> slices_of(const std::string& service_key) const;

  const std::map<std::string, Service>& services() const { return services_; }
  const std::map<std::string, EndpointSlice>& endpoint_slices() const { return slices_; }
  const std::map<std::string, Pod>& pods() const { return pods_; }
  const std::map<std::string, Namespace>& namespaces() const { return namespaces_; }

 private:
  void link_slice(const std::string& service_key, const std::string& slice_key);
  void unlink_slice(const std::string& service_key, const std::string& slice_key);

  std::map<std::string, Service> services_;
  std::map<std::string, EndpointSlice> slices_;
  std::map<std::string, Pod> pods_;
  std::map<std::string, Namespace> namespaces_;
  // service key -> slice keys, so a slice change finds its service at once
  std::map<std::string, std::vector<std::string>> slices_by_service_;
  std::vector<ObjectEvent> pending_;
  std::vector<Listener> listeners_;
  bool synced_ = false;
};

}  // namespace skiff::kube
