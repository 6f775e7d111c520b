// meta.k8s.io/v1 Table output for `kubectl get`: the columns kubectl users
// know for each built-in kind (printers.go), CRD additionalPrinterColumns,
// NAME/AGE for the rest.
#pragma once
#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "skiff/apimachinery/resources.h"
#include "skiff/apimachinery/types.h"

namespace skiff::apimachinery {

enum class IncludeObject { None, Metadata, Object };  // ?includeObject=, default Metadata

struct TableOptions {
  IncludeObject include_object = IncludeObject::Metadata;
  bool column_definitions = true;  // false for watch events after the first
  // CRD additionalPrinterColumns; empty -> built-in columns or NAME/AGE.
  std::vector<PrinterColumn> printer_columns;
  // "Now" for ages; default = the current time.
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  std::string resource_version;  // Table.metadata.resourceVersion
  std::string continue_token;    // Table.metadata.continue
};

// A Table of `objects` (each a full object of the kind). Rows carry
// PartialObjectMetadata (Metadata), the object (Object) or nothing (None).
nlohmann::json to_table(const GroupVersionKind&, const std::vector<const nlohmann::json*>& objects,
                        const TableOptions& = {});

// Kube's age format: "45s", "5m10s", "3h4m", "3d4h", "12d", "2y30d".
std::string human_duration(std::chrono::seconds);

}  // namespace skiff::apimachinery
