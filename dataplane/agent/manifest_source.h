// The static object source: Service, EndpointSlice, Pod and Namespace
// manifests (YAML or JSON, several documents per file) in a directory, fed
// into the ObjectCache and re-read when files change (inotify). A document
// that fails to parse is reported with its object and reason; the last good
// version of that object, if any, stays in force.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <string>

#include "skiff/kube/object_cache.h"
#include "skiff/util/result.h"

namespace skiff::agent {

class ManifestSource {
 public:
  ManifestSource(boost::asio::io_context& io, std::string dir, kube::ObjectCache& cache);
  // Reads the directory once, marks the cache synced, then follows changes.
  Result<> start();
  // One full re-read; returns the number of problems reported (for tests).
  size_t rescan();

 private:
  void arm_watch();
  void schedule_rescan();

  std::string dir_;
  kube::ObjectCache& cache_;
  boost::asio::posix::stream_descriptor inotify_;
  boost::asio::steady_timer debounce_;
  std::array<char, 8192> buffer_{};
  // (kind, key) -> the document's JSON text as last applied: unchanged
  // documents are not re-applied.
  std::map<std::pair<kube::Kind, std::string>, std::string> applied_;
};

}  // namespace skiff::agent
