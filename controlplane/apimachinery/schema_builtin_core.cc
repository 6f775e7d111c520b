// Built-in schemas: meta/v1 and core/v1. Field names, enums, defaults, merge
// keys and list types follow Kubernetes 1.32 (k8s.io/api core/v1 types.go and
// the published OpenAPI v3). Rarely used sub-objects are `any()` so unknown-
// field detection never rejects valid input beneath them.
#include "schema_builtin.h"

namespace skiff::apimachinery::builtin {
using namespace dsl;

SchemaRef Defs::add(std::string name, S s) {
  s.named(name);
  SchemaRef ref = s;
  reg.add_named(ref);
  return ref;
}

SchemaRef Defs::kind(const GroupVersionKind& gvk, std::string name, std::string description,
                     std::initializer_list<std::pair<const char*, SchemaRef>> fields) {
  S s = object({{"apiVersion", str("APIVersion defines the versioned schema of this representation of an object.")},
                {"kind", str("Kind is a string value representing the REST resource this object represents.")},
                {"metadata", use(meta.object_meta).desc("Standard object's metadata.")}});
  for (const auto& [k, v] : fields) {
    // spec and status get kube's generic wording (the definitions keep their own).
    if (std::string_view(k) == "spec" || std::string_view(k) == "status")
      s.raw().properties[k] = use(v).desc(std::string_view(k) == "spec"
                                              ? "Spec defines the desired behavior of the " + gvk.kind + "."
                                              : "Status is the most recently observed status of the " + gvk.kind +
                                                    ". This data may not be up to date. Populated by the system. Read-only.");
    else
      s.raw().properties[k] = v;
  }
  s.desc(std::move(description));
  s.raw().gvks.push_back(gvk);
  SchemaRef ref = add(std::move(name), std::move(s));
  reg.add_kind(gvk, ref);
  return ref;
}

void add_meta(Defs& d) {
  auto& m = d.meta;
  m.owner_reference = d.add("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
      std::move(object({{"apiVersion", str()}, {"kind", str()}, {"name", str()}, {"uid", str()},
                        {"controller", boolean()}, {"blockOwnerDeletion", boolean()}})
          .required({"apiVersion", "kind", "name", "uid"})
          .desc("OwnerReference contains enough information to let you identify an owning object.")));
  m.managed_fields_entry = d.add("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
      object({{"manager", str()}, {"operation", str()}, {"apiVersion", str()}, {"time", time()},
              {"fieldsType", str()}, {"fieldsV1", any()}, {"subresource", str()}}));
  m.object_meta = d.add("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
      std::move(object({
          {"name", str("Name must be unique within a namespace.")},
          {"generateName", str("GenerateName is an optional prefix, used by the server, to generate a unique name.")},
          {"namespace", str("Namespace defines the space within which each name must be unique.")},
          {"selfLink", str()},
          {"uid", str("UID is the unique in time and space value for this object.")},
          {"resourceVersion", str("An opaque value that represents the internal version of this object.")},
          {"generation", i64()},
          {"creationTimestamp", time()},
          {"deletionTimestamp", time()},
          {"deletionGracePeriodSeconds", i64()},
          {"labels", string_map().desc("Map of string keys and values that can be used to organize and categorize objects.")},
          {"annotations", string_map().desc("Annotations is an unstructured key value map stored with a resource.")},
          {"ownerReferences", array(m.owner_reference).keyed("uid")},
          {"finalizers", strings().set()},
          {"managedFields", array(m.managed_fields_entry).atomic()},
      }).desc("ObjectMeta is metadata that all persisted resources must have.")));
  m.list_meta = d.add("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
      object({{"resourceVersion", str()}, {"continue", str()}, {"remainingItemCount", i64()}, {"selfLink", str()}}));
  auto requirement = d.add("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
      std::move(object({{"key", str()}, {"operator", str()}, {"values", strings()}}).required({"key", "operator"})));
  m.label_selector = d.add("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
      std::move(object({{"matchLabels", string_map()}, {"matchExpressions", array(requirement).atomic()}})
          .desc("A label selector is a label query over a set of resources.")));
  m.condition = d.add("io.k8s.apimachinery.pkg.apis.meta.v1.Condition",
      std::move(object({{"type", str()}, {"status", str().oneof({"True", "False", "Unknown"})},
                        {"observedGeneration", i64()}, {"lastTransitionTime", time()}, {"reason", str()},
                        {"message", str()}})
          .required({"type", "status", "lastTransitionTime", "reason", "message"})));
}

void add_core(Defs& d) {
  auto& m = d.meta;
  auto& c = d.core;
  const GroupVersionKind v1{"", "v1", ""};
  auto gvk = [&](const char* kind) { return GroupVersionKind{"", "v1", kind}; };
  const std::string p = "io.k8s.api.core.v1.";

  c.object_reference = d.add(p + "ObjectReference",
      object({{"kind", str()}, {"namespace", str()}, {"name", str()}, {"uid", str()}, {"apiVersion", str()},
              {"resourceVersion", str()}, {"fieldPath", str()}}));
  c.local_object_reference = d.add(p + "LocalObjectReference", object({{"name", str()}}));
  auto key_selector = [&](const char* name) {
    return d.add(p + name, std::move(object({{"name", str()}, {"key", str()}, {"optional", boolean()}}).required({"key"})));
  };
  auto cm_key = key_selector("ConfigMapKeySelector");
  auto secret_key = key_selector("SecretKeySelector");
  auto env_var = d.add(p + "EnvVar",
      std::move(object({{"name", str("Name of the environment variable.")},
                        {"value", str()},
                        {"valueFrom", object({{"fieldRef", std::move(object({{"apiVersion", str()}, {"fieldPath", str()}}).required({"fieldPath"}))},
                                              {"resourceFieldRef", std::move(object({{"containerName", str()}, {"resource", str()}, {"divisor", quantity()}}).required({"resource"}))},
                                              {"configMapKeyRef", cm_key},
                                              {"secretKeyRef", secret_key}})}})
          .required({"name"})));
  auto env_from = d.add(p + "EnvFromSource",
      object({{"prefix", str()},
              {"configMapRef", object({{"name", str()}, {"optional", boolean()}})},
              {"secretRef", object({{"name", str()}, {"optional", boolean()}})}}));
  auto container_port = d.add(p + "ContainerPort",
      std::move(object({{"name", str()}, {"hostPort", i32()}, {"containerPort", i32()},
                        {"protocol", str().oneof({"SCTP", "TCP", "UDP"}).def("TCP")}, {"hostIP", str()}})
          .required({"containerPort"})));
  c.resource_requirements = d.add(p + "ResourceRequirements",
      object({{"limits", map_of(quantity())}, {"requests", map_of(quantity())},
              {"claims", array(std::move(object({{"name", str()}, {"request", str()}}).required({"name"}))).keyed("name")}}));
  auto volume_mount = d.add(p + "VolumeMount",
      std::move(object({{"name", str()}, {"readOnly", boolean()}, {"recursiveReadOnly", str()}, {"mountPath", str()},
                        {"subPath", str()}, {"mountPropagation", str().oneof({"Bidirectional", "HostToContainer", "None"})},
                        {"subPathExpr", str()}})
          .required({"name", "mountPath"})));
  auto http_header = object({{"name", str()}, {"value", str()}});
  auto http_get = d.add(p + "HTTPGetAction",
      std::move(object({{"path", str()}, {"port", ios()}, {"host", str()}, {"scheme", str().oneof({"HTTP", "HTTPS"}).def("HTTP")},
                        {"httpHeaders", array(std::move(http_header.required({"name", "value"}))).atomic()}})
          .required({"port"})));
  auto tcp_socket = d.add(p + "TCPSocketAction", std::move(object({{"port", ios()}, {"host", str()}}).required({"port"})));
  auto exec_action = d.add(p + "ExecAction", object({{"command", strings()}}));
  auto probe = d.add(p + "Probe",
      object({{"exec", exec_action}, {"httpGet", http_get}, {"tcpSocket", tcp_socket},
              {"grpc", std::move(object({{"port", i32()}, {"service", str().def("")}}).required({"port"}))},
              {"initialDelaySeconds", i32()}, {"timeoutSeconds", i32().def(1)}, {"periodSeconds", i32().def(10)},
              {"successThreshold", i32().def(1)}, {"failureThreshold", i32().def(3)},
              {"terminationGracePeriodSeconds", i64()}}));
  auto handler = d.add(p + "LifecycleHandler",
      object({{"exec", exec_action}, {"httpGet", http_get}, {"tcpSocket", tcp_socket},
              {"sleep", std::move(object({{"seconds", i64()}}).required({"seconds"}))}}));
  auto lifecycle = d.add(p + "Lifecycle", object({{"postStart", handler}, {"preStop", handler}, {"stopSignal", str()}}));
  auto security_context = d.add(p + "SecurityContext",
      std::move(object({{"capabilities", object({{"add", strings()}, {"drop", strings()}})},
                        {"privileged", boolean()}, {"seLinuxOptions", any()}, {"windowsOptions", any()},
                        {"runAsUser", i64()}, {"runAsGroup", i64()}, {"runAsNonRoot", boolean()},
                        {"readOnlyRootFilesystem", boolean()}, {"allowPrivilegeEscalation", boolean()},
                        {"procMount", str()}, {"seccompProfile", any()}, {"appArmorProfile", any()}})));
  auto container_fields = [&](bool ephemeral) {
    S s = object({
        {"name", str("Name of the container specified as a DNS_LABEL.")},
        {"image", str("Container image name.")},
        {"command", strings().desc("Entrypoint array. Not executed within a shell.")},
        {"args", strings().desc("Arguments to the entrypoint.")},
        {"workingDir", str()},
        {"ports", array(container_port).keyed("containerPort", {"containerPort", "protocol"})
                      .desc("List of ports to expose from the container.")},
        {"envFrom", array(env_from).atomic()},
        {"env", array(env_var).keyed("name").desc("List of environment variables to set in the container.")},
        {"resources", c.resource_requirements},
        {"resizePolicy", array(object({{"resourceName", str()}, {"restartPolicy", str()}})).atomic()},
        {"restartPolicy", str()},
        {"volumeMounts", array(volume_mount).keyed("mountPath")},
        {"volumeDevices", array(object({{"name", str()}, {"devicePath", str()}})).keyed("devicePath")},
        {"livenessProbe", probe},
        {"readinessProbe", probe},
        {"startupProbe", probe},
        {"lifecycle", lifecycle},
        {"terminationMessagePath", str().def("/dev/termination-log")},
        {"terminationMessagePolicy", str().oneof({"FallbackToLogsOnError", "File"}).def("File")},
        {"imagePullPolicy", str().oneof({"Always", "IfNotPresent", "Never"})},
        {"securityContext", security_context},
        {"stdin", boolean()},
        {"stdinOnce", boolean()},
        {"tty", boolean()},
    });
    if (ephemeral) s.raw().properties["targetContainerName"] = str();
    s.required({"name"});
    s.desc("A single application container that you want to run within a pod.");
    return s;
  };
  c.container = d.add(p + "Container", container_fields(false));
  auto ephemeral_container = d.add(p + "EphemeralContainer", container_fields(true));

  auto key_to_path = d.add(p + "KeyToPath", std::move(object({{"key", str()}, {"path", str()}, {"mode", i32()}}).required({"key", "path"})));
  auto volume = d.add(p + "Volume",
      std::move(object({
          {"name", str("name of the volume. Must be a DNS_LABEL and unique within the pod.")},
          {"hostPath", std::move(object({{"path", str()}, {"type", str().def("")}}).required({"path"}))},
          {"emptyDir", object({{"medium", str()}, {"sizeLimit", quantity()}})},
          {"secret", object({{"secretName", str()}, {"items", array(key_to_path).atomic()},
                             {"defaultMode", i32().def(420)}, {"optional", boolean()}})},
          {"configMap", object({{"name", str()}, {"items", array(key_to_path).atomic()},
                                {"defaultMode", i32().def(420)}, {"optional", boolean()}})},
          {"persistentVolumeClaim", std::move(object({{"claimName", str()}, {"readOnly", boolean()}}).required({"claimName"}))},
          {"projected", object({{"sources", array(any()).atomic()}, {"defaultMode", i32()}})},
          {"downwardAPI", object({{"items", array(any()).atomic()}, {"defaultMode", i32()}})},
          {"nfs", std::move(object({{"server", str()}, {"path", str()}, {"readOnly", boolean()}}).required({"server", "path"}))},
          {"csi", std::move(object({{"driver", str()}, {"readOnly", boolean()}, {"fsType", str()},
                                    {"volumeAttributes", string_map()}, {"nodePublishSecretRef", c.local_object_reference}})
                      .required({"driver"}))},
          {"ephemeral", object({{"volumeClaimTemplate", any()}})},
          {"image", object({{"reference", str()}, {"pullPolicy", str()}})},
          {"gcePersistentDisk", any()}, {"awsElasticBlockStore", any()}, {"gitRepo", any()}, {"iscsi", any()},
          {"glusterfs", any()}, {"rbd", any()}, {"flexVolume", any()}, {"cinder", any()}, {"cephfs", any()},
          {"flocker", any()}, {"fc", any()}, {"azureFile", any()}, {"vsphereVolume", any()}, {"quobyte", any()},
          {"azureDisk", any()}, {"photonPersistentDisk", any()}, {"portworxVolume", any()}, {"scaleIO", any()},
          {"storageos", any()},
      }).required({"name"}).desc("Volume represents a named volume in a pod that may be accessed by any container in the pod.")));
  auto toleration = d.add(p + "Toleration",
      object({{"key", str()}, {"operator", str().oneof({"Equal", "Exists"})}, {"value", str()},
              {"effect", str().oneof({"NoExecute", "NoSchedule", "PreferNoSchedule"})}, {"tolerationSeconds", i64()}}));
  auto topology_spread = d.add(p + "TopologySpreadConstraint",
      std::move(object({{"maxSkew", i32()}, {"topologyKey", str()},
                        {"whenUnsatisfiable", str().oneof({"DoNotSchedule", "ScheduleAnyway"})},
                        {"labelSelector", m.label_selector}, {"minDomains", i32()},
                        {"nodeAffinityPolicy", str()}, {"nodeTaintsPolicy", str()}, {"matchLabelKeys", strings()}})
          .required({"maxSkew", "topologyKey", "whenUnsatisfiable"})));
  auto pod_security_context = d.add(p + "PodSecurityContext",
      object({{"seLinuxOptions", any()}, {"windowsOptions", any()}, {"runAsUser", i64()}, {"runAsGroup", i64()},
              {"runAsNonRoot", boolean()}, {"supplementalGroups", array(i64()).atomic()},
              {"supplementalGroupsPolicy", str()}, {"fsGroup", i64()}, {"sysctls", array(any()).atomic()},
              {"fsGroupChangePolicy", str()}, {"seccompProfile", any()}, {"appArmorProfile", any()},
              {"seLinuxChangePolicy", str()}}));
  c.pod_spec = d.add(p + "PodSpec",
      std::move(object({
          {"volumes", array(volume).keyed("name").strategy(PatchStrategy::MergeRetainKeys)
                          .desc("List of volumes that can be mounted by containers belonging to the pod.")},
          {"initContainers", array(c.container).keyed("name")},
          {"containers", array(c.container).keyed("name").desc("List of containers belonging to the pod.")},
          {"ephemeralContainers", array(ephemeral_container).keyed("name")},
          {"restartPolicy", str().oneof({"Always", "Never", "OnFailure"}).def("Always")},
          {"terminationGracePeriodSeconds", i64().def(30)},
          {"activeDeadlineSeconds", i64()},
          {"dnsPolicy", str().oneof({"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"}).def("ClusterFirst")},
          {"nodeSelector", string_map()},
          {"serviceAccountName", str()},
          {"serviceAccount", str()},
          {"automountServiceAccountToken", boolean()},
          {"nodeName", str()},
          {"hostNetwork", boolean()},
          {"hostPID", boolean()},
          {"hostIPC", boolean()},
          {"shareProcessNamespace", boolean()},
          {"securityContext", use(pod_security_context).def(nlohmann::json::object())},
          {"imagePullSecrets", array(c.local_object_reference).keyed("name")},
          {"hostname", str()},
          {"subdomain", str()},
          {"affinity", any()},
          {"schedulerName", str().def("default-scheduler")},
          {"tolerations", array(toleration).atomic()},
          {"hostAliases", array(object({{"ip", str()}, {"hostnames", strings()}})).keyed("ip")},
          {"priorityClassName", str()},
          {"priority", i32()},
          {"dnsConfig", object({{"nameservers", strings()}, {"searches", strings()},
                                {"options", array(object({{"name", str()}, {"value", str()}})).atomic()}})},
          {"readinessGates", array(object({{"conditionType", str()}})).atomic()},
          {"runtimeClassName", str()},
          {"enableServiceLinks", boolean().def(true)},
          {"preemptionPolicy", str().oneof({"Never", "PreemptLowerPriority"})},
          {"overhead", map_of(quantity())},
          {"topologySpreadConstraints", array(topology_spread).keyed("topologyKey", {"topologyKey", "whenUnsatisfiable"})},
          {"setHostnameAsFQDN", boolean()},
          {"os", object({{"name", str()}})},
          {"hostUsers", boolean()},
          {"schedulingGates", array(object({{"name", str()}})).keyed("name")},
          {"resourceClaims", array(any()).keyed("name")},
          {"resources", c.resource_requirements},
      }).required({"containers"}).desc("PodSpec is a description of a pod.")));
  c.pod_template_spec = d.add(p + "PodTemplateSpec",
      object({{"metadata", m.object_meta}, {"spec", c.pod_spec}}));
  auto pod_condition = object({{"type", str()}, {"status", str()}, {"lastProbeTime", time()},
                               {"lastTransitionTime", time()}, {"reason", str()}, {"message", str()},
                               {"observedGeneration", i64()}});
  auto pod_status = d.add(p + "PodStatus",
      std::move(object({{"phase", str().oneof({"Failed", "Pending", "Running", "Succeeded", "Unknown"})},
                        {"conditions", array(pod_condition).keyed("type")},
                        {"message", str()}, {"reason", str()}, {"nominatedNodeName", str()},
                        {"hostIP", str()}, {"hostIPs", array(object({{"ip", str()}})).keyed("ip")},
                        {"podIP", str()}, {"podIPs", array(object({{"ip", str()}})).keyed("ip")},
                        {"startTime", time()},
                        {"initContainerStatuses", array(any()).atomic()},
                        {"containerStatuses", array(any()).atomic()},
                        {"ephemeralContainerStatuses", array(any()).atomic()},
                        {"qosClass", str()}, {"resize", str()}, {"resourceClaimStatuses", array(any())},
                        {"observedGeneration", i64()}})
          .preserve()));
  d.kind(gvk("Pod"), p + "Pod",
         "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.",
         {{"spec", c.pod_spec}, {"status", pod_status}});
  d.kind(gvk("PodTemplate"), p + "PodTemplate", "PodTemplate describes a template for creating copies of a predefined pod.",
         {{"template", c.pod_template_spec}});

  // Service
  auto service_port = d.add(p + "ServicePort",
      std::move(object({{"name", str()}, {"protocol", str().oneof({"SCTP", "TCP", "UDP"}).def("TCP")},
                        {"appProtocol", str()}, {"port", i32().desc("The port that will be exposed by this service.")},
                        {"targetPort", ios()}, {"nodePort", i32()}})
          .required({"port"})));
  auto service_spec = d.add(p + "ServiceSpec",
      std::move(object({
          {"ports", array(service_port).keyed("port", {"port", "protocol"}).desc("The list of ports that are exposed by this service.")},
          {"selector", string_map()},
          {"clusterIP", str()},
          {"clusterIPs", strings()},
          {"type", str().oneof({"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"})},
          {"externalIPs", strings()},
          {"sessionAffinity", str().oneof({"ClientIP", "None"})},
          {"loadBalancerIP", str()},
          {"loadBalancerSourceRanges", strings()},
          {"externalName", str()},
          {"externalTrafficPolicy", str().oneof({"Cluster", "Local"})},
          {"healthCheckNodePort", i32()},
          {"publishNotReadyAddresses", boolean()},
          {"sessionAffinityConfig", object({{"clientIP", object({{"timeoutSeconds", i32()}})}})},
          {"ipFamilies", strings()},
          {"ipFamilyPolicy", str().oneof({"PreferDualStack", "RequireDualStack", "SingleStack"})},
          {"allocateLoadBalancerNodePorts", boolean()},
          {"loadBalancerClass", str()},
          {"internalTrafficPolicy", str().oneof({"Cluster", "Local"})},
          {"trafficDistribution", str()},
      }).desc("ServiceSpec describes the attributes that a user creates on a service.")));
  auto load_balancer_status = object({{"ingress", array(object({{"ip", str()}, {"hostname", str()}, {"ipMode", str()},
                                                                 {"ports", array(any()).atomic()}})).atomic()}});
  d.kind(gvk("Service"), p + "Service",
         "Service is a named abstraction of software service (for example, mysql) consisting of local port "
         "(for example 3306) that the proxy listens on, and the selector that determines which pods will answer "
         "requests sent through the proxy.",
         {{"spec", service_spec},
          {"status", object({{"loadBalancer", load_balancer_status}, {"conditions", array(m.condition).keyed("type")}})}});

  auto endpoint_address = object({{"ip", str()}, {"hostname", str()}, {"nodeName", str()}, {"targetRef", c.object_reference}});
  auto endpoint_port = object({{"name", str()}, {"port", i32()}, {"protocol", str().oneof({"SCTP", "TCP", "UDP"})}, {"appProtocol", str()}});
  d.kind(gvk("Endpoints"), p + "Endpoints", "Endpoints is a collection of endpoints that implement the actual service.",
         {{"subsets", array(object({{"addresses", array(endpoint_address).atomic()},
                                    {"notReadyAddresses", array(endpoint_address).atomic()},
                                    {"ports", array(endpoint_port).atomic()}})).atomic()}});
  d.kind(gvk("ConfigMap"), p + "ConfigMap", "ConfigMap holds configuration data for pods to consume.",
         {{"data", string_map()}, {"binaryData", map_of(bytes())}, {"immutable", boolean()}});
  d.kind(gvk("Secret"), p + "Secret",
         "Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.",
         {{"data", map_of(bytes())}, {"stringData", string_map()}, {"type", str()}, {"immutable", boolean()}});
  d.kind(gvk("Namespace"), p + "Namespace", "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
         {{"spec", object({{"finalizers", strings()}})},
          {"status", object({{"phase", str().oneof({"Active", "Terminating"})}, {"conditions", array(any()).keyed("type")}})}});
  auto taint = d.add(p + "Taint", std::move(object({{"key", str()}, {"value", str()},
                                                   {"effect", str().oneof({"NoExecute", "NoSchedule", "PreferNoSchedule"})},
                                                   {"timeAdded", time()}}).required({"key", "effect"})));
  d.kind(gvk("Node"), p + "Node", "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).",
         {{"spec", object({{"podCIDR", str()}, {"podCIDRs", strings().set()}, {"providerID", str()},
                           {"unschedulable", boolean()}, {"taints", array(taint).atomic()},
                           {"configSource", any()}, {"externalID", str()}})},
          {"status", std::move(object({{"capacity", map_of(quantity())}, {"allocatable", map_of(quantity())},
                                       {"phase", str()}, {"conditions", array(any()).keyed("type")},
                                       {"addresses", array(object({{"type", str()}, {"address", str()}})).keyed("type")},
                                       {"daemonEndpoints", any()}, {"nodeInfo", any()}, {"images", array(any()).atomic()},
                                       {"volumesInUse", strings()}, {"volumesAttached", array(any()).atomic()},
                                       {"config", any()}, {"runtimeHandlers", array(any()).atomic()}, {"features", any()}})
                          .preserve())}});
  d.kind(gvk("ServiceAccount"), p + "ServiceAccount",
         "ServiceAccount binds together: a name, understood by users, and perhaps by peripheral systems, for an identity; "
         "a principal that can be authenticated and authorized; a set of secrets.",
         {{"secrets", array(c.object_reference).keyed("name")},
          {"imagePullSecrets", array(c.local_object_reference).atomic()},
          {"automountServiceAccountToken", boolean()}});
  d.kind(gvk("Event"), p + "Event", "Event is a report of an event somewhere in the cluster.",
         {{"involvedObject", c.object_reference}, {"reason", str()}, {"message", str()},
          {"source", object({{"component", str()}, {"host", str()}})}, {"firstTimestamp", time()},
          {"lastTimestamp", time()}, {"count", i32()}, {"type", str()}, {"eventTime", std::move(str().format("date-time"))},
          {"series", object({{"count", i32()}, {"lastObservedTime", time()}})}, {"action", str()},
          {"related", c.object_reference}, {"reportingComponent", str()}, {"reportingInstance", str()}});
  d.kind(gvk("Binding"), p + "Binding", "Binding ties one object to another; for example, a pod is bound to a node by a scheduler.",
         {{"target", c.object_reference}});
  d.kind(gvk("ComponentStatus"), p + "ComponentStatus", "ComponentStatus (and ComponentStatusList) holds the cluster validation info.",
         {{"conditions", array(object({{"type", str()}, {"status", str()}, {"message", str()}, {"error", str()}})).keyed("type")}});

  auto pv_source_any = [&](S s) {
    for (const char* k : {"gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "rbd", "iscsi", "cinder",
                          "cephfs", "fc", "flocker", "flexVolume", "azureFile", "vsphereVolume", "quobyte",
                          "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos"})
      s.raw().properties[k] = any();
    return s;
  };
  c.pvc_spec = d.add(p + "PersistentVolumeClaimSpec",
      object({{"accessModes", strings()}, {"selector", m.label_selector},
              {"resources", object({{"limits", map_of(quantity())}, {"requests", map_of(quantity())}})},
              {"volumeName", str()}, {"storageClassName", str()},
              {"volumeMode", str().oneof({"Block", "Filesystem"})},
              {"dataSource", any()}, {"dataSourceRef", any()}, {"volumeAttributesClassName", str()}}));
  d.kind(gvk("PersistentVolumeClaim"), p + "PersistentVolumeClaim",
         "PersistentVolumeClaim is a user's request for and claim to a persistent volume",
         {{"spec", c.pvc_spec},
          {"status", std::move(object({{"phase", str()}, {"accessModes", strings()}, {"capacity", map_of(quantity())},
                                       {"conditions", array(any()).keyed("type")}}).preserve())}});
  d.kind(gvk("PersistentVolume"), p + "PersistentVolume",
         "PersistentVolume (PV) is a storage resource provisioned by an administrator.",
         {{"spec", pv_source_any(object({{"capacity", map_of(quantity())}, {"accessModes", strings()},
                                         {"claimRef", c.object_reference},
                                         {"persistentVolumeReclaimPolicy", str().oneof({"Delete", "Recycle", "Retain"})},
                                         {"storageClassName", str()}, {"mountOptions", strings()},
                                         {"volumeMode", str().oneof({"Block", "Filesystem"})}, {"nodeAffinity", any()},
                                         {"hostPath", object({{"path", str()}, {"type", str()}})},
                                         {"nfs", object({{"server", str()}, {"path", str()}, {"readOnly", boolean()}})},
                                         {"csi", any()}, {"local", object({{"path", str()}, {"fsType", str()}})},
                                         {"volumeAttributesClassName", str()}}))},
          {"status", std::move(object({{"phase", str()}, {"message", str()}, {"reason", str()},
                                       {"lastPhaseTransitionTime", time()}}).preserve())}});
  d.kind(gvk("ResourceQuota"), p + "ResourceQuota", "ResourceQuota sets aggregate quota restrictions enforced per namespace",
         {{"spec", object({{"hard", map_of(quantity())}, {"scopes", strings()}, {"scopeSelector", any()}})},
          {"status", object({{"hard", map_of(quantity())}, {"used", map_of(quantity())}})}});
  d.kind(gvk("LimitRange"), p + "LimitRange", "LimitRange sets resource usage limits for each kind of resource in a Namespace.",
         {{"spec", std::move(object({{"limits", array(std::move(object({{"type", str()}, {"max", map_of(quantity())},
                                                                        {"min", map_of(quantity())}, {"default", map_of(quantity())},
                                                                        {"defaultRequest", map_of(quantity())},
                                                                        {"maxLimitRequestRatio", map_of(quantity())}})
                                                                 .required({"type"}))).atomic()}}).required({"limits"}))}});
  d.kind(gvk("ReplicationController"), p + "ReplicationController",
         "ReplicationController represents the configuration of a replication controller.",
         {{"spec", object({{"replicas", i32().def(1)}, {"minReadySeconds", i32()}, {"selector", string_map()},
                           {"template", c.pod_template_spec}})},
          {"status", any()}});
  (void)v1;
}

}  // namespace skiff::apimachinery::builtin
