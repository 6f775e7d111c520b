// Container logs in the CRI format the runtime writes
// (`<RFC3339Nano time> <stdout|stderr> <P|F> <content>` per line, P marking
// a partial line continued by the next), read back for `kubectl logs`:
// tail, timestamps, limit, follow.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "skiff/util/result.h"

namespace skiff::kubelet {

struct CriLogLine {
  std::string timestamp;  // as written (RFC 3339 with nanoseconds)
  std::string stream;     // "stdout" or "stderr"
  bool partial = false;   // tag P
  std::string content;    // without the newline
};

// nullopt for a line that is not in the format.
std::optional<CriLogLine> parse_cri_log_line(std::string_view line);

struct LogOptions {
  std::optional<int64_t> tail_lines;   // last N (full) lines
  bool timestamps = false;             // prefix each line with its time
  std::optional<int64_t> limit_bytes;  // stop after this many bytes of output
  std::string stream;                  // "" (both), "stdout", "stderr"
  bool follow = false;
};

// Writes the log's lines (partial lines joined) to `out`, as kubectl shows
// them. With follow, keeps reading as the file grows until `stop()` is true;
// it is polled between reads.
Result<> read_container_log(const std::filesystem::path& file, const LogOptions& options,
                            const std::function<void(std::string_view)>& out,
                            const std::function<bool()>& stop = {});

// <log dir>/<container>/<restart count>.log: where the kubelet asks the
// runtime to write a container instance's log (relative part is the CRI
// ContainerConfig.log_path).
std::string container_log_relative_path(const std::string& container, uint32_t attempt);
// /var/log/pods/<ns>_<name>_<uid>
std::filesystem::path pod_log_directory(const std::filesystem::path& root, const std::string& ns,
                                        const std::string& name, const std::string& uid);

}  // namespace skiff::kubelet
