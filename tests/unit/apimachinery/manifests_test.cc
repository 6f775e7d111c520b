// Realistic manifests, as users apply them, must default, validate and pass
// strict field validation cleanly: a false positive here breaks kubectl apply.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "skiff/apimachinery/defaulting.h"
#include "skiff/apimachinery/validation.h"
#include "skiff/apimachinery/yaml.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

const char* kManifests[] = {
    R"Y(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app.kubernetes.io/name: web}
  annotations: {kubernetes.io/change-cause: "initial"}
spec:
  replicas: 3
  revisionHistoryLimit: 5
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web}
      annotations: {prometheus.io/scrape: "true"}
      creationTimestamp: null
    spec:
      serviceAccountName: web
      securityContext: {runAsNonRoot: true, fsGroup: 2000, seccompProfile: {type: RuntimeDefault}}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              labelSelector: {matchLabels: {app.kubernetes.io/name: web}}
              topologyKey: kubernetes.io/hostname
      tolerations:
      - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app.kubernetes.io/name: web}}}
      initContainers:
      - name: migrate
        image: registry.example.com/web:1.4.2
        command: ["/bin/migrate", "--up"]
      containers:
      - name: web
        image: registry.example.com/web:1.4.2
        args: ["--port=8080"]
        ports:
        - {name: http, containerPort: 8080}
        - {name: metrics, containerPort: 9090, protocol: TCP}
        env:
        - {name: LOG_LEVEL, value: info}
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        - name: PASSWORD
          valueFrom: {secretKeyRef: {name: web-secret, key: password}}
        - name: MEM_LIMIT
          valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
        envFrom:
        - configMapRef: {name: web-config}
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: "1", memory: 256Mi}
        readinessProbe:
          httpGet: {path: /healthz, port: http}
          initialDelaySeconds: 5
        livenessProbe:
          tcpSocket: {port: 8080}
        startupProbe:
          exec: {command: ["cat", "/tmp/ready"]}
          failureThreshold: 30
        lifecycle:
          preStop: {exec: {command: ["sleep", "5"]}}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: ["ALL"]}}
        volumeMounts:
        - {name: config, mountPath: /etc/web, readOnly: true}
        - {name: data, mountPath: /data}
        - {name: tmp, mountPath: /tmp}
        - {name: token, mountPath: /var/run/token}
      volumes:
      - name: config
        configMap: {name: web-config, items: [{key: app.yaml, path: app.yaml}]}
      - name: data
        persistentVolumeClaim: {claimName: web-data}
      - name: tmp
        emptyDir: {medium: Memory, sizeLimit: 64Mi}
      - name: token
        projected:
          sources:
          - serviceAccountToken: {path: token, expirationSeconds: 3600}
      imagePullSecrets: [{name: regcred}]
      nodeSelector: {kubernetes.io/os: linux}
      priorityClassName: high
status: {}
)Y",
    R"Y(
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: LoadBalancer
  selector: {app.kubernetes.io/name: web}
  externalTrafficPolicy: Local
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: https, port: 443, targetPort: 8443, protocol: TCP}
)Y",
    R"Y(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: postgres
        image: postgres:16
        ports: [{containerPort: 5432, name: pg}]
        volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: ["ReadWriteOnce"]
      storageClassName: standard
      resources: {requests: {storage: 1Gi}}
)Y",
    R"Y(
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  schedule: "0 3 * * *"
  timeZone: Europe/Paris
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      ttlSecondsAfterFinished: 600
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - {name: backup, image: "busybox:1.36", command: ["sh", "-c", "echo ok"]}
)Y",
    R"Y(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNet
      tolerations: [{operator: Exists}]
      containers:
      - name: agent
        image: agent:1
        securityContext: {privileged: true}
        ports: [{containerPort: 9100, name: metrics}]
        volumeMounts: [{name: bpf, mountPath: /sys/fs/bpf, mountPropagation: Bidirectional}]
      volumes:
      - name: bpf
        hostPath: {path: /sys/fs/bpf, type: DirectoryOrCreate}
)Y",
    R"Y(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations: {nginx.ingress.kubernetes.io/rewrite-target: /}
spec:
  ingressClassName: nginx
  tls: [{hosts: [web.example.com], secretName: web-tls}]
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
)Y",
    R"Y(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports: [{protocol: TCP, port: 5432}]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{port: 53, protocol: UDP}, {port: 8000, endPort: 9000}]
)Y",
    R"Y(
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader}
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list, watch]
)Y",
    R"Y(
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: read-all}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: web, namespace: default}
- {kind: Group, name: "system:authenticated", apiGroup: rbac.authorization.k8s.io}
)Y",
    R"Y(
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 300}
)Y",
    R"Y(
apiVersion: v1
kind: Secret
metadata: {name: web-secret}
type: Opaque
stringData: {password: s3cr3t}
data: {token: dG9rZW4=}
)Y",
    R"Y(
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data:
  app.yaml: |
    port: 8080
  LOG_LEVEL: info
)Y",
    R"Y(
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: web-data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 5Gi}}
)Y",
    R"Y(
apiVersion: v1
kind: Namespace
metadata: {name: team-a, labels: {team: a}}
)Y",
    R"Y(
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
automountServiceAccountToken: false
)Y",
    R"Y(
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: 3
  parallelism: 2
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: pi, image: "perl:5.34", command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}
)Y",
    R"Y(
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  restartPolicy: Never
  containers:
  - name: shell
    image: busybox
    stdin: true
    tty: true
    command: [sh]
)Y",
    R"Y(
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
)Y",
    R"Y(
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000000
globalDefault: false
description: "important"
)Y",
    R"Y(
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- addresses: ["10.0.0.5"]
  conditions: {ready: true}
  nodeName: node-a
  targetRef: {kind: Pod, name: web-1, namespace: default}
)Y",
    R"Y(
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: leader}
spec: {holderIdentity: a, leaseDurationSeconds: 15, renewTime: "2025-01-01T00:00:00.000000Z"}
)Y",
};

TEST(Manifests, RealisticManifestsAreClean) {
  for (const char* text : kManifests) {
    auto obj = yaml_to_json(text);
    ASSERT_TRUE(obj) << obj.error().message;
    auto gvk = GroupVersionKind::from((*obj)["apiVersion"].get<std::string>(), (*obj)["kind"].get<std::string>());
    std::string name = (*obj)["metadata"]["name"];
    EXPECT_EQ(unknown_fields(gvk, *obj), std::vector<std::string>{}) << gvk.kind << " " << name;
    if (gvk.kind == "Job") (*obj)["metadata"]["uid"] = "0b3e-uid";  // the server assigns it before defaulting
    apply_defaults(gvk, *obj);
    std::vector<std::string> causes;
    for (const auto& c : validate(gvk, *obj)) causes.push_back(c.field + ": " + c.message);
    EXPECT_EQ(causes, std::vector<std::string>{}) << gvk.kind << " " << name;
    // Re-validating as an update against itself is clean too.
    json same = *obj;
    EXPECT_TRUE(validate(gvk, same, &*obj).empty()) << gvk.kind << " " << name;
  }
}

TEST(Manifests, YamlScalarsResolveLikeKubectl) {
  auto obj = yaml_to_json("a: 80\nb: \"80\"\nc: true\nd: 'yes'\ne: ~\nf: 1.5\ng: 0x1F\nh: 08\n");
  ASSERT_TRUE(obj);
  EXPECT_EQ((*obj)["a"], 80);
  EXPECT_EQ((*obj)["b"], "80");
  EXPECT_EQ((*obj)["c"], true);
  EXPECT_EQ((*obj)["d"], "yes");
  EXPECT_TRUE((*obj)["e"].is_null());
  EXPECT_EQ((*obj)["f"], 1.5);
  EXPECT_TRUE((*obj)["g"].is_string());
  EXPECT_EQ((*obj)["h"], "08");
  EXPECT_FALSE(yaml_to_json("a: [1, 2"));
}

}  // namespace
}  // namespace skiff::apimachinery
