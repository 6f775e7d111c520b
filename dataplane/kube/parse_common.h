// Pieces every object parser shares: the kind check, metadata, protocols and
// port names. Internal to skiff_kube.
#pragma once
#include <string_view>

#include "json_fields.h"
#include "skiff/kube/objects.h"

namespace skiff::kube::detail {

// Checks that the document is an object of `kind` (an absent kind is fine:
// list items from the API server omit it) and reads its metadata. Namespaced
// kinds without a namespace land in "default", as kubectl would put them.
ObjectMeta read_object_meta(FieldReader& reader, const Field& doc, std::string_view kind, bool namespaced);

// TCP when absent; SCTP parses (the caller decides whether it can serve it).
Protocol read_protocol(FieldReader& reader, const Field& field);

// Kubernetes' IANA_SVC_NAME: what a named targetPort or container port may be.
bool is_iana_service_name(std::string_view name);

}  // namespace skiff::kube::detail
