// Translation between etcd's protobuf messages and the store's value types.
#pragma once

#include <string>

#include "etcdserverpb/rpc.pb.h"
#include "mvccpb/kv.pb.h"
#include "storage/types.h"

namespace skiff::storage::etcd {

KeyValue from_proto(const mvccpb::KeyValue& kv);
Event from_proto(const mvccpb::Event& event);

// etcd's range end for a prefix: "\0" (every key) when the prefix has no end.
std::string range_end_for_prefix(const std::string& prefix);

}  // namespace skiff::storage::etcd
