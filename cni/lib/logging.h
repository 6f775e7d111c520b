// Logging for a plugin whose stdout belongs to the runtime: stderr by default,
// a file when the config names one.
#pragma once
#include <string>

namespace skiff::cni {

// Before the config is read: stderr, level from SKIFF_CNI_LOG_LEVEL (default warn).
void init_logging();
// Once the config is read: its logFile and logLevel.
void apply_log_config(const std::string& log_file, const std::string& log_level);

}  // namespace skiff::cni
