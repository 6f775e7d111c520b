// Errors as the CNI spec defines them: a numeric code, a message and details,
// printed as JSON on stdout with a non-zero exit status.
#pragma once
#include <expected>
#include <string>
#include <utility>

namespace skiff::cni {

// SPEC.md "Error" codes; 0-99 are the spec's, 100+ are skiff-cni's own.
enum class ErrorCode : int {
  kIncompatibleVersion = 1,
  kUnsupportedField = 2,
  kUnknownContainer = 3,
  kInvalidEnvironment = 4,
  kIoFailure = 5,
  kDecodeFailure = 6,
  kInvalidConfig = 7,
  kTryAgainLater = 11,
  kNotAvailable = 50,          // STATUS: cannot service ADD
  kNotAvailableDegraded = 51,  // STATUS: and existing pods may be affected
  kNetlink = 100,              // the kernel refused a link/address/route change
  kCheckFailed = 101,          // CHECK found the pod's network differing from prevResult
  kAgentRejected = 102,        // the agent answered Register with an error
  kInternal = 999,
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string msg;
  std::string details;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string msg, std::string details = {}) {
  return std::unexpected(Error{code, std::move(msg), std::move(details)});
}

// Prefixes context ("ADD: ") onto an error while keeping its code.
inline Error with_context(Error e, std::string_view context) {
  e.msg = std::string(context) + e.msg;
  return e;
}

}  // namespace skiff::cni
