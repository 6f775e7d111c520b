// Short descriptions of the fields users explain most, attached to the
// built-in schemas before they are shared (kubectl explain shows them).
#include "schema_builtin.h"

namespace skiff::apimachinery::builtin {

namespace {

struct FieldDoc {
  const char* definition;
  const char* field;
  const char* text;
};

const FieldDoc kDocs[] = {
    {"io.k8s.api.core.v1.PodSpec", "restartPolicy", "Restart policy for all containers within the pod: Always, OnFailure or Never. Default Always."},
    {"io.k8s.api.core.v1.PodSpec", "terminationGracePeriodSeconds", "Seconds the pod needs to terminate gracefully before it is killed. Default 30."},
    {"io.k8s.api.core.v1.PodSpec", "dnsPolicy", "How DNS is configured for the pod: ClusterFirst (default), ClusterFirstWithHostNet, Default or None."},
    {"io.k8s.api.core.v1.PodSpec", "nodeSelector", "Labels a node must carry for the pod to be scheduled onto it."},
    {"io.k8s.api.core.v1.PodSpec", "serviceAccountName", "Name of the ServiceAccount the pod runs as."},
    {"io.k8s.api.core.v1.PodSpec", "nodeName", "The node the pod is bound to; set by the scheduler, or by the user to bypass it."},
    {"io.k8s.api.core.v1.PodSpec", "hostNetwork", "Use the node's network namespace. Default false."},
    {"io.k8s.api.core.v1.PodSpec", "hostname", "Hostname of the pod; defaults to the pod name."},
    {"io.k8s.api.core.v1.PodSpec", "subdomain", "With hostname, gives the pod the DNS name <hostname>.<subdomain>.<namespace>.svc."},
    {"io.k8s.api.core.v1.PodSpec", "affinity", "Scheduling constraints: node affinity, pod affinity and pod anti-affinity."},
    {"io.k8s.api.core.v1.PodSpec", "schedulerName", "The scheduler that places the pod. Default default-scheduler."},
    {"io.k8s.api.core.v1.PodSpec", "tolerations", "Taints the pod tolerates."},
    {"io.k8s.api.core.v1.PodSpec", "priorityClassName", "PriorityClass giving the pod its priority."},
    {"io.k8s.api.core.v1.PodSpec", "initContainers", "Containers run to completion, in order, before the app containers start."},
    {"io.k8s.api.core.v1.PodSpec", "imagePullSecrets", "Secrets in the pod's namespace used to pull its images."},
    {"io.k8s.api.core.v1.PodSpec", "topologySpreadConstraints", "How pods of a group spread across topology domains."},
    {"io.k8s.api.core.v1.Container", "workingDir", "Working directory of the container; defaults to the image's."},
    {"io.k8s.api.core.v1.Container", "envFrom", "Sources (ConfigMaps, Secrets) whose keys become environment variables."},
    {"io.k8s.api.core.v1.Container", "resources", "Compute resources the container requests and is limited to."},
    {"io.k8s.api.core.v1.Container", "volumeMounts", "Pod volumes to mount into the container's filesystem."},
    {"io.k8s.api.core.v1.Container", "livenessProbe", "Probe of container liveness; the container restarts when it fails."},
    {"io.k8s.api.core.v1.Container", "readinessProbe", "Probe of readiness; the pod leaves service endpoints when it fails."},
    {"io.k8s.api.core.v1.Container", "startupProbe", "Probe that must succeed before the other probes start."},
    {"io.k8s.api.core.v1.Container", "lifecycle", "Actions the system runs in response to container lifecycle events."},
    {"io.k8s.api.core.v1.Container", "imagePullPolicy", "Always, Never or IfNotPresent. Default Always for :latest or no tag, IfNotPresent otherwise."},
    {"io.k8s.api.core.v1.Container", "securityContext", "Security options the container runs with."},
    {"io.k8s.api.core.v1.Container", "stdin", "Allocate a buffer for stdin in the container runtime. Default false."},
    {"io.k8s.api.core.v1.Container", "tty", "Allocate a TTY for the container (needs stdin). Default false."},
    {"io.k8s.api.core.v1.Container", "terminationMessagePath", "File whose contents become the termination message. Default /dev/termination-log."},
    {"io.k8s.api.core.v1.ContainerPort", "containerPort", "Port number to expose on the pod's IP address (1-65535)."},
    {"io.k8s.api.core.v1.ContainerPort", "name", "IANA_SVC_NAME of the port, unique within the pod; services can refer to it."},
    {"io.k8s.api.core.v1.ContainerPort", "protocol", "TCP, UDP or SCTP. Default TCP."},
    {"io.k8s.api.core.v1.ContainerPort", "hostPort", "Port to expose on the host."},
    {"io.k8s.api.core.v1.ServiceSpec", "selector", "Pods with these labels receive the service's traffic."},
    {"io.k8s.api.core.v1.ServiceSpec", "clusterIP", "Virtual IP of the service, usually allocated; \"None\" makes it headless."},
    {"io.k8s.api.core.v1.ServiceSpec", "type", "How the service is exposed: ClusterIP (default), NodePort, LoadBalancer or ExternalName."},
    {"io.k8s.api.core.v1.ServiceSpec", "externalIPs", "IPs for which the nodes also accept traffic for this service."},
    {"io.k8s.api.core.v1.ServiceSpec", "sessionAffinity", "ClientIP keeps a client on one backend; None (default) does not."},
    {"io.k8s.api.core.v1.ServiceSpec", "externalTrafficPolicy", "Cluster or Local: whether external traffic may go to endpoints on other nodes."},
    {"io.k8s.api.core.v1.ServiceSpec", "internalTrafficPolicy", "Cluster or Local: whether in-cluster traffic may go to endpoints on other nodes."},
    {"io.k8s.api.core.v1.ServiceSpec", "ipFamilies", "IP families (IPv4, IPv6) assigned to the service."},
    {"io.k8s.api.core.v1.ServiceSpec", "ipFamilyPolicy", "SingleStack, PreferDualStack or RequireDualStack."},
    {"io.k8s.api.core.v1.ServicePort", "name", "Name of the port, required when the service has more than one."},
    {"io.k8s.api.core.v1.ServicePort", "protocol", "TCP, UDP or SCTP. Default TCP."},
    {"io.k8s.api.core.v1.ServicePort", "targetPort", "Port number or name on the pods; defaults to port."},
    {"io.k8s.api.core.v1.ServicePort", "nodePort", "Port on every node for NodePort and LoadBalancer services (30000-32767), usually allocated."},
    {"io.k8s.api.apps.v1.DeploymentSpec", "minReadySeconds", "Seconds a new pod must be ready without crashing to count as available."},
    {"io.k8s.api.apps.v1.DeploymentSpec", "revisionHistoryLimit", "Old ReplicaSets kept for rollback. Default 10."},
    {"io.k8s.api.apps.v1.DeploymentSpec", "paused", "A paused deployment is not rolled out."},
    {"io.k8s.api.apps.v1.DeploymentSpec", "progressDeadlineSeconds", "Seconds before a stalled rollout is reported as failed. Default 600."},
    {"io.k8s.api.apps.v1.DeploymentStrategy", "type", "Recreate or RollingUpdate. Default RollingUpdate."},
    {"io.k8s.api.apps.v1.RollingUpdateDeployment", "maxUnavailable", "Pods (number or percentage) that may be unavailable during the update. Default 25%."},
    {"io.k8s.api.apps.v1.RollingUpdateDeployment", "maxSurge", "Pods (number or percentage) that may be created above the desired count. Default 25%."},
};

}  // namespace

void add_descriptions(SchemaRegistry& reg) {
  for (const auto& d : kDocs) {
    const Schema* def = reg.named(d.definition);
    if (!def) continue;
    auto it = def->properties.find(d.field);
    if (it == def->properties.end() || !it->second->description.empty()) continue;
    // Still private to the registry being built: the one place schemas are edited after creation.
    if (it->second->name.empty()) {
      const_cast<Schema&>(*it->second).description = d.text;
    } else {  // a shared definition: describe this use only
      auto copy = std::make_shared<Schema>(*it->second);
      copy->description = d.text;
      const_cast<Schema&>(*def).properties[d.field] = copy;
    }
  }
}

}  // namespace skiff::apimachinery::builtin
