#include "storage/etcd/etcd_errors.h"

#include <fmt/format.h>

namespace skiff::storage::etcd {

StorageError from_status(const grpc::Status& status, std::string_view endpoint, std::string_view doing) {
  const auto& message = status.error_message();
  auto what = fmt::format("etcd at {}: {}: {} (grpc code {})", endpoint, doing, message,
                          static_cast<int>(status.error_code()));
  switch (status.error_code()) {
    case grpc::StatusCode::OUT_OF_RANGE:
      // etcd's ErrCompacted / ErrFutureRev are both OUT_OF_RANGE; the text tells them apart.
      if (message.find("compacted") != std::string::npos) {
        auto error = StorageError::compacted(0, 0);
        error.message = std::move(what);
        return error;
      }
      return StorageError::invalid_argument(std::move(what));
    case grpc::StatusCode::INVALID_ARGUMENT:
      return StorageError::invalid_argument(std::move(what));
    case grpc::StatusCode::DATA_LOSS:
      return StorageError::corrupt(std::move(what));
    default:
      return StorageError::unavailable(std::move(what));
  }
}

}  // namespace skiff::storage::etcd
