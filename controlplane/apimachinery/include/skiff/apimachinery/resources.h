// The registry of resources the API serves: names, scope, short names,
// categories, verbs and subresources (what discovery publishes and what the
// router needs), for the built-in kinds plus custom resources from CRDs.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery {

struct SubresourceInfo {
  std::string name;              // "status", "scale", "log", "exec", ...
  GroupVersionKind kind;         // response kind; scale -> autoscaling/v1 Scale
  std::vector<std::string> verbs;
};

// A CRD's additionalPrinterColumns entry (also used for kubectl get tables).
struct PrinterColumn {
  std::string name;         // "Age"
  std::string type;         // string, integer, number, boolean, date
  std::string format;
  std::string description;
  int priority = 0;
  std::string json_path;    // ".spec.replicas"
};

struct ResourceInfo {
  std::string group;
  std::string version;
  std::string kind;
  std::string plural;
  std::string singular;
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs;
  std::vector<SubresourceInfo> subresources;
  bool custom = false;                        // served from a CRD
  std::vector<PrinterColumn> printer_columns;  // CRDs only; empty = NAME/AGE

  GroupVersionKind gvk() const { return {group, version, kind}; }
  GroupVersionResource gvr() const { return {group, version, plural}; }
  std::string list_kind() const { return kind + "List"; }
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  const SubresourceInfo* subresource(std::string_view name) const;
  bool has_verb(std::string_view verb) const;
};

// A value type (a few dozen entries, cheap to copy). Not
// synchronised: a server that adds CRDs while serving publishes a new copy
// (e.g. through an atomic shared_ptr<const ResourceRegistry>).
class ResourceRegistry {
 public:
  // The built-in resources of Kubernetes 1.32 that Skiff serves.
  static ResourceRegistry builtin();

  const ResourceInfo* find(const GroupVersionResource&) const;
  const ResourceInfo* find(const GroupVersionKind&) const;
  // By plural, singular, short name or kind (case-insensitive), optionally
  // restricted to a group; the preferred match comes first (core, then apps, ...).
  std::vector<const ResourceInfo*> find_by_name(std::string_view name,
                                                std::optional<std::string_view> group = {}) const;
  const std::vector<ResourceInfo>& all() const { return resources_; }
  // Group/version pairs in discovery order ("" first), each listed once.
  std::vector<std::pair<std::string, std::string>> group_versions() const;
  std::vector<const ResourceInfo*> in_group_version(std::string_view group, std::string_view version) const;

  // Adds or replaces a custom resource (same group+plural+version replaced).
  // Fails if it would shadow a built-in resource.
  ApiResult<void> add_custom(ResourceInfo info);
  bool remove_custom(const GroupVersionResource&);

 private:
  std::vector<ResourceInfo> resources_;
};

}  // namespace skiff::apimachinery
