// Maps gRPC statuses returned by etcd to store errors.
#pragma once

#include <grpcpp/support/status.h>

#include <string_view>

#include "storage/storage_error.h"

namespace skiff::storage::etcd {

StorageError from_status(const grpc::Status& status, std::string_view endpoint, std::string_view doing);

}  // namespace skiff::storage::etcd
