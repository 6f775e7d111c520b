#include "cni/lib/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace skiff::cni {

void init_logging() {
  auto logger = spdlog::stderr_color_mt("skiff-cni");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ skiff-cni[%P] %v");
  const char* level = std::getenv("SKIFF_CNI_LOG_LEVEL");
  logger->set_level(level ? spdlog::level::from_str(level) : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void apply_log_config(const std::string& log_file, const std::string& log_level) {
  if (!log_file.empty()) {
    try {
      auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file);
      sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l skiff-cni[%P] %v");
      spdlog::default_logger()->sinks().push_back(sink);
    } catch (const spdlog::spdlog_ex& e) {
      spdlog::warn("cannot open log file {}: {}", log_file, e.what());
    }
  }
  if (!std::getenv("SKIFF_CNI_LOG_LEVEL")) spdlog::default_logger()->set_level(spdlog::level::from_str(log_level));
}

}  // namespace skiff::cni
