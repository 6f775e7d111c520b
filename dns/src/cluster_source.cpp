#include "skiff/dns/cluster_source.h"

#include <spdlog/spdlog.h>

#include "skiff/dns/kube_records.h"
#include "skiff/dns/name.h"

namespace skiff::dns {

struct ClusterSource::State {
  State(const kube::ObjectCache& c, ZoneIndex& i) : cache(c), index(i) {}

  const kube::ObjectCache& cache;
  ZoneIndex& index;
  std::set<std::string> counted_services;        // service keys counted in ns_refs
  std::set<std::string> counted_namespaces;      // Namespace objects counted
  std::map<std::string, int> ns_refs;            // namespace -> Namespace object + services
  std::map<std::string, std::string> pod_subdomain;            // pod key -> "ns/subdomain"
  std::map<std::string, std::set<std::string>> subdomain_pods;  // "ns/subdomain" -> pod keys

  static std::string ns_of(const std::string& key) {
    auto slash = key.find('/');
    return slash == std::string::npos ? std::string{} : key.substr(0, slash);
  }

  void ns_ref(const std::string& ns, int delta) {
    if (ns.empty()) return;
    int& n = ns_refs[ns];
    const int before = n;
    n += delta;
    auto names = [&] {
      std::string lower = ns;
      for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      std::vector<std::string> out;
      for (const char* sub : {"svc", "pod"}) {
        auto z = prepend_label(sub, index.zone());
        if (auto full = z ? prepend_label(lower, *z) : std::nullopt) out.push_back(*full);
      }
      return out;
    };
    if (before == 0 && n > 0)
      for (const auto& name : names()) index.pin(name);
    if (before > 0 && n <= 0)
      for (const auto& name : names()) index.unpin(name);
    if (n <= 0) ns_refs.erase(ns);
  }

  void refresh_service(const std::string& key) {
    const kube::Service* svc = cache.service(key);
    const bool counted = counted_services.contains(key);
    if (svc && !counted) {
      counted_services.insert(key);
      ns_ref(svc->meta.ns, +1);
    } else if (!svc && counted) {
      counted_services.erase(key);
      ns_ref(ns_of(key), -1);
    }
    if (svc) {
      auto slices = cache.slices_of(key);
      index.set_records("svc:" + key, service_records(*svc, slices, index.zone()));
    } else {
      index.set_records("svc:" + key, {});
    }
    // Pods using this service as their subdomain.
    if (auto it = subdomain_pods.find(key); it != subdomain_pods.end()) {
      const std::set<std::string> pods = it->second;
      for (const auto& p : pods) refresh_pod(p);
    }
  }

  void refresh_pod(const std::string& key) {
    const kube::Pod* pod = cache.pod(key);
    std::string sub;
    if (pod && !pod->hostname.empty() && !pod->subdomain.empty()) sub = pod->meta.ns + "/" + pod->subdomain;
    auto old = pod_subdomain.find(key);
    if (old != pod_subdomain.end() && old->second != sub) {
      if (auto it = subdomain_pods.find(old->second); it != subdomain_pods.end()) {
        it->second.erase(key);
        if (it->second.empty()) subdomain_pods.erase(it);
      }
      pod_subdomain.erase(old);
    }
    if (sub.empty()) {
      index.set_records("pod:" + key, {});
      return;
    }
    pod_subdomain[key] = sub;
    subdomain_pods[sub].insert(key);
    index.set_records("pod:" + key, pod_records(*pod, cache.service(sub), index.zone()));
  }

  void refresh_namespace(const std::string& name) {
    const bool present = cache.ns(name) != nullptr;
    const bool counted = counted_namespaces.contains(name);
    if (present && !counted) {
      counted_namespaces.insert(name);
      ns_ref(name, +1);
    } else if (!present && counted) {
      counted_namespaces.erase(name);
      ns_ref(name, -1);
    }
  }

  void load_all() {
    for (const auto& [name, ns] : cache.namespaces()) refresh_namespace(name);
    for (const auto& [key, svc] : cache.services()) refresh_service(key);
    for (const auto& [key, pod] : cache.pods()) refresh_pod(key);
  }

  void on_events(const std::vector<kube::ObjectEvent>& events) {
    std::set<std::string> services, pods, namespaces;
    for (const auto& ev : events) {
      switch (ev.kind) {
        case kube::Kind::Service: services.insert(ev.key); break;
        case kube::Kind::EndpointSlice:
          if (!ev.service_key.empty()) services.insert(ev.service_key);
          break;
        case kube::Kind::Pod: pods.insert(ev.key); break;
        case kube::Kind::Namespace: namespaces.insert(ev.key); break;
      }
    }
    for (const auto& n : namespaces) refresh_namespace(n);
    for (const auto& s : services) refresh_service(s);
    for (const auto& p : pods) refresh_pod(p);
  }
};

ClusterSource::ClusterSource(kube::ObjectCache& cache, ZoneIndex& index)
    : state_(std::make_shared<State>(cache, index)) {
  index.set_records("schema", schema_records(index.zone()));
  state_->load_all();
  cache.subscribe([weak = std::weak_ptr<State>(state_)](const kube::ObjectCache&,
                                                        const std::vector<kube::ObjectEvent>& events) {
    if (auto s = weak.lock()) s->on_events(events);
  });
}

ClusterSource::~ClusterSource() = default;

}  // namespace skiff::dns
