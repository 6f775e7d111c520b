// Internal: the pieces of the built-in schema tables shared between files.
#pragma once
#include <initializer_list>
#include <string>

#include "schema_dsl.h"

namespace skiff::apimachinery::builtin {

struct MetaDefs {
  SchemaRef object_meta, list_meta, owner_reference, managed_fields_entry, label_selector, condition;
};
struct CoreDefs {
  SchemaRef object_reference, local_object_reference, container, pod_spec, pod_template_spec,
      resource_requirements, pvc_spec;
};

struct Defs {
  SchemaRegistry& reg;
  MetaDefs meta;
  CoreDefs core;

  // Registers a named definition.
  SchemaRef add(std::string name, dsl::S);
  // Registers a top-level kind: apiVersion, kind, metadata plus `fields`.
  SchemaRef kind(const GroupVersionKind&, std::string name, std::string description,
                 std::initializer_list<std::pair<const char*, SchemaRef>> fields);
};

void add_meta(Defs&);
void add_core(Defs&);
void add_groups(Defs&);  // apps, batch, networking, rbac, ...
void add_descriptions(SchemaRegistry&);  // explain texts of the most used fields

}  // namespace skiff::apimachinery::builtin
