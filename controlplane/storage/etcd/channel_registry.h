// One gRPC channel per etcd endpoint for the whole process, never destroyed.
// gRPC 1.51 can abort (grpc_cq_internal_unref) when the last channel using
// the shared callback completion queue is destroyed while another is being
// created; keeping channels alive avoids that, and stores opened on the same
// endpoint share one HTTP/2 connection.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace skiff::storage::etcd {

std::shared_ptr<grpc::Channel> channel_for(const std::string& endpoint);

}  // namespace skiff::storage::etcd
