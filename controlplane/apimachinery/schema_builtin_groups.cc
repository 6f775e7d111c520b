// Built-in schemas of the named API groups (apps, batch, networking, rbac,
// ...), in the same style as schema_builtin_core.cc.
#include "schema_builtin.h"

namespace skiff::apimachinery::builtin {
using namespace dsl;

namespace {

void add_apps_batch(Defs& d) {
  auto& m = d.meta;
  auto& c = d.core;
  const std::string p = "io.k8s.api.apps.v1.";
  auto apps = [](const char* kind) { return GroupVersionKind{"apps", "v1", kind}; };
  auto selector = [&] { return use(m.label_selector).immutable(); };

  auto rolling_deployment = d.add(p + "RollingUpdateDeployment",
      object({{"maxUnavailable", ios().def("25%")}, {"maxSurge", ios().def("25%")}}));
  auto deployment_strategy = d.add(p + "DeploymentStrategy",
      object({{"type", str().oneof({"Recreate", "RollingUpdate"}).def("RollingUpdate")},
              {"rollingUpdate", rolling_deployment}}));
  auto deployment_spec = d.add(p + "DeploymentSpec",
      std::move(object({
          {"replicas", i32().def(1).desc("Number of desired pods. Defaults to 1.")},
          {"selector", selector().desc("Label selector for pods. It must match the pod template's labels.")},
          {"template", use(c.pod_template_spec).desc("Template describes the pods that will be created.")},
          {"strategy", use(deployment_strategy).strategy(PatchStrategy::RetainKeys)
                           .desc("The deployment strategy to use to replace existing pods with new ones.")},
          {"minReadySeconds", i32()},
          {"revisionHistoryLimit", i32().def(10)},
          {"paused", boolean()},
          {"progressDeadlineSeconds", i32().def(600)},
      }).required({"selector", "template"}).desc("DeploymentSpec is the specification of the desired behavior of the Deployment.")));
  auto deployment_condition = object({{"type", str()}, {"status", str()}, {"lastUpdateTime", time()},
                                      {"lastTransitionTime", time()}, {"reason", str()}, {"message", str()}});
  auto workload_status = [&] {
    return std::move(object({{"observedGeneration", i64()}, {"replicas", i32()}, {"updatedReplicas", i32()},
                             {"readyReplicas", i32()}, {"availableReplicas", i32()}, {"unavailableReplicas", i32()},
                             {"terminatingReplicas", i32()}, {"fullyLabeledReplicas", i32()},
                             {"conditions", array(deployment_condition).keyed("type")}, {"collisionCount", i32()},
                             {"currentReplicas", i32()}, {"currentRevision", str()}, {"updateRevision", str()}})
                         .preserve());
  };
  d.kind(apps("Deployment"), p + "Deployment", "Deployment enables declarative updates for Pods and ReplicaSets.",
         {{"spec", deployment_spec}, {"status", workload_status()}});
  d.kind(apps("ReplicaSet"), p + "ReplicaSet", "ReplicaSet ensures that a specified number of pod replicas are running at any given time.",
         {{"spec", std::move(object({{"replicas", i32().def(1)}, {"minReadySeconds", i32()}, {"selector", selector()},
                                     {"template", c.pod_template_spec}}).required({"selector"}))},
          {"status", workload_status()}});
  d.kind(apps("StatefulSet"), p + "StatefulSet",
         "StatefulSet represents a set of pods with consistent identities.",
         {{"spec", std::move(object({
               {"replicas", i32().def(1)}, {"selector", selector()}, {"template", c.pod_template_spec},
               {"volumeClaimTemplates", array(object({{"apiVersion", str()}, {"kind", str()}, {"metadata", m.object_meta},
                                                      {"spec", c.pvc_spec}, {"status", any()}})).atomic()},
               {"serviceName", str()},
               {"podManagementPolicy", str().oneof({"OrderedReady", "Parallel"}).def("OrderedReady")},
               {"updateStrategy", object({{"type", str().oneof({"OnDelete", "RollingUpdate"}).def("RollingUpdate")},
                                          {"rollingUpdate", object({{"partition", i32()}, {"maxUnavailable", ios()}})}})},
               {"revisionHistoryLimit", i32().def(10)},
               {"minReadySeconds", i32()},
               {"persistentVolumeClaimRetentionPolicy",
                object({{"whenDeleted", str().oneof({"Delete", "Retain"}).def("Retain")},
                        {"whenScaled", str().oneof({"Delete", "Retain"}).def("Retain")}})},
               {"ordinals", object({{"start", i32()}})},
           }).required({"selector", "template"}))},
          {"status", workload_status()}});
  d.kind(apps("DaemonSet"), p + "DaemonSet", "DaemonSet represents the configuration of a daemon set.",
         {{"spec", std::move(object({
               {"selector", selector()}, {"template", c.pod_template_spec},
               {"updateStrategy", object({{"type", str().oneof({"OnDelete", "RollingUpdate"}).def("RollingUpdate")},
                                          {"rollingUpdate", object({{"maxUnavailable", ios()}, {"maxSurge", ios()}})}})},
               {"minReadySeconds", i32()},
               {"revisionHistoryLimit", i32().def(10)},
           }).required({"selector", "template"}))},
          {"status", any()}});
  d.kind(apps("ControllerRevision"), p + "ControllerRevision",
         "ControllerRevision implements an immutable snapshot of state data.",
         {{"data", any()}, {"revision", i64()}});

  // batch/v1
  const std::string b = "io.k8s.api.batch.v1.";
  auto job_spec = d.add(b + "JobSpec",
      std::move(object({
          {"parallelism", i32()}, {"completions", i32()}, {"activeDeadlineSeconds", i64()},
          {"podFailurePolicy", any()}, {"successPolicy", any()}, {"backoffLimit", i32()},
          {"backoffLimitPerIndex", i32()}, {"maxFailedIndexes", i32()}, {"selector", m.label_selector},
          {"manualSelector", boolean()}, {"template", c.pod_template_spec}, {"ttlSecondsAfterFinished", i32()},
          {"completionMode", str().oneof({"Indexed", "NonIndexed"})}, {"suspend", boolean()},
          {"podReplacementPolicy", str().oneof({"Failed", "TerminatingOrFailed"})}, {"managedBy", str()},
      }).required({"template"}).desc("JobSpec describes how the job execution will look like.")));
  d.kind({"batch", "v1", "Job"}, b + "Job", "Job represents the configuration of a single job.",
         {{"spec", job_spec}, {"status", any()}});
  d.kind({"batch", "v1", "CronJob"}, b + "CronJob", "CronJob represents the configuration of a single cron job.",
         {{"spec", std::move(object({
               {"schedule", str("The schedule in Cron format.")}, {"timeZone", str()},
               {"startingDeadlineSeconds", i64()},
               {"concurrencyPolicy", str().oneof({"Allow", "Forbid", "Replace"}).def("Allow")},
               {"suspend", boolean().def(false)},
               {"jobTemplate", std::move(object({{"metadata", m.object_meta}, {"spec", job_spec}}))},
               {"successfulJobsHistoryLimit", i32().def(3)},
               {"failedJobsHistoryLimit", i32().def(1)},
           }).required({"schedule", "jobTemplate"}))},
          {"status", object({{"active", array(c.object_reference).atomic()}, {"lastScheduleTime", time()},
                             {"lastSuccessfulTime", time()}})}});
}

void add_networking(Defs& d) {
  auto& m = d.meta;
  const std::string p = "io.k8s.api.networking.v1.";
  auto net = [](const char* kind) { return GroupVersionKind{"networking.k8s.io", "v1", kind}; };
  auto np_port = object({{"protocol", str().oneof({"SCTP", "TCP", "UDP"}).def("TCP")}, {"port", ios()}, {"endPort", i32()}});
  auto peer = d.add(p + "NetworkPolicyPeer",
      object({{"podSelector", m.label_selector}, {"namespaceSelector", m.label_selector},
              {"ipBlock", std::move(object({{"cidr", str()}, {"except", strings()}}).required({"cidr"}))}}));
  d.kind(net("NetworkPolicy"), p + "NetworkPolicy", "NetworkPolicy describes what network traffic is allowed for a set of Pods",
         {{"spec", std::move(object({
               {"podSelector", m.label_selector},
               {"ingress", array(object({{"ports", array(np_port).atomic()}, {"from", array(peer).atomic()}})).atomic()},
               {"egress", array(object({{"ports", array(np_port).atomic()}, {"to", array(peer).atomic()}})).atomic()},
               {"policyTypes", strings()},
           }))}});
  auto backend = d.add(p + "IngressBackend",
      object({{"service", std::move(object({{"name", str()}, {"port", object({{"name", str()}, {"number", i32()}})}}).required({"name"}))},
              {"resource", object({{"apiGroup", str()}, {"kind", str()}, {"name", str()}})}}));
  d.kind(net("Ingress"), p + "Ingress",
         "Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.",
         {{"spec", object({
               {"ingressClassName", str()},
               {"defaultBackend", backend},
               {"tls", array(object({{"hosts", strings()}, {"secretName", str()}})).atomic()},
               {"rules", array(object({{"host", str()},
                                       {"http", std::move(object({{"paths", array(std::move(object({
                                                   {"path", str()},
                                                   {"pathType", str().oneof({"Exact", "ImplementationSpecific", "Prefix"})},
                                                   {"backend", backend}}).required({"pathType", "backend"}))).atomic()}})
                                                    .required({"paths"}))}})).atomic()},
           })},
          {"status", any()}});
  d.kind(net("IngressClass"), p + "IngressClass", "IngressClass represents the class of the Ingress, referenced by the Ingress Spec.",
         {{"spec", object({{"controller", str()},
                           {"parameters", object({{"apiGroup", str()}, {"kind", str()}, {"name", str()},
                                                  {"scope", str()}, {"namespace", str()}})}})}});
  // discovery.k8s.io/v1
  const std::string ds = "io.k8s.api.discovery.v1.";
  auto endpoint = d.add(ds + "Endpoint",
      std::move(object({{"addresses", strings().set()},
                        {"conditions", object({{"ready", boolean()}, {"serving", boolean()}, {"terminating", boolean()}})},
                        {"hostname", str()}, {"targetRef", d.core.object_reference}, {"deprecatedTopology", string_map()},
                        {"nodeName", str()}, {"zone", str()},
                        {"hints", object({{"forZones", array(object({{"name", str()}})).atomic()},
                                          {"forNodes", array(object({{"name", str()}})).atomic()}})}})
          .required({"addresses"})));
  d.kind({"discovery.k8s.io", "v1", "EndpointSlice"}, ds + "EndpointSlice",
         "EndpointSlice represents a subset of the endpoints that implement a service.",
         {{"addressType", str().oneof({"FQDN", "IPv4", "IPv6"})},
          {"endpoints", array(endpoint).atomic()},
          {"ports", array(object({{"name", str()}, {"protocol", str().oneof({"SCTP", "TCP", "UDP"})},
                                  {"port", i32()}, {"appProtocol", str()}})).atomic()}});
}

void add_misc(Defs& d) {
  auto& m = d.meta;
  auto& c = d.core;
  // coordination.k8s.io/v1
  d.kind({"coordination.k8s.io", "v1", "Lease"}, "io.k8s.api.coordination.v1.Lease", "Lease defines a lease concept.",
         {{"spec", object({{"holderIdentity", str()}, {"leaseDurationSeconds", i32()},
                           {"acquireTime", std::move(str().format("date-time"))},
                           {"renewTime", std::move(str().format("date-time"))}, {"leaseTransitions", i32()},
                           {"strategy", str()}, {"preferredHolder", str()}})}});
  // rbac.authorization.k8s.io/v1
  const std::string r = "io.k8s.api.rbac.v1.";
  auto rbac = [](const char* kind) { return GroupVersionKind{"rbac.authorization.k8s.io", "v1", kind}; };
  auto rule = d.add(r + "PolicyRule",
      std::move(object({{"verbs", strings()}, {"apiGroups", strings()}, {"resources", strings()},
                        {"resourceNames", strings()}, {"nonResourceURLs", strings()}}).required({"verbs"})));
  auto subject = d.add(r + "Subject",
      std::move(object({{"kind", str()}, {"apiGroup", str()}, {"name", str()}, {"namespace", str()}}).required({"kind", "name"})));
  auto role_ref = d.add(r + "RoleRef",
      std::move(object({{"apiGroup", str()}, {"kind", str()}, {"name", str()}}).required({"apiGroup", "kind", "name"})));
  d.kind(rbac("Role"), r + "Role", "Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.",
         {{"rules", array(rule).atomic()}});
  d.kind(rbac("ClusterRole"), r + "ClusterRole",
         "ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.",
         {{"rules", array(rule).atomic()},
          {"aggregationRule", object({{"clusterRoleSelectors", array(m.label_selector).atomic()}})}});
  d.kind(rbac("RoleBinding"), r + "RoleBinding", "RoleBinding references a role, but does not contain it.",
         {{"subjects", array(subject).atomic()}, {"roleRef", use(role_ref).immutable()}});
  d.kind(rbac("ClusterRoleBinding"), r + "ClusterRoleBinding",
         "ClusterRoleBinding references a ClusterRole, but not contain it.",
         {{"subjects", array(subject).atomic()}, {"roleRef", use(role_ref).immutable()}});
  // autoscaling
  d.kind({"autoscaling", "v2", "HorizontalPodAutoscaler"}, "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
         "HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler.",
         {{"spec", std::move(object({{"scaleTargetRef", std::move(object({{"kind", str()}, {"name", str()}, {"apiVersion", str()}})
                                                                      .required({"kind", "name"}))},
                                     {"minReplicas", i32().def(1)}, {"maxReplicas", i32()},
                                     {"metrics", array(any()).atomic()}, {"behavior", any()}})
                            .required({"scaleTargetRef", "maxReplicas"}))},
          {"status", any()}});
  d.kind({"autoscaling", "v1", "Scale"}, "io.k8s.api.autoscaling.v1.Scale",
         "Scale represents a scaling request for a resource.",
         {{"spec", object({{"replicas", i32()}})},
          {"status", std::move(object({{"replicas", i32()}, {"selector", str()}}).required({"replicas"}))}});
  // storage, scheduling
  d.kind({"storage.k8s.io", "v1", "StorageClass"}, "io.k8s.api.storage.v1.StorageClass",
         "StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned.",
         {{"provisioner", str()}, {"parameters", string_map()},
          {"reclaimPolicy", str().oneof({"Delete", "Recycle", "Retain"}).def("Delete")},
          {"mountOptions", strings()}, {"allowVolumeExpansion", boolean()},
          {"volumeBindingMode", str().oneof({"Immediate", "WaitForFirstConsumer"}).def("Immediate")},
          {"allowedTopologies", array(any()).atomic()}});
  d.kind({"scheduling.k8s.io", "v1", "PriorityClass"}, "io.k8s.api.scheduling.v1.PriorityClass",
         "PriorityClass defines mapping from a priority class name to the priority integer value.",
         {{"value", i32()}, {"globalDefault", boolean()}, {"description", str()},
          {"preemptionPolicy", str().oneof({"Never", "PreemptLowerPriority"}).def("PreemptLowerPriority")}});
  // events.k8s.io/v1
  d.kind({"events.k8s.io", "v1", "Event"}, "io.k8s.api.events.v1.Event",
         "Event is a report of an event somewhere in the cluster.",
         {{"eventTime", std::move(str().format("date-time"))},
          {"series", object({{"count", i32()}, {"lastObservedTime", std::move(str().format("date-time"))}})},
          {"reportingController", str()}, {"reportingInstance", str()}, {"action", str()}, {"reason", str()},
          {"regarding", c.object_reference}, {"related", c.object_reference}, {"note", str()}, {"type", str()},
          {"deprecatedSource", object({{"component", str()}, {"host", str()}})},
          {"deprecatedFirstTimestamp", time()}, {"deprecatedLastTimestamp", time()}, {"deprecatedCount", i32()}});
  // apiextensions.k8s.io/v1
  const std::string x = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.";
  auto names = d.add(x + "CustomResourceDefinitionNames",
      std::move(object({{"plural", str()}, {"singular", str()}, {"shortNames", strings()}, {"kind", str()},
                        {"listKind", str()}, {"categories", strings()}}).required({"plural", "kind"})));
  auto printer_column = object({{"name", str()}, {"type", str()}, {"format", str()}, {"description", str()},
                                {"priority", i32()}, {"jsonPath", str()}});
  auto crd_version = d.add(x + "CustomResourceDefinitionVersion",
      std::move(object({{"name", str()}, {"served", boolean()}, {"storage", boolean()}, {"deprecated", boolean()},
                        {"deprecationWarning", str()}, {"schema", object({{"openAPIV3Schema", any()}})},
                        {"subresources", object({{"status", any()}, {"scale", any()}})},
                        {"additionalPrinterColumns", array(std::move(printer_column.required({"name", "type", "jsonPath"}))).atomic()},
                        {"selectableFields", array(object({{"jsonPath", str()}})).atomic()}})
          .required({"name", "served", "storage"})));
  d.kind({"apiextensions.k8s.io", "v1", "CustomResourceDefinition"}, x + "CustomResourceDefinition",
         "CustomResourceDefinition represents a resource that should be exposed on the API server.",
         {{"spec", std::move(object({{"group", str()}, {"names", names},
                                     {"scope", str().oneof({"Cluster", "Namespaced"})},
                                     {"versions", array(crd_version).atomic()},
                                     {"conversion", any()}, {"preserveUnknownFields", boolean()}})
                            .required({"group", "names", "scope", "versions"}))},
          {"status", any()}});
  // authorization / authentication reviews
  auto resource_attributes = object({{"namespace", str()}, {"verb", str()}, {"group", str()}, {"version", str()},
                                     {"resource", str()}, {"subresource", str()}, {"name", str()},
                                     {"fieldSelector", any()}, {"labelSelector", any()}});
  auto non_resource_attributes = object({{"path", str()}, {"verb", str()}});
  const std::string az = "io.k8s.api.authorization.v1.";
  auto authz = [](const char* kind) { return GroupVersionKind{"authorization.k8s.io", "v1", kind}; };
  d.kind(authz("SelfSubjectAccessReview"), az + "SelfSubjectAccessReview",
         "SelfSubjectAccessReview checks whether or the current user can perform an action.",
         {{"spec", object({{"resourceAttributes", resource_attributes}, {"nonResourceAttributes", non_resource_attributes}})},
          {"status", any()}});
  auto sar_spec = object({{"resourceAttributes", resource_attributes}, {"nonResourceAttributes", non_resource_attributes},
                          {"user", str()}, {"groups", strings()}, {"extra", map_of(strings())}, {"uid", str()}});
  d.kind(authz("SubjectAccessReview"), az + "SubjectAccessReview",
         "SubjectAccessReview checks whether or not a user or group can perform an action.",
         {{"spec", sar_spec}, {"status", any()}});
  d.kind(authz("LocalSubjectAccessReview"), az + "LocalSubjectAccessReview",
         "LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace.",
         {{"spec", sar_spec}, {"status", any()}});
  d.kind(authz("SelfSubjectRulesReview"), az + "SelfSubjectRulesReview",
         "SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.",
         {{"spec", object({{"namespace", str()}})}, {"status", any()}});
  d.kind({"authentication.k8s.io", "v1", "TokenReview"}, "io.k8s.api.authentication.v1.TokenReview",
         "TokenReview attempts to authenticate a token to a known user.",
         {{"spec", object({{"token", str()}, {"audiences", strings()}})}, {"status", any()}});
  d.kind({"authentication.k8s.io", "v1", "SelfSubjectReview"}, "io.k8s.api.authentication.v1.SelfSubjectReview",
         "SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.",
         {{"status", any()}});
  d.kind({"authentication.k8s.io", "v1", "TokenRequest"}, "io.k8s.api.authentication.v1.TokenRequest",
         "TokenRequest requests a token for a given service account.",
         {{"spec", object({{"audiences", strings()}, {"expirationSeconds", i64()}, {"boundObjectRef", any()}})},
          {"status", any()}});
  d.kind({"policy", "v1", "Eviction"}, "io.k8s.api.policy.v1.Eviction",
         "Eviction evicts a pod from its node subject to certain policies and safety constraints.",
         {{"deleteOptions", any()}});
}

}  // namespace

void add_groups(Defs& d) {
  add_apps_batch(d);
  add_networking(d);
  add_misc(d);
}

}  // namespace skiff::apimachinery::builtin
