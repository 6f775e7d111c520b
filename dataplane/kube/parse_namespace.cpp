#include "parse_common.h"

namespace skiff::kube {

std::expected<Namespace, ParseError> parse_namespace(const nlohmann::json& obj) {
  detail::FieldReader r(detail::describe_object("Namespace", obj, /*namespaced=*/false));
  Namespace ns;
  ns.meta = detail::read_object_meta(r, detail::root(obj), "Namespace", /*namespaced=*/false);
  if (!r.ok()) return std::unexpected(r.error());
  return ns;
}

}  // namespace skiff::kube
