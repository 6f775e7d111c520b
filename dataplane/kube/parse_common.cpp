#include "parse_common.h"

namespace skiff::kube::detail {

ObjectMeta read_object_meta(FieldReader& reader, const Field& doc, std::string_view kind, bool namespaced) {
  ObjectMeta meta;
  if (!doc.present() || !doc.value->is_object()) {
    reader.fail(doc, "must be a JSON object");
    return meta;
  }
  if (auto actual = reader.string(doc["kind"]); actual && *actual != kind) {
    reader.fail(doc["kind"], "must be " + std::string(kind) + ", got \"" + *actual + "\"");
    return meta;
  }
  const Field metadata = doc["metadata"];
  if (!reader.object(metadata)) {
    if (reader.ok()) reader.fail(metadata["name"], "required");
    return meta;
  }
  if (auto name = reader.required_string(metadata["name"])) meta.name = std::move(*name);
  if (namespaced) {
    meta.ns = reader.string(metadata["namespace"]).value_or("");
    if (meta.ns.empty()) meta.ns = "default";
  }
  meta.uid = reader.string(metadata["uid"]).value_or("");
  meta.resource_version = reader.string(metadata["resourceVersion"]).value_or("");
  meta.labels = reader.string_map(metadata["labels"]);
  meta.annotations = reader.string_map(metadata["annotations"]);
  return meta;
}

Protocol read_protocol(FieldReader& reader, const Field& field) {
  auto text = reader.string(field);
  if (!text || *text == "TCP") return Protocol::TCP;
  if (*text == "UDP") return Protocol::UDP;
  if (*text == "SCTP") return Protocol::SCTP;
  reader.fail(field, "unsupported protocol \"" + *text + "\" (TCP, UDP or SCTP)");
  return Protocol::TCP;
}

bool is_iana_service_name(std::string_view name) {
  // 1-15 characters of [a-z0-9-], at least one letter, no leading, trailing
  // or doubled hyphen (RFC 6335 section 5.1).
  if (name.empty() || name.size() > 15) return false;
  if (name.front() == '-' || name.back() == '-') return false;
  bool has_letter = false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c >= 'a' && c <= 'z') {
      has_letter = true;
    } else if (c == '-') {
      if (name[i - 1] == '-') return false;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return has_letter;
}

}  // namespace skiff::kube::detail
