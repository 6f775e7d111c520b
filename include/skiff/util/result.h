// Result<T>: the outcome of an operation that can fail on input or on the
// environment. Errors carry errno (0 when not a system error) and a message
// that says what was attempted on what.
#pragma once
#include <cerrno>
#include <cstring>
#include <expected>
#include <string>

namespace skiff {

struct Error {
  int code = 0;  // errno, or 0
  std::string message;
  std::string str() const {
    return code ? message + ": " + std::strerror(code) : message;
  }
};

template <class T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message, int code = 0) {
  return std::unexpected(Error{code, std::move(message)});
}
// For a failed system call: captures errno now.
inline std::unexpected<Error> fail_errno(std::string message) {
  return std::unexpected(Error{errno, std::move(message)});
}

}  // namespace skiff
