// Running a helper program (ctr, containerd) without a shell.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "skiff/util/result.h"

namespace skiff::kubelet {

struct ProcessOutput {
  int exit_code = -1;  // -1: killed by a signal or timed out
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (searched in PATH) to completion and captures its output.
// Killed (SIGKILL) when it outlives `timeout`.
Result<ProcessOutput> run_process(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout = std::chrono::minutes(5));

// Starts argv in the background with stdout/stderr appended to log_file and
// its own process group; returns its pid.
Result<pid_t> spawn_background(const std::vector<std::string>& argv, const std::filesystem::path& log_file);

// SIGTERM, then SIGKILL after `grace`; reaps the child.
void terminate_process(pid_t pid, std::chrono::milliseconds grace);

}  // namespace skiff::kubelet
